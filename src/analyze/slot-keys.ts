// The busiest keys of every slot, with no string per line: a four-entry Space-Saving sketch per slot over
// the 64-bit key fingerprints the analyzer already computes. A key's name is read from the line only when
// it is hit a second time while tracked, so a slot of many cold keys builds few names, and a hot key has
// its name from its second hit on. A slot's four entries are one 64-byte run of a single array: slots are
// hit at random, and one cache miss a key instead of four kept the cost at a few percent of the pipeline.
import { SLOT_COUNT } from '../slot/key-slot.js';
import { list, StateError, typedFrom, typedBytes } from './state-codec.js';

const PER_SLOT = 4;
/** Words per entry: fingerprint high, low, count, hits since the key took the entry. */
const WORDS = 4; // names[] is indexed by i >> 2
const SLOT_WORDS = PER_SLOT * WORDS;

export interface SlotKeyCount {
  key: string;
  /** Space-Saving's count: exact while the key stayed tracked, otherwise an upper bound. */
  ops: number;
}

const NONE = new Uint32Array(0);

/** A counted key with its fingerprint (unsigned words), which tells keys apart when their names read alike (redacted). */
export interface TrackedSlotKey extends SlotKeyCount {
  high: number;
  low: number;
}

export class SlotKeys {
  /** A count of 0 marks a free entry. Made at the first key: each node has a sketch, and many never use it. */
  private entries = NONE;
  private names: (string | null)[] = [];

  private allocate(): Uint32Array {
    this.names = new Array<string | null>(SLOT_COUNT * PER_SLOT).fill(null);
    return (this.entries = new Uint32Array(SLOT_COUNT * SLOT_WORDS));
  }

  /** Counts one occurrence of the key at buf[start, end), fingerprinted as high/low, in its slot. */
  add(slot: number, high: number, low: number, buf: Buffer, start: number, end: number): void {
    const e = this.entries.length === 0 ? this.allocate() : this.entries;
    const h = high >>> 0;
    const l = low >>> 0;
    const base = slot * SLOT_WORDS;
    let min = base;
    for (let i = base; i < base + SLOT_WORDS; i += WORDS) {
      if (e[i + 2] === 0) {
        this.take(i, h, l, 1);
        return;
      }
      if (e[i] === h && e[i + 1] === l) {
        e[i + 2]++;
        if (++e[i + 3] === 2) this.names[i >> 2] = buf.toString('latin1', start, end);
        return;
      }
      if (e[i + 2] < e[min + 2]) min = i;
    }
    // Space-Saving: the newcomer takes the smallest counter and its count.
    this.take(min, h, l, e[min + 2] + 1);
  }

  /** The named keys of a slot, busiest first (a key seen once while tracked has no name). */
  top(slot: number): SlotKeyCount[] {
    return this.tracked(slot).map(({ key, ops }) => ({ key, ops }));
  }

  /** top(slot) with each key's fingerprint. */
  tracked(slot: number): TrackedSlotKey[] {
    const out: TrackedSlotKey[] = [];
    if (this.entries.length === 0) return out;
    for (let n = slot * PER_SLOT; n < (slot + 1) * PER_SLOT; n++) {
      const key = this.names[n];
      const at = n * WORDS;
      if (key !== null) out.push({ key, ops: this.entries[at + 2], high: this.entries[at], low: this.entries[at + 1] });
    }
    return out.sort((a, b) => b.ops - a.ops || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.high - b.high || a.low - b.low);
  }

  private take(i: number, h: number, l: number, count: number): void {
    const e = this.entries;
    e[i] = h;
    e[i + 1] = l;
    e[i + 2] = count;
    e[i + 3] = 1;
    this.names[i >> 2] = null;
  }

  /** The slots that were sketched: their entries and names. */
  toSummary(): SlotKeysSummary {
    const slots: number[] = [];
    for (let slot = 0; slot < SLOT_COUNT && this.entries.length > 0; slot++) if (this.entries[slot * SLOT_WORDS + 2] !== 0) slots.push(slot);
    const entries = new Uint32Array(slots.length * SLOT_WORDS);
    const names: (string | null)[] = [];
    for (const [i, slot] of slots.entries()) {
      // Busiest first, ties by fingerprint: the same entries give the same summary wherever the sketch put them.
      const order = [0, 1, 2, 3].map((k) => (slot * PER_SLOT + k) * WORDS).sort((a, b) => this.entries[b + 2] - this.entries[a + 2] || this.entries[a] - this.entries[b] || this.entries[a + 1] - this.entries[b + 1]);
      for (const [k, at] of order.entries()) {
        entries.set(this.entries.subarray(at, at + WORDS), (i * PER_SLOT + k) * WORDS);
        names.push(this.names[at >> 2]);
      }
    }
    return { slots, entries: typedBytes(entries), names };
  }

  /**
   * Merges Space-Saving sketches as their paper does: counts of one key add up, then the four largest stay.
   * Each run starts a slot's sketch when the slot stands out in its own traffic, so a merged count is not
   * the one a single run over all inputs would reach (the report says the counts are bounds).
   */
  merge(s: SlotKeysSummary): void {
    const slots = list<number>(s?.slots, 'slot keys');
    const entries = typedFrom(s?.entries, Uint32Array, 'slot keys');
    const names = list<string | null>(s?.names, 'slot keys');
    if (entries.length !== slots.length * SLOT_WORDS || names.length !== slots.length * PER_SLOT) throw new StateError('slot keys malformed');
    if (slots.length > 0 && this.entries.length === 0) this.allocate();
    for (const [i, slot] of slots.entries()) {
      if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) throw new StateError('slot keys malformed');
      const all: { h: number; l: number; count: number; hits: number; name: string | null }[] = [];
      const take = (from: Uint32Array, at: number, name: string | null): void => {
        if (from[at + 2] === 0) return;
        const same = all.find((x) => x.h === from[at] && x.l === from[at + 1]);
        if (same) {
          same.count += from[at + 2];
          same.hits += from[at + 3];
          same.name ??= name;
        } else all.push({ h: from[at], l: from[at + 1], count: from[at + 2], hits: from[at + 3], name });
      };
      for (let k = 0; k < PER_SLOT; k++) take(this.entries, (slot * PER_SLOT + k) * WORDS, this.names[slot * PER_SLOT + k]);
      for (let k = 0; k < PER_SLOT; k++) take(entries, (i * PER_SLOT + k) * WORDS, names[i * PER_SLOT + k]);
      // Ties by fingerprint: the four kept do not depend on the order of the sketches' entries.
      all.sort((a, b) => b.count - a.count || a.h - b.h || a.l - b.l);
      for (let k = 0; k < PER_SLOT; k++) {
        const x = all[k];
        const at = (slot * PER_SLOT + k) * WORDS;
        this.entries.set(x ? [x.h, x.l, x.count, x.hits] : [0, 0, 0, 0], at);
        this.names[slot * PER_SLOT + k] = x?.name ?? null;
      }
    }
  }
}

export interface SlotKeysSummary {
  slots: number[];
  entries: Uint8Array;
  names: (string | null)[];
}
