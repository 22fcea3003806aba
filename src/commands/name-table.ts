// Open-addressing table from an ASCII name to a value, looked up straight from bytes, case-insensitively,
// so the hot path never builds a string for a command name. A name is known by its first eight bytes as
// two lower-cased big-endian words and its length: two loads and two compares for nearly every command.
import { viewFor } from '../bytes/byte-view.js';
import { equalsLowerFrom } from './args.js';
import { toLower4 } from '../bytes/swar.js';

export class NameTable<V> {
  private readonly names: Uint8Array[] = [];
  private readonly values: V[] = [];
  /** Per entry: first word, second word, length. */
  private readonly words: Int32Array;
  private readonly slots: Int32Array;
  private readonly mask: number;
  /** The words of the last name looked up (returning two numbers would allocate). */
  private w0 = 0;
  private w1 = 0;

  constructor(entries: Iterable<[string, V]>) {
    const list = [...entries];
    let size = 16;
    while (size < list.length * 4) size <<= 1;
    this.mask = size - 1;
    this.slots = new Int32Array(size).fill(-1);
    this.words = new Int32Array(list.length * 3);
    for (const [name, value] of list) {
      const bytes = Buffer.from(name.toLowerCase(), 'latin1');
      const idx = this.names.length;
      let h = this.hash(bytes, 0, bytes.length);
      while (this.slots[h] !== -1) h = (h + 1) & this.mask;
      this.slots[h] = idx;
      this.words[idx * 3] = this.w0;
      this.words[idx * 3 + 1] = this.w1;
      this.words[idx * 3 + 2] = bytes.length;
      this.names.push(bytes);
      this.values.push(value);
    }
  }

  get(buf: Uint8Array, start: number, end: number): V | undefined {
    let h = this.hash(buf, start, end);
    const len = end - start;
    const words = this.words;
    for (;;) {
      const idx = this.slots[h];
      if (idx === -1) return undefined;
      const at = idx * 3;
      if (words[at] === this.w0 && words[at + 1] === this.w1 && words[at + 2] === len && (len <= 8 || equalsLowerFrom(buf, start + 8, this.names[idx], 8))) return this.values[idx];
      h = (h + 1) & this.mask;
    }
  }

  getString(name: string): V | undefined {
    const bytes = Buffer.from(name, 'latin1');
    return this.get(bytes, 0, bytes.length);
  }

  /** Sets w0, w1 to the lower-cased first eight bytes of buf[start, end) (zeros past the end); its bucket. */
  private hash(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    let w0: number;
    let w1: number;
    const dv = viewFor(buf);
    if (dv !== null && start + 8 <= dv.byteLength) {
      w0 = keepFirst(dv.getUint32(start), len);
      w1 = keepFirst(dv.getUint32(start + 4), len - 4);
    } else {
      w0 = 0;
      w1 = 0;
      for (let i = 0; i < 8; i++) {
        const b = start + i < end ? buf[start + i] : 0;
        if (i < 4) w0 = (w0 << 8) | b;
        else w1 = (w1 << 8) | b;
      }
    }
    this.w0 = toLower4(w0) | 0;
    this.w1 = toLower4(w1) | 0;
    const h = Math.imul(this.w0 ^ Math.imul(this.w1 ^ len, 0x9e3779b1), 0x85ebca6b);
    return (h ^ (h >>> 15)) & this.mask;
  }
}

/** The first n bytes of the word (all four when n >= 4, none when n <= 0), the rest zero. */
function keepFirst(w: number, n: number): number {
  if (n >= 4) return w;
  return n <= 0 ? 0 : w & ~(-1 >>> (n * 8));
}
