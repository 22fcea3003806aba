// Distinct keys per slot: exact (a byte-arena hash set, no object per key) up to a bound, then a
// HyperLogLog per slot, so memory stays bounded however large the keyspace.
import { SLOT_COUNT } from '../slot/key-slot.js';
import { HllBank, hashBytes } from './hyperloglog.js';

export interface DistinctKeysOptions {
  /** Keys held exactly before switching to sketches. */
  maxExactKeys: number;
  /** HyperLogLog precision after the switch: 2^p bytes per slot, ~1.04/sqrt(2^p) relative error. */
  precision: number;
}

export const DEFAULT_DISTINCT_OPTIONS: DistinctKeysOptions = { maxExactKeys: 2_000_000, precision: 9 };

export class DistinctKeys {
  /** Exact counts per slot while exact; after the switch, estimates are computed on demand. */
  private readonly perSlot = new Float64Array(SLOT_COUNT);
  private arena = Buffer.allocUnsafe(1 << 16);
  private arenaUsed = 0;
  private offsets: Uint32Array = new Uint32Array(1024);
  private lengths: Uint32Array = new Uint32Array(1024);
  private hashes: Uint32Array = new Uint32Array(1024);
  private slotOf = new Uint16Array(1024);
  private count = 0;
  private table = new Int32Array(2048).fill(-1);
  private sketch: HllBank | null = null;

  constructor(private readonly options: DistinctKeysOptions = DEFAULT_DISTINCT_OPTIONS) {}

  get exact(): boolean {
    return this.sketch === null;
  }

  /** Adds the key buf[start, end) whose slot is slot; false when it was already counted (exact mode only). */
  add(buf: Uint8Array, start: number, end: number, slot: number): boolean {
    const hash = hashBytes(buf, start, end);
    if (this.sketch) {
      this.sketch.add(slot, hash);
      return true;
    }
    const table = this.table;
    const mask = table.length - 1;
    const len = end - start;
    let h = hash & mask;
    for (;;) {
      const idx = table[h];
      if (idx === -1) break;
      if (this.hashes[idx] === hash && this.lengths[idx] === len && this.sameBytes(idx, buf, start, len)) return false;
      h = (h + 1) & mask;
    }
    if (this.count >= this.options.maxExactKeys) {
      this.switchToSketch();
      this.sketch!.add(slot, hash);
      return true;
    }
    table[h] = this.store(buf, start, len, hash, slot);
    this.perSlot[slot]++;
    if (this.count * 2 > table.length) this.grow();
    return true;
  }

  total(): number {
    let sum = 0;
    for (let s = 0; s < SLOT_COUNT; s++) sum += this.inSlot(s);
    return Math.round(sum);
  }

  inSlot(slot: number): number {
    return this.sketch ? Math.round(this.sketch.estimate(slot)) : this.perSlot[slot];
  }

  private sameBytes(idx: number, buf: Uint8Array, start: number, len: number): boolean {
    const arena = this.arena;
    const off = this.offsets[idx];
    for (let k = 0; k < len; k++) if (arena[off + k] !== buf[start + k]) return false;
    return true;
  }

  private store(buf: Uint8Array, start: number, len: number, hash: number, slot: number): number {
    if (this.arenaUsed + len > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.arenaUsed + len));
      this.arena.copy(bigger, 0, 0, this.arenaUsed);
      this.arena = bigger;
    }
    this.arena.set(buf.subarray(start, start + len), this.arenaUsed);
    const idx = this.count++;
    if (idx === this.offsets.length) {
      this.offsets = growU32(this.offsets);
      this.lengths = growU32(this.lengths);
      this.hashes = growU32(this.hashes);
      const slots = new Uint16Array(this.slotOf.length * 2);
      slots.set(this.slotOf);
      this.slotOf = slots;
    }
    this.offsets[idx] = this.arenaUsed;
    this.lengths[idx] = len;
    this.hashes[idx] = hash;
    this.slotOf[idx] = slot;
    this.arenaUsed += len;
    return idx;
  }

  private grow(): void {
    const table = new Int32Array(this.table.length * 2).fill(-1);
    const mask = table.length - 1;
    for (let idx = 0; idx < this.count; idx++) {
      let h = this.hashes[idx] & mask;
      while (table[h] !== -1) h = (h + 1) & mask;
      table[h] = idx;
    }
    this.table = table;
  }

  private switchToSketch(): void {
    const sketch = new HllBank(SLOT_COUNT, this.options.precision);
    for (let idx = 0; idx < this.count; idx++) sketch.add(this.slotOf[idx], this.hashes[idx]);
    this.sketch = sketch;
    // Release the exact set.
    this.arena = Buffer.alloc(0);
    this.offsets = this.lengths = this.hashes = new Uint32Array(0);
    this.slotOf = new Uint16Array(0);
    this.table = new Int32Array(0);
    this.count = 0;
  }
}

function growU32(a: Uint32Array): Uint32Array {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}
