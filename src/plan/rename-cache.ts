// Pass 2's renames of keys, remembered by the key's 64-bit fingerprint, as PatternCache remembers patterns:
// a key seen again costs a hash of its bytes and one probe, with no string made, and its new slot and
// entity are known. A rename is where the brace goes in (`user:42` + `:balance` -> `{user:42}:balance`),
// so the new key is written from the old one's bytes. A Map of key strings (500,000 of them, with their new
// names) missed three times in four on a wide key space, and was a fifth of pass 2.
import { Fingerprint, hashBytes64 } from '../analyze/key-hash.js';
import { slotOfRange } from '../slot/key-slot.js';
import { copyBytes } from '../bytes/copy-bytes.js';
import type { Renamer } from './renames.js';

/** Entries: 2^19, 14 MiB; a key evicts the one before it in its entry. */
const BITS = 19;
const MASK = (1 << BITS) - 1;
const OPEN = 0x7b;
const CLOSE = 0x7d;
/** `tagEnd` of an entry whose key no rule renames, and of an empty one. */
const NO_RENAME = -1;
const EMPTY = -2;

export class RenameCache {
  private readonly high = new Int32Array(1 << BITS);
  private readonly low = new Int32Array(1 << BITS);
  /** Bytes of the key the tag spans: the brace goes in after them. */
  readonly tagEnd = new Int32Array(1 << BITS).fill(EMPTY);
  /** The rename's change: its tag's. */
  readonly change = new Int32Array(1 << BITS);
  /** The renamed key's slot. */
  readonly slot = new Int32Array(1 << BITS);
  /** Fingerprint of the renamed key's hash tag (the entity it puts together), for the hotspot vote. */
  readonly entityHigh = new Int32Array(1 << BITS);
  readonly entityLow = new Int32Array(1 << BITS);
  /** Bytes of the key in that hash tag: the tag's, up to a '}' inside it (where Redis ends the tag). */
  readonly entityEnd = new Int32Array(1 << BITS);
  private scratch = Buffer.alloc(256);

  /** `changeOf`: each rule tag's change. */
  constructor(
    private readonly renamer: Renamer,
    private readonly changeOf: ReadonlyMap<string, number>,
  ) {}

  /** The entry of the key at buf[start, end): its `tagEnd` is -1 when no rule renames it. */
  entry(buf: Buffer, start: number, end: number): number {
    const high = hashBytes64(buf, start, end);
    const low = Fingerprint.low;
    // The fingerprint's halves are finalised murmur lanes: their low bits are as good as any.
    const i = low & MASK;
    if (this.tagEnd[i] !== EMPTY && this.low[i] === low && this.high[i] === high) return i;
    this.high[i] = high;
    this.low[i] = low;
    const m = this.renamer.match(buf.toString('latin1', start, end));
    if (m === null) {
      this.tagEnd[i] = NO_RENAME;
      return i;
    }
    const len = end - start + 2;
    if (this.scratch.length < len) this.scratch = Buffer.alloc(len * 2);
    writeRenamed(buf, start, end, m.tagLength, this.scratch, 0);
    this.tagEnd[i] = m.tagLength;
    this.change[i] = this.changeOf.get(m.rule.tag)!;
    this.slot[i] = slotOfRange(this.scratch, 0, len);
    let e = start;
    while (e < start + m.tagLength && buf[e] !== CLOSE) e++;
    this.entityHigh[i] = hashBytes64(buf, start, e);
    this.entityLow[i] = Fingerprint.low;
    this.entityEnd[i] = e - start;
    return i;
  }
}

/** Writes the key at buf[start, end) with a brace before it and one after its first `tagLength` bytes; answers the bytes written. */
export function writeRenamed(buf: Buffer, start: number, end: number, tagLength: number, out: Buffer, at: number): number {
  out[at] = OPEN;
  copyBytes(buf, start, start + tagLength, out, at + 1);
  out[at + 1 + tagLength] = CLOSE;
  copyBytes(buf, start + tagLength, end, out, at + 2 + tagLength);
  return end - start + 2;
}
