// Distinct keys per slot, overall and per node: exact up to a bound, then HyperLogLog sketches per slot,
// so memory stays bounded however large the keyspace.
//
// The exact set keeps no key bytes: each key is known by its 64-bit fingerprint (hashBytes64: two
// 32-bit murmur lanes from one pass), so two distinct keys merge only with probability 2^-64 per pair
// (about 1 in 10^7 for two million keys, far below a sketch's error). One open-addressing table of the
// fingerprints alone, two ints an entry (eight to a cache line), what a probe reads; each entry's slot in
// an array beside it, read only to switch to sketches or to write a summary; and the node bitmask in a
// third array made only once a key comes from a second node (one input has one node: 10 bytes a key, not 16).
//
// That one cache line is still a miss once the table outgrows the CPU's caches, and a miss per key
// dominated the pipeline. So keys are queued and counted in batches: a first loop loads every queued
// key's home entry, loads that do not depend on each other, so the CPU has many misses in flight at
// once instead of one after another; the second loop then probes lines already in cache.
import { SLOT_COUNT } from '../slot/key-slot.js';
import { HllBank, type HllSummary } from './hyperloglog.js';
import { StateError, typedFrom, typedBytes } from './state-codec.js';

export interface DistinctKeysOptions {
  /** Keys held exactly before switching to sketches. */
  maxExactKeys: number;
  /** HyperLogLog precision after the switch: 2^p bytes per slot, ~1.04/sqrt(2^p) relative error. */
  precision: number;
}

export const DEFAULT_DISTINCT_OPTIONS: DistinctKeysOptions = { maxExactKeys: 2_000_000, precision: 9 };

/** Nodes tracked through the entries' bitmask; each further node gets a set of its own. */
export const MASK_NODES = 32;

/** A set's state: its exact entries, or once past the bound its sketches (overall, then per node number). */
export interface DistinctKeysSummary {
  entries?: Uint8Array;
  /** A set with values: each entry's value (Float64), in the entries' order. */
  values?: Uint8Array;
  sketch?: HllSummary;
  nodeSketches?: (HllSummary | null)[];
}

/**
 * Where a summary's node numbers go in the set it is merged into: the new number (< MASK_NODES), or -1
 * with `spill` the set of a node numbered past the bitmask (or null to drop it).
 */
export interface NodeRoute {
  to: readonly number[];
  spill: (node: number) => DistinctKeys | null;
  /** The node number for keys with no node (a set of one node's own, merged into a shared one); -1: none. */
  plain: number;
}

const NO_ROUTE: NodeRoute = { to: [], spill: () => null, plain: -1 };

/** Ints per table entry: fingerprint high, low. (0, 0) marks an empty entry. */
const STRIDE = 2; // so the entry of int `at` is `at >> 1`
/** Ints per entry of a summary: fingerprint high, low, slot + 1, node bitmask. */
const SUMMARY_STRIDE = 4;
/** Keys per batch: enough to keep the CPU's outstanding misses busy, small enough to stay in L1. */
const BATCH = 256;
/**
 * The load the last table may reach: it grows at 3/4 full, except to a size that only the keys past
 * maxExactKeys would need. The default 2,000,000 keys then fit 2^21 entries (32 MiB, 95% full at the
 * switch to sketches) instead of 2^22 (64 MiB, with the 32 MiB one beside it while it grew): the probes
 * of the last half-million keys cost tens of milliseconds, the table's size was the peak of the RSS.
 */
const MAX_LOAD = 0.96;

export class DistinctKeys {
  private readonly perSlot = new Float64Array(SLOT_COUNT);
  private readonly nodePerSlot: Float64Array[] = [];
  private count = 0;
  /** Fingerprints; an entry of (0, 0) is empty (a key fingerprinted (0, 0) is kept as (0, 1)). */
  private table: Int32Array = new Int32Array(STRIDE * 4096);
  /** Each entry's slot. */
  private slots = new Uint16Array(4096);
  /** Each entry's node bitmask; null while every key's is `sharedMask`. */
  private masks: Int32Array | null = null;
  /** The bitmask of every entry while `masks` is null; -1 before the first key. */
  private sharedMask = -1;
  private sketch: HllBank | null = null;
  private readonly nodeSketches: HllBank[] = [];
  /** Keys waiting to be counted, 4 ints each: fingerprint high, low, slot, node. */
  private readonly pending = new Int32Array(BATCH * 4);
  private queued = 0;
  /** Where the warm-up loads go, so the compiler cannot drop them. */
  private warmed = 0;
  /** Entries of the largest table: the smallest power of two that holds maxExactKeys at MAX_LOAD. */
  private readonly maxEntries: number;
  /**
   * With `values`, the value each key came with first, by entry (a memory report's bytes, so that a key
   * listed again adds nothing): known while the set is exact, dropped with the entries past the bound.
   */
  private values: Float64Array | null;
  /** The value insert() gives a key it finds new. */
  private value = 0;

  constructor(
    private readonly options: DistinctKeysOptions = DEFAULT_DISTINCT_OPTIONS,
    values = false,
  ) {
    let entries = this.table.length / STRIDE;
    while (entries * MAX_LOAD < options.maxExactKeys) entries *= 2;
    this.maxEntries = entries;
    this.values = values ? new Float64Array(this.table.length / STRIDE) : null;
  }

  get exact(): boolean {
    this.flush();
    return this.sketch === null;
  }

  /**
   * Counts the key whose hashBytes64() fingerprint is (high, low), with slot `slot`, seen by node number
   * `node` (< MASK_NODES, or -1 for none), in the next batch. Reads (inSlot, exact) count what is queued
   * first.
   */
  queue(high: number, low: number, slot: number, node: number): void {
    const q = this.pending;
    const at = this.queued * 4;
    q[at] = high;
    q[at + 1] = low;
    q[at + 2] = slot;
    q[at + 3] = node;
    if (++this.queued === BATCH) this.flush();
  }

  /** As queue(), at once, with the key's value if the set keeps them; returns false when the key was already counted (exact mode only). */
  add(high: number, low: number, slot: number, node: number, value = 0): boolean {
    this.flush();
    this.value = value;
    return this.insert(high, low, slot, node);
  }

  private flush(): void {
    const n = this.queued;
    if (n === 0) return;
    this.queued = 0;
    const q = this.pending;
    let warm = 0;
    if (this.sketch) {
      const { registers } = this.sketch;
      for (let i = 0; i < n * 4; i += 4) warm |= registers[this.sketch.registerOf(q[i + 2], q[i])];
    } else {
      const table = this.table;
      const mask = table.length / STRIDE - 1;
      for (let i = 0; i < n * 4; i += 4) warm |= table[(q[i + 1] & mask) * STRIDE];
    }
    this.warmed = warm;
    for (let i = 0; i < n * 4; i += 4) this.insert(q[i], q[i + 1], q[i + 2], q[i + 3]);
  }

  private insert(high: number, low: number, slot: number, node: number): boolean {
    if (this.sketch) {
      this.sketch.add(slot, high);
      if (node >= 0) this.nodeSketch(node).add(slot, high);
      return true;
    }
    if (high === 0 && low === 0) low = 1;
    const table = this.table;
    const wrap = table.length - 1;
    const bit = node >= 0 ? 1 << node : 0;
    let at = (low & (table.length / STRIDE - 1)) * STRIDE;
    for (;;) {
      const h = table[at];
      const l = table[at + 1];
      if (h === high && l === low) {
        let masks = this.masks;
        if (masks === null) {
          if (bit === 0 || bit === this.sharedMask) return false;
          masks = this.ownMasks();
        }
        const i = at >> 1;
        if ((masks[i] & bit) !== bit) {
          masks[i] |= bit;
          this.nodeCounts(node)[slot]++;
        }
        return false;
      }
      if (h === 0 && l === 0) break;
      at = (at + STRIDE) & wrap;
    }
    if (this.count >= this.options.maxExactKeys) {
      this.switchToSketch();
      return this.insert(high, low, slot, node);
    }
    table[at] = high;
    table[at + 1] = low;
    this.slots[at >> 1] = slot;
    if (this.sharedMask === -1) this.sharedMask = bit;
    if (this.masks === null && bit !== this.sharedMask) this.ownMasks();
    if (this.masks !== null) this.masks[at >> 1] = bit;
    if (this.values !== null) this.values[at >> 1] = this.value;
    this.count++;
    this.perSlot[slot]++;
    if (node >= 0) this.nodeCounts(node)[slot]++;
    if (this.count * 4 * STRIDE > table.length * 3 && table.length < this.maxEntries * STRIDE) this.grow(); // load factor 3/4
    return true;
  }

  /** Gives every entry a bitmask of its own, the one they all shared so far. */
  private ownMasks(): Int32Array {
    const masks = new Int32Array(this.slots.length);
    const table = this.table;
    for (let i = 0; i < masks.length; i++) if (table[i * STRIDE] !== 0 || table[i * STRIDE + 1] !== 0) masks[i] = this.sharedMask;
    this.masks = masks;
    return masks;
  }

  /** An entry's bitmask. */
  private maskAt(i: number): number {
    return this.masks !== null ? this.masks[i] : this.sharedMask;
  }

  /** Distinct keys in a slot, overall or as seen by one node. */
  inSlot(slot: number, node = -1): number {
    this.flush();
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

  private grow(): void {
    this.resize(this.table.length * 2);
  }

  /**
   * Room for `keys` keys before a merge adds them. A summary's entries come in its table's order, sorted by
   * their low bits: poured into a smaller table they fill one run of it after another, and each probe walks
   * the runs already there (a merge of one 632,000-key summary took 6.5 s instead of 0.4).
   */
  private reserve(keys: number): void {
    const length = this.grownLength(keys);
    if (length > this.table.length) this.resize(length);
  }

  /** The table's length once `keys` keys went in one by one: grown at 3/4 full, up to maxEntries. */
  private grownLength(keys: number): number {
    let length = 4096 * STRIDE;
    while (keys * 4 * STRIDE > length * 3 && length < this.maxEntries * STRIDE) length *= 2;
    return length;
  }

  private resize(length: number): void {
    const old = this.table;
    const oldSlots = this.slots;
    const oldMasks = this.masks;
    const oldValues = this.values;
    const table = new Int32Array(length);
    const slots = new Uint16Array(length / STRIDE);
    const masks = oldMasks && new Int32Array(length / STRIDE);
    const values = oldValues && new Float64Array(length / STRIDE);
    const wrap = table.length - 1;
    const mask = table.length / STRIDE - 1;
    for (let from = 0; from < old.length; from += STRIDE) {
      const high = old[from];
      const low = old[from + 1];
      if (high === 0 && low === 0) continue;
      let at = (low & mask) * STRIDE;
      while (table[at] !== 0 || table[at + 1] !== 0) at = (at + STRIDE) & wrap;
      table[at] = high;
      table[at + 1] = low;
      slots[at >> 1] = oldSlots[from >> 1];
      if (masks) masks[at >> 1] = oldMasks![from >> 1];
      if (values) values[at >> 1] = oldValues![from >> 1];
    }
    this.table = table;
    this.slots = slots;
    this.masks = masks;
    this.values = values;
  }

  private switchToSketch(): void {
    const sketch = new HllBank(SLOT_COUNT, this.options.precision);
    const table = this.table;
    for (let at = 0; at < table.length; at += STRIDE) {
      if (table[at] === 0 && table[at + 1] === 0) continue;
      const slot = this.slots[at >> 1];
      sketch.add(slot, table[at]);
      for (let m = this.maskAt(at >> 1) >>> 0, node = 0; m !== 0; m >>>= 1, node++) if (m & 1) this.nodeSketch(node).add(slot, table[at]);
    }
    this.sketch = sketch;
    // Release the exact set.
    this.table = new Int32Array(0);
    this.slots = new Uint16Array(0);
    this.masks = null;
    this.values = null;
    this.nodePerSlot.length = 0;
    this.count = 0;
  }

  /** How many keys a summary's exact set holds (0 for sketches). */
  static keysIn(s: DistinctKeysSummary): number {
    return s.entries === undefined ? 0 : s.entries.length / (SUMMARY_STRIDE * 4);
  }

  toSummary(): DistinctKeysSummary {
    this.flush();
    if (this.sketch) return { sketch: this.sketch.toSummary(), nodeSketches: Array.from(this.nodeSketches, (s) => s?.toSummary() ?? null) };
    const entries = new Int32Array(this.count * SUMMARY_STRIDE);
    // The table one run's growth would have reached: a merge reserves room for keys the set may already hold.
    if (this.table.length !== this.grownLength(this.count)) this.resize(this.grownLength(this.count));
    const values = this.values && new Float64Array(this.count);
    const table = this.table;
    for (let at = 0, i = 0; at < table.length; at += STRIDE) {
      if (table[at] === 0 && table[at + 1] === 0) continue;
      if (values) values[i] = this.values![at >> 1];
      const to = (i++) * SUMMARY_STRIDE;
      entries[to] = table[at];
      entries[to + 1] = table[at + 1];
      entries[to + 2] = this.slots[at >> 1] + 1;
      entries[to + 3] = this.maskAt(at >> 1);
    }
    const order = canonicalOrder(entries, this.table.length / STRIDE - 1);
    return { entries: typedBytes(permute(entries, order)), ...(values ? { values: typedBytes(permute(values, order)) } : {}) };
  }

  /**
   * Adds a summary's keys (a union: a key in both is counted once), past the bound into sketches, as if
   * its keys had been counted here: the sketch of a union is the registers' maximum, whatever the order.
   * `counted` hears of each key the merge counts as new here (every key, past the bound), with its value
   * in the summary.
   */
  merge(s: DistinctKeysSummary, route: NodeRoute = NO_ROUTE, counted?: (slot: number, value: number) => void): void {
    this.flush();
    if (s?.entries !== undefined) {
      const e = typedFrom(s.entries, Int32Array, 'distinct keys');
      if (e.length % SUMMARY_STRIDE !== 0) throw new StateError('distinct keys cut short');
      const values = s.values === undefined ? null : typedFrom(s.values, Float64Array, 'distinct keys');
      if (values && values.length * SUMMARY_STRIDE !== e.length) throw new StateError('distinct keys malformed');
      if (!this.sketch) this.reserve(Math.min(this.count + e.length / SUMMARY_STRIDE, this.options.maxExactKeys));
      for (let at = 0; at < e.length; at += SUMMARY_STRIDE) {
        const slot = e[at + 2] - 1;
        if (slot < 0 || slot >= SLOT_COUNT) throw new StateError('distinct keys malformed');
        this.value = values ? values[at / SUMMARY_STRIDE] : 0;
        let fresh = false;
        let mask = e[at + 3] >>> 0;
        if (mask === 0) fresh = this.insert(e[at], e[at + 1], slot, route.plain);
        for (let node = 0; mask !== 0; mask >>>= 1, node++) {
          if (!(mask & 1)) continue;
          const to = route.to[node] ?? -1;
          if (this.insert(e[at], e[at + 1], slot, to)) fresh = true;
          if (to < 0) route.spill(node)?.insert(e[at], e[at + 1], slot, -1);
        }
        if (fresh) counted?.(slot, this.value);
      }
      return;
    }
    if (!s?.sketch) throw new StateError('distinct keys missing');
    if (!this.sketch) this.switchToSketch();
    this.sketch!.merge(s.sketch);
    if (route.plain >= 0) this.nodeSketch(route.plain).merge(s.sketch);
    for (const [node, sketch] of (s.nodeSketches ?? []).entries()) {
      if (!sketch) continue;
      const to = route.to[node] ?? -1;
      if (to >= 0) this.nodeSketch(to).merge(sketch);
      else route.spill(node)?.merge({ sketch });
    }
  }
}

/**
 * The entries' order by home cell, then fingerprint: the same set gives the same summary however it was
 * filled. Entries come in table order, already sorted by home cell but for the few a probe moved past
 * their cell, so an insertion sort of their indices is near-linear.
 */
function canonicalOrder(e: Int32Array, mask: number): Uint32Array {
  const n = e.length / SUMMARY_STRIDE;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let j = i;
    while (j > 0 && sortsAfter(e, order[j - 1] * SUMMARY_STRIDE, i * SUMMARY_STRIDE, mask)) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  return order;
}

/** Whether the entry at e[a] comes after the one at e[b]: by home cell, then fingerprint. */
function sortsAfter(e: Int32Array, a: number, b: number, mask: number): boolean {
  const home = e[a + 1] & mask;
  if (home !== (e[b + 1] & mask)) return home > (e[b + 1] & mask);
  if (e[a] !== e[b]) return e[a] >>> 0 > e[b] >>> 0;
  return e[a + 1] >>> 0 > e[b + 1] >>> 0;
}

/** `a`'s records (of a.length / order.length numbers each) in `order`. */
function permute<T extends Int32Array | Float64Array>(a: T, order: Uint32Array): T {
  const width = a.length / Math.max(1, order.length);
  const out = a.slice() as T;
  for (let i = 0; i < order.length; i++) for (let k = 0, from = order[i] * width, to = i * width; k < width; k++) out[to + k] = a[from + k];
  return out;
}
