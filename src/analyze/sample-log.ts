// The order in which a capped sample took its items, so that a merge takes exactly the items one run over
// all the inputs would have. A sample takes what the first `cap` occurrences of something bring (a
// finding's key patterns, a db's, the short plan's shapes), so which of a later part's occurrences count
// depends on how many came before it: a part records, for its own first `cap` occurrences, (occurrence
// number, item, times) with the items interned, and a merge replays the entries whose number plus the
// occurrences before the part stays within the cap, in order, through the code that counted them.
// Occurrences that brought no item have no entry; their numbers still count. Up to four streams of
// occurrences, numbered apart, can share one log (a db's commands and its dumped keys feed one map).
import { StateError, typedFrom, typedBytes } from './state-codec.js';

export interface SampleLogJSON {
  items: string[];
  /** occurrence << 2 | stream, per entry. */
  at: Uint8Array;
  item: Uint8Array;
  times: Uint8Array;
}

export interface SampleEntry {
  stream: number;
  occurrence: number;
  item: string;
  times: number;
}

/** Entries of one occurrence looked through for the same item: a wide command's keys share few patterns. */
const SAME_OCCURRENCE_SCAN = 8;

export class SampleLog {
  private readonly ids = new Map<string, number>();
  private readonly items: string[] = [];
  private at: Uint32Array = new Uint32Array(0);
  private item: Uint32Array = new Uint32Array(0);
  private times: Uint32Array = new Uint32Array(0);
  private n = 0;

  /** Occurrence `occurrence` (from 1) of `stream` brought `item`, `times` times. */
  record(stream: number, occurrence: number, item: string, times = 1): void {
    let id = this.ids.get(item);
    if (id === undefined) {
      id = this.items.length;
      this.ids.set(item, id);
      this.items.push(item);
    }
    const at = (occurrence << 2) | stream;
    // One entry per item an occurrence brings: an occurrence is taken whole, so its order within is kept by
    // its first entries alone.
    for (let i = this.n - 1; i >= 0 && i >= this.n - SAME_OCCURRENCE_SCAN && this.at[i] === at; i--) {
      if (this.item[i] === id) {
        this.times[i] += times;
        return;
      }
    }
    if (this.n === this.at.length) this.grow();
    this.at[this.n] = at;
    this.item[this.n] = id;
    this.times[this.n++] = times;
  }

  private grow(): void {
    const size = Math.max(64, this.at.length * 2);
    const bigger = (a: Uint32Array): Uint32Array => {
      const b = new Uint32Array(size);
      b.set(a);
      return b;
    };
    this.at = bigger(this.at);
    this.item = bigger(this.item);
    this.times = bigger(this.times);
  }

  toJSON(): SampleLogJSON {
    return { items: [...this.items], at: typedBytes(this.at.subarray(0, this.n)), item: typedBytes(this.item.subarray(0, this.n)), times: typedBytes(this.times.subarray(0, this.n)) };
  }

  /**
   * The entries of a part's log one run would have taken, in order: those whose occurrence, after
   * `before[stream]` occurrences of earlier parts, is at most `cap`; each numbered as in that run.
   */
  static *taken(json: SampleLogJSON, before: readonly number[], cap: number): Generator<SampleEntry> {
    const items = json?.items;
    if (!Array.isArray(items)) throw new StateError('sample log malformed');
    const at = typedFrom(json.at, Uint32Array, 'sample log');
    const item = typedFrom(json.item, Uint32Array, 'sample log');
    const times = typedFrom(json.times, Uint32Array, 'sample log');
    if (item.length !== at.length || times.length !== at.length) throw new StateError('sample log malformed');
    for (let i = 0; i < at.length; i++) {
      const stream = at[i] & 3;
      const occurrence = (before[stream] ?? 0) + (at[i] >>> 2);
      if (occurrence > cap) continue;
      const text = items[item[i]];
      if (typeof text !== 'string') throw new StateError('sample log malformed');
      yield { stream, occurrence, item: text, times: times[i] };
    }
  }
}
