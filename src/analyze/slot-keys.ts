// The busiest keys of every slot, with no string per line: a four-entry Space-Saving sketch per slot over
// the 64-bit key fingerprints the analyzer already computes. A key's name is read from the line only when
// it is hit a second time while tracked, so a slot of many cold keys builds few names, and a hot key has
// its name from its second hit on. A slot's four entries are one 64-byte run of a single array: slots are
// hit at random, and one cache miss a key instead of four kept the cost at a few percent of the pipeline.
import { SLOT_COUNT } from '../slot/key-slot.js';

const PER_SLOT = 4;
/** Words per entry: fingerprint high, low, count, hits since the key took the entry. */
const WORDS = 4; // names[] is indexed by i >> 2
const SLOT_WORDS = PER_SLOT * WORDS;

export interface SlotKeyCount {
  key: string;
  /** Space-Saving's count: exact while the key stayed tracked, otherwise an upper bound. */
  ops: number;
}

export class SlotKeys {
  /** A count of 0 marks a free entry. */
  private readonly entries = new Uint32Array(SLOT_COUNT * SLOT_WORDS);
  private readonly names: (string | null)[] = new Array<string | null>(SLOT_COUNT * PER_SLOT).fill(null);

  /** Counts one occurrence of the key at buf[start, end), fingerprinted as high/low, in its slot. */
  add(slot: number, high: number, low: number, buf: Buffer, start: number, end: number): void {
    const e = this.entries;
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
    const out: SlotKeyCount[] = [];
    for (let n = slot * PER_SLOT; n < (slot + 1) * PER_SLOT; n++) {
      const key = this.names[n];
      if (key !== null) out.push({ key, ops: this.entries[n * WORDS + 2] });
    }
    return out.sort((a, b) => b.ops - a.ops || (a.key < b.key ? -1 : 1));
  }

  private take(i: number, h: number, l: number, count: number): void {
    const e = this.entries;
    e[i] = h;
    e[i + 1] = l;
    e[i + 2] = count;
    e[i + 3] = 1;
    this.names[i >> 2] = null;
  }
}
