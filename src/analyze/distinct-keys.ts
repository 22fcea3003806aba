// Distinct keys per slot, overall and per node: exact up to a bound, then HyperLogLog sketches per slot,
// so memory stays bounded however large the keyspace.
//
// The exact set is built for memory latency, which is what a large keyspace costs: one open-addressing
// table whose entries hold [hash, arena offset, length, node bitmask] (a probe reads one cache line) and
// one byte arena holding each key as [slot: 2 bytes][key bytes], so no key starts at 0 and offset 0 marks
// an empty entry. No object per key.
import { SLOT_COUNT } from '../slot/key-slot.js';
import { HllBank } from './hyperloglog.js';
import { hashBytes } from './key-hash.js';

export interface DistinctKeysOptions {
  /** Keys held exactly before switching to sketches. */
  maxExactKeys: number;
  /** HyperLogLog precision after the switch: 2^p bytes per slot, ~1.04/sqrt(2^p) relative error. */
  precision: number;
}

export const DEFAULT_DISTINCT_OPTIONS: DistinctKeysOptions = { maxExactKeys: 2_000_000, precision: 9 };

/** Nodes tracked through the entries' bitmask; each further node gets a set of its own. */
export const MASK_NODES = 32;

const STRIDE = 4;

export class DistinctKeys {
  private readonly perSlot = new Float64Array(SLOT_COUNT);
  private readonly nodePerSlot: Float64Array[] = [];
  private arena: Uint8Array = new Uint8Array(1 << 16);
  private arenaUsed = 0;
  private count = 0;
  private table: Int32Array = new Int32Array(STRIDE * 4096);
  private sketch: HllBank | null = null;
  private readonly nodeSketches: HllBank[] = [];

  constructor(private readonly options: DistinctKeysOptions = DEFAULT_DISTINCT_OPTIONS) {}

  get exact(): boolean {
    return this.sketch === null;
  }

  /**
   * Adds the key buf[start, end) with slot `slot`, seen by node number `node` (< MASK_NODES, or -1 for
   * none). Returns false when the key was already counted (exact mode only).
   */
  add(buf: Uint8Array, start: number, end: number, slot: number, node: number): boolean {
    const hash = hashBytes(buf, start, end) | 0;
    if (this.sketch) {
      this.sketch.add(slot, hash);
      if (node >= 0) this.nodeSketch(node).add(slot, hash);
      return true;
    }
    const table = this.table;
    const mask = table.length / STRIDE - 1;
    const len = end - start;
    let at = (hash & mask) * STRIDE;
    for (;;) {
      const offset = table[at + 1];
      if (offset === 0) break;
      if (table[at] === hash && table[at + 2] === len && this.sameBytes(offset, buf, start, len)) {
        const bit = node >= 0 ? 1 << node : 0;
        if ((table[at + 3] & bit) !== bit) {
          table[at + 3] |= bit;
          this.nodeCounts(node)[slot]++;
        }
        return false;
      }
      at = (at + STRIDE) & (table.length - 1);
    }
    if (this.count >= this.options.maxExactKeys) {
      this.switchToSketch();
      return this.add(buf, start, end, slot, node);
    }
    table[at] = hash;
    table[at + 1] = this.store(buf, start, len, slot);
    table[at + 2] = len;
    table[at + 3] = node >= 0 ? 1 << node : 0;
    this.count++;
    this.perSlot[slot]++;
    if (node >= 0) this.nodeCounts(node)[slot]++;
    if (this.count * 2 * STRIDE > table.length) this.grow(); // load factor 1/2
    return true;
  }

  /** Distinct keys in a slot, overall or as seen by one node. */
  inSlot(slot: number, node = -1): number {
    if (node < 0) return this.sketch ? Math.round(this.sketch.estimate(slot)) : this.perSlot[slot];
    if (this.sketch) return this.nodeSketches[node] ? Math.round(this.nodeSketches[node].estimate(slot)) : 0;
    return this.nodePerSlot[node]?.[slot] ?? 0;
  }

  private nodeCounts(node: number): Float64Array {
    return (this.nodePerSlot[node] ??= new Float64Array(SLOT_COUNT));
  }

  private nodeSketch(node: number): HllBank {
    return (this.nodeSketches[node] ??= new HllBank(SLOT_COUNT, this.options.precision));
  }

  /** Compares the key bytes stored at arena[at] with buf[start, start + len). */
  private sameBytes(at: number, buf: Uint8Array, start: number, len: number): boolean {
    const arena = this.arena;
    for (let k = 0; k < len; k++) if (arena[at + k] !== buf[start + k]) return false;
    return true;
  }

  /** Appends [slot][key bytes] to the arena; returns where the key bytes start. */
  private store(buf: Uint8Array, start: number, len: number, slot: number): number {
    if (this.arenaUsed + len + 2 > this.arena.length) {
      const bigger = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + len + 2));
      bigger.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = bigger;
    }
    const arena = this.arena;
    const at = this.arenaUsed;
    arena[at] = slot & 0xff;
    arena[at + 1] = slot >>> 8;
    for (let k = 0; k < len; k++) arena[at + 2 + k] = buf[start + k];
    this.arenaUsed += len + 2;
    return at + 2;
  }

  private grow(): void {
    const old = this.table;
    const table = new Int32Array(old.length * 2);
    const wrap = table.length - 1;
    const mask = table.length / STRIDE - 1;
    for (let from = 0; from < old.length; from += STRIDE) {
      if (old[from + 1] === 0) continue;
      let at = (old[from] & mask) * STRIDE;
      while (table[at + 1] !== 0) at = (at + STRIDE) & wrap;
      table[at] = old[from];
      table[at + 1] = old[from + 1];
      table[at + 2] = old[from + 2];
      table[at + 3] = old[from + 3];
    }
    this.table = table;
  }

  private switchToSketch(): void {
    const sketch = new HllBank(SLOT_COUNT, this.options.precision);
    const table = this.table;
    for (let at = 0; at < table.length; at += STRIDE) {
      if (table[at + 1] === 0) continue;
      const keyAt = table[at + 1];
      const slot = this.arena[keyAt - 2] | (this.arena[keyAt - 1] << 8);
      sketch.add(slot, table[at]);
      for (let m = table[at + 3] >>> 0, node = 0; m !== 0; m >>>= 1, node++) if (m & 1) this.nodeSketch(node).add(slot, table[at]);
    }
    this.sketch = sketch;
    // Release the exact set.
    this.arena = new Uint8Array(0);
    this.table = new Int32Array(0);
    this.nodePerSlot.length = 0;
    this.count = 0;
  }
}
