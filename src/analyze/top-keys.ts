// The busiest keys of the whole capture in bounded memory: Space-Saving (Metwally et al., 2005) over the
// 64-bit key fingerprints the analyzer already computes, with a fixed number of counters kept sorted by
// count and an open-addressing index from fingerprint to counter. Counts only grow by one, so a counter
// moves by one swap with the last of its equal-count run (found by binary search): a heap would sift a
// counter past every tie, and evenly hit keys are all ties. A key's name is read from the line only on
// its second hit while tracked (as slot-keys.ts does), so a stream of cold keys builds no strings.
//
// Once every counter is taken, an untracked key goes through Filtered Space-Saving's hashed counters
// first (Homem & Carvalho, 2010): it takes the smallest counter only when its hashed counter passes that
// counter's count. Without the filter, a stream of slightly more distinct keys than counters (redis-benchmark
// -r 1000) would evict, and soon build a name, on nearly every op.
//
// Each counter keeps the count it inherited when its key took it (`error`): the key's true count lies in
// [ops - error, ops]. Two sketches merge as in Agarwal et al.'s "Mergeable summaries" (2012): counts of a
// key in both add up, a key missing from a full sketch gets that sketch's smallest count as both count
// and error, and the largest `capacity` counters stay.

export const TOP_KEYS_CAPACITY = 1000;

export interface TopKey {
  key: string;
  /** Space-Saving's count: an upper bound of the key's ops. */
  ops: number;
  /** ops - error is a lower bound; 0 while the key stayed tracked from its first op. */
  error: number;
  slot: number;
}

/** A counted key with its fingerprint (unsigned words), which tells keys apart when their names read alike (redacted). */
export interface TrackedKey extends TopKey {
  high: number;
  low: number;
}

/** Plain data of a sketch, for summaries: fingerprints as two unsigned 32-bit words. */
export interface TopKeysJSON {
  capacity: number;
  counters: { high: number; low: number; slot: number; ops: number; error: number; hits: number; key: string | null }[];
}

/** Busiest first; ties by fingerprint, so which counters a merge keeps does not depend on their order. */
function byRank(a: TopKeysJSON['counters'][number], b: TopKeysJSON['counters'][number]): number {
  return b.ops - a.ops || a.error - b.error || a.high - b.high || a.low - b.low;
}

export class TopKeys {
  private readonly high: Uint32Array;
  private readonly low: Uint32Array;
  private readonly slot: Uint16Array;
  private readonly count: Float64Array;
  private readonly error: Float64Array;
  /** Ops since the key took its counter; the name is read at the second. */
  private readonly hits: Uint32Array;
  private readonly names: (string | null)[];
  /** heap[rank]: counters in ascending count, smallest at 0; pos[counter]: its rank. */
  private readonly heap: Int32Array;
  private readonly pos: Int32Array;
  /** Linear probing over counter + 1 (0: empty), at most half full. */
  private readonly index: Int32Array;
  private readonly mask: number;
  /**
   * Filtered Space-Saving's hashed counters: an upper bound of the ops of the untracked keys hashing to
   * each, never above the smallest counter (a key passing it takes that counter).
   */
  private readonly filter: Uint32Array;
  private size = 0;

  constructor(readonly capacity = TOP_KEYS_CAPACITY) {
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.slot = new Uint16Array(capacity);
    this.count = new Float64Array(capacity);
    this.error = new Float64Array(capacity);
    this.hits = new Uint32Array(capacity);
    this.names = new Array<string | null>(capacity).fill(null);
    this.heap = new Int32Array(capacity);
    this.pos = new Int32Array(capacity);
    let size = 2;
    while (size < 2 * capacity) size *= 2;
    this.index = new Int32Array(size);
    this.mask = size - 1;
    this.filter = new Uint32Array(4 * size);
  }

  /** Counts one op on the key at buf[start, end), fingerprinted as high/low, in its slot. */
  add(high: number, low: number, slot: number, buf: Buffer, start: number, end: number): void {
    const h = high >>> 0;
    const l = low >>> 0;
    const c = this.find(h, l);
    if (c >= 0) {
      this.bump(c);
      if (++this.hits[c] === 2) this.names[c] = buf.toString('latin1', start, end);
      return;
    }
    if (this.size < this.capacity) {
      this.take(h, l, slot, 1, null);
      return;
    }
    const f = this.filterAt(h, l);
    const bound = this.filter[f] + 1;
    if (bound <= this.count[this.heap[0]]) this.filter[f] = bound;
    else this.take(h, l, slot, bound, null);
  }

  private filterAt(h: number, l: number): number {
    return (Math.imul(l, 0x85ebca6b) ^ h) & (this.filter.length - 1);
  }

  /** The named keys with the largest counts, busiest first (a key seen once while tracked has no name). */
  top(n: number): TopKey[] {
    return this.tracked(n).map(({ key, ops, error, slot }) => ({ key, ops, error, slot }));
  }

  /** top(n) with each key's fingerprint; equal counts go by what is shown (key, then slot), not by the input's order. */
  tracked(n: number): TrackedKey[] {
    const out: TrackedKey[] = [];
    for (let c = 0; c < this.size; c++) {
      const key = this.names[c];
      if (key !== null) out.push({ key, ops: this.count[c], error: this.error[c], slot: this.slot[c], high: this.high[c], low: this.low[c] });
    }
    out.sort((a, b) => b.ops - a.ops || a.error - b.error || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.slot - b.slot);
    return out.slice(0, n);
  }

  /** The smallest count when every counter is taken (what an untracked key may have had), else 0. */
  get floor(): number {
    return this.size === this.capacity ? this.count[this.heap[0]] : 0;
  }

  merge(other: TopKeys): void {
    const mine = this.toJSON().counters;
    const theirs = other.toJSON().counters;
    const [myFloor, theirFloor] = [this.floor, other.floor];
    const merged = new Map<string, TopKeysJSON['counters'][number]>();
    const id = (x: { high: number; low: number }): string => `${x.high}:${x.low}`;
    for (const x of mine) merged.set(id(x), { ...x, ops: x.ops + theirFloor, error: x.error + theirFloor });
    for (const x of theirs) {
      const m = merged.get(id(x));
      if (m) {
        m.ops += x.ops - theirFloor;
        m.error += x.error - theirFloor;
        m.hits += x.hits;
        m.key ??= x.key;
      } else merged.set(id(x), { ...x, ops: x.ops + myFloor, error: x.error + myFloor });
    }
    this.reset([...merged.values()]);
  }

  toJSON(): TopKeysJSON {
    const counters: TopKeysJSON['counters'] = [];
    for (let c = 0; c < this.size; c++) counters.push({ high: this.high[c], low: this.low[c], slot: this.slot[c], ops: this.count[c], error: this.error[c], hits: this.hits[c], key: this.names[c] });
    // In rank order, not counter order: the same counters give the same summary, however they were filled.
    return { capacity: this.capacity, counters: counters.sort(byRank) };
  }

  static fromJSON(json: TopKeysJSON): TopKeys {
    const t = new TopKeys(json.capacity);
    t.reset(json.counters);
    return t;
  }

  /** Keeps the largest `capacity` of the counters given, and nothing else. */
  private reset(counters: TopKeysJSON['counters']): void {
    const kept = [...counters].sort(byRank).slice(0, this.capacity);
    this.index.fill(0);
    this.size = 0;
    // Smallest first: each lands at the end of the ranks without moving the others.
    for (const x of kept.reverse()) {
      const c = this.take(x.high, x.low, x.slot, x.ops, x.key);
      this.error[c] = x.error;
      this.hits[c] = x.hits;
    }
    // Keys no counter kept had at most the smallest kept count: the filter's bound for every one of them.
    this.filter.fill(this.floor);
  }

  /** Gives the key a counter: a free one, else the smallest (Space-Saving), with `ops` its bound so far. */
  private take(h: number, l: number, slot: number, ops: number, name: string | null): number {
    let c: number;
    if (this.size < this.capacity) {
      c = this.size++;
      this.count[c] = ops;
      this.error[c] = 0;
      // Into its rank: past the counters with more (only while the counters fill, or in reset()).
      let r = c;
      for (; r > 0 && this.count[this.heap[r - 1]] > ops; r--) this.pos[(this.heap[r] = this.heap[r - 1])] = r;
      this.heap[r] = c;
      this.pos[c] = r;
    } else {
      // The filter lets a key in only at the smallest count plus one: the smallest counter, bumped.
      c = this.heap[0];
      if (ops !== this.count[c] + 1) throw new Error(`top keys: a key entered at ${ops} over the smallest count ${this.count[c]}`);
      this.unindex(c);
      // The evicted key's ops stay bounded by its hashed counter.
      const f = this.filterAt(this.high[c], this.low[c]);
      if (this.filter[f] < this.count[c]) this.filter[f] = this.count[c];
      this.error[c] = this.count[c];
      this.bump(c);
    }
    this.high[c] = h;
    this.low[c] = l;
    this.slot[c] = slot;
    this.hits[c] = 1;
    this.names[c] = name;
    this.indexAt(c);
    return c;
  }

  private find(h: number, l: number): number {
    const index = this.index;
    for (let i = (l ^ Math.imul(h, 0x9e3779b1)) & this.mask; ; i = (i + 1) & this.mask) {
      const e = index[i];
      if (e === 0) return -1;
      if (this.low[e - 1] === l && this.high[e - 1] === h) return e - 1;
    }
  }

  private indexAt(c: number): void {
    let i = (this.low[c] ^ Math.imul(this.high[c], 0x9e3779b1)) & this.mask;
    while (this.index[i] !== 0) i = (i + 1) & this.mask;
    this.index[i] = c + 1;
  }

  /** Removes a counter from the index, shifting back the entries its probe run held up (no tombstones). */
  private unindex(c: number): void {
    const index = this.index;
    const mask = this.mask;
    let i = (this.low[c] ^ Math.imul(this.high[c], 0x9e3779b1)) & mask;
    while (index[i] !== c + 1) i = (i + 1) & mask;
    for (let j = (i + 1) & mask; index[j] !== 0; j = (j + 1) & mask) {
      const e = index[j] - 1;
      const home = (this.low[e] ^ Math.imul(this.high[e], 0x9e3779b1)) & mask;
      // The entry at j may fill the hole at i unless its home lies cyclically in (i, j].
      if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
        index[i] = index[j];
        i = j;
      }
    }
    index[i] = 0;
  }

  /** Adds one to a counter's count, first swapping it with the last counter of its equal-count run. */
  private bump(c: number): void {
    const { heap, pos, count } = this;
    const v = count[c];
    const r = pos[c];
    // The first rank past r whose count is above v: most often r + 1 (a hot key's count is its own).
    let lo = r + 1;
    let hi = lo < this.size && count[heap[lo]] > v ? lo : this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (count[heap[mid]] > v) hi = mid;
      else lo = mid + 1;
    }
    const e = lo - 1;
    if (e !== r) {
      const other = heap[e];
      heap[e] = c;
      pos[c] = e;
      heap[r] = other;
      pos[other] = r;
    }
    count[c] = v + 1;
  }
}
