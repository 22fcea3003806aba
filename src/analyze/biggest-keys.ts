// The largest keys of a memory report or `capture scan --memory` dump, as `redis-cli --bigkeys`/`--memkeys`
// and `rdb --largest` list them: a min-heap of a fixed number of keys by bytes, so a dump of any size keeps
// only those. A key's name is built only when its size would enter the heap.

export const BIGGEST_KEYS = 20;

export interface BigKey {
  key: string;
  bytes: number;
  slot: number;
  node: string;
}

export interface BiggestKeysJSON {
  capacity: number;
  keys: BigKey[];
}

/**
 * Whether a ranks below b: fewer bytes, or as many and a later name. A total order, so the keys kept are
 * the same whatever order the keys came in (one run, or the parts of a merge).
 */
function below(a: BigKey, b: BigKey): boolean {
  return a.bytes < b.bytes || (a.bytes === b.bytes && a.key > b.key);
}

export class BiggestKeys {
  /** A min-heap by rank: the lowest kept key at 0, the first to go. */
  private readonly heap: BigKey[] = [];

  constructor(readonly capacity = BIGGEST_KEYS) {}

  /** Whether a key of this size may be kept: callers build the key's name only then (a tie is settled by name). */
  wants(bytes: number): boolean {
    return this.heap.length < this.capacity || bytes >= this.heap[0].bytes;
  }

  /**
   * Offers a key the caller has checked wants() for. A primary and its replica dump the same key: the
   * analyzer's distinct-key set drops the second while it is exact, this check past that bound.
   */
  add(key: BigKey): void {
    const h = this.heap;
    if (h.some((k) => k.key === key.key)) return;
    if (h.length < this.capacity) {
      h.push(key);
      this.siftUp(h.length - 1);
    } else if (below(h[0], key)) {
      h[0] = key;
      this.siftDown(0);
    }
  }

  /** Largest first; equal sizes by key, so the order does not depend on the input's. */
  keys(): BigKey[] {
    return [...this.heap].sort((a, b) => b.bytes - a.bytes || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  merge(other: BiggestKeys): void {
    for (const k of other.heap) if (this.wants(k.bytes)) this.add(k);
  }

  toJSON(): BiggestKeysJSON {
    return { capacity: this.capacity, keys: this.keys() };
  }

  static fromJSON(json: BiggestKeysJSON): BiggestKeys {
    const b = new BiggestKeys(json.capacity);
    for (const k of json.keys) b.add({ ...k });
    return b;
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
