// The largest keys of a memory report or `capture scan --memory` dump, as `redis-cli --bigkeys`/`--memkeys`
// and `rdb --largest` list them: a min-heap of a fixed number of keys by bytes, so a dump of any size keeps
// only those. A key's name is built only when its size would enter the heap; a key is known by its
// fingerprint, since two keys' names may read alike (redacted, `user:1` and `user:2` both show `<h:…>:<id>`).
import { Fingerprint, hashBytes64 } from './key-hash.js';

export const BIGGEST_KEYS = 20;

export interface BigKey {
  key: string;
  bytes: number;
  slot: number;
  node: string;
}

/** A kept key with its hashBytes64() fingerprint. */
export interface SizedKey extends BigKey {
  high: number;
  low: number;
}

/**
 * Whether a ranks below b: fewer bytes, or as many and a larger fingerprint. A total order on what a
 * redacted summary keeps too, so the keys kept are the same whatever order they came in (one run, or the
 * parts of a merge) and whether or not their names were redacted.
 */
function below(a: SizedKey, b: SizedKey): boolean {
  if (a.bytes !== b.bytes) return a.bytes < b.bytes;
  const ah = a.high >>> 0;
  const bh = b.high >>> 0;
  return ah !== bh ? ah > bh : a.low >>> 0 > b.low >>> 0;
}

export interface BiggestKeysJSON {
  capacity: number;
  keys: SizedKey[];
}

export class BiggestKeys {
  /** A min-heap by rank: the lowest kept key at 0, the first to go. */
  private readonly heap: SizedKey[] = [];

  constructor(readonly capacity = BIGGEST_KEYS) {}

  /** Whether a key of this size may be kept: callers build the key's name only then (a tie is settled by fingerprint). */
  wants(bytes: number): boolean {
    return this.heap.length < this.capacity || bytes >= this.heap[0].bytes;
  }

  /**
   * Offers a key the caller has checked wants() for. A primary and its replica dump the same key: the
   * analyzer's distinct-key set drops the second while it is exact, this check past that bound.
   */
  add(key: SizedKey): void {
    const h = this.heap;
    if (h.some((k) => k.high === key.high && k.low === key.low)) return;
    if (h.length < this.capacity) {
      h.push(key);
      this.siftUp(h.length - 1);
    } else if (below(h[0], key)) {
      h[0] = key;
      this.siftDown(0);
    }
  }

  /** Largest first; equal sizes by what is shown (key, slot, node), so the order does not depend on the input's. */
  keys(): BigKey[] {
    return this.sorted().map(({ key, bytes, slot, node }) => ({ key, bytes, slot, node }));
  }

  merge(other: BiggestKeys): void {
    for (const k of other.heap) if (this.wants(k.bytes)) this.add(k);
  }

  toJSON(): BiggestKeysJSON {
    return { capacity: this.capacity, keys: this.sorted() };
  }

  static fromJSON(json: BiggestKeysJSON): BiggestKeys {
    const b = new BiggestKeys(json.capacity);
    // A summary written before keys kept their fingerprint holds the keys' own names: fingerprint those.
    for (const k of json.keys) b.add(typeof k.high === 'number' ? { ...k } : { ...k, high: hashBytes64(Buffer.from(k.key, 'latin1'), 0, k.key.length), low: Fingerprint.low });
    return b;
  }

  private sorted(): SizedKey[] {
    const order = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);
    return [...this.heap].sort((a, b) => b.bytes - a.bytes || order(a.key, b.key) || a.slot - b.slot || order(a.node, b.node));
  }

  private siftUp(p: number): void {
    const h = this.heap;
    while (p > 0) {
      const parent = (p - 1) >> 1;
      if (!below(h[p], h[parent])) break;
      [h[parent], h[p]] = [h[p], h[parent]];
      p = parent;
    }
  }

  private siftDown(p: number): void {
    const h = this.heap;
    for (;;) {
      let c = 2 * p + 1;
      if (c >= h.length) return;
      if (c + 1 < h.length && below(h[c + 1], h[c])) c++;
      if (!below(h[c], h[p])) return;
      [h[c], h[p]] = [h[p], h[c]];
      p = c;
    }
  }
}
