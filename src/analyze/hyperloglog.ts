// A bank of HyperLogLog sketches (Flajolet et al., with linear counting for small cardinalities),
// one per slot, in one Uint8Array so 16384 of them cost 16384 * 2^precision bytes and no objects.
import { StateError, typedFrom, typedBytes } from './state-codec.js';

/** A bank's registers that are not 0: their indexes and values. */
export interface HllSummary {
  at: Uint8Array;
  ranks: Uint8Array;
}

export class HllBank {
  readonly registers: Uint8Array;
  private readonly m: number;
  private readonly shift: number;

  constructor(
    readonly sketches: number,
    readonly precision: number,
  ) {
    this.m = 1 << precision;
    this.shift = 32 - precision;
    this.registers = new Uint8Array(sketches * this.m);
  }

  /** The register of sketch i that a 32-bit hash updates. */
  registerOf(i: number, hash: number): number {
    return i * this.m + (hash >>> this.shift);
  }

  /** Adds a 32-bit hash to sketch i. */
  add(i: number, hash: number): void {
    const rest = (hash << this.precision) | (1 << (this.precision - 1)); // guard bit bounds the rank
    const rank = Math.clz32(rest) + 1;
    const at = this.registerOf(i, hash);
    if (this.registers[at] < rank) this.registers[at] = rank;
  }

  estimate(i: number): number {
    const m = this.m;
    const base = i * m;
    let sum = 0;
    let zeros = 0;
    for (let k = 0; k < m; k++) {
      const r = this.registers[base + k];
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    if (zeros === m) return 0;
    const alpha = m === 16 ? 0.673 : m === 32 ? 0.697 : m === 64 ? 0.709 : 0.7213 / (1 + 1.079 / m);
    const raw = (alpha * m * m) / sum;
    return raw <= 2.5 * m && zeros > 0 ? m * Math.log(m / zeros) : raw;
  }

  /** The registers that are set: a bank of mostly empty sketches in a few bytes. */
  toSummary(): HllSummary {
    const r = this.registers;
    let n = 0;
    for (let i = 0; i < r.length; i++) if (r[i] !== 0) n++;
    const at = new Uint32Array(n);
    const ranks = new Uint8Array(n);
    for (let i = 0, j = 0; i < r.length; i++) if (r[i] !== 0) (at[j] = i), (ranks[j++] = r[i]);
    return { at: typedBytes(at), ranks: typedBytes(ranks) };
  }

  /** PFMERGE: each register the larger of the two, so the union's sketch is the same whatever the order. */
  merge(s: HllSummary): void {
    const at = typedFrom(s?.at, Uint32Array, 'sketch');
    const ranks = typedFrom(s?.ranks, Uint8Array, 'sketch');
    if (at.length !== ranks.length) throw new StateError('sketch malformed');
    const r = this.registers;
    for (let i = 0; i < at.length; i++) {
      if (at[i] >= r.length) throw new StateError('sketch malformed');
      if (r[at[i]] < ranks[i]) r[at[i]] = ranks[i];
    }
  }
}
