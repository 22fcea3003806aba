// Hashes of keys for hash sets and sketches: MurmurHash3 (x86_32) over big-endian words, four bytes per
// load through the shared DataView where there is one. The same pass runs the key's CRC16, so a key
// without a '{' gets its slot for the price of two table lookups a word.
import { viewFor } from '../bytes/byte-view.js';
import { crc16Step, crc16Step4 } from '../slot/crc16.js';

/** MurmurHash3's finaliser: every input bit reaches every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixK(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

/** MurmurHash3 over a string, one UTF-16 code unit per step (a latin1 key string is its bytes). */
export function hashString(s: string): number {
  let h = s.length ^ 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    h ^= mixK(s.charCodeAt(i));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return fmix32(h);
}

/**
 * What the last hashBytes64() found besides its result (returning several numbers would allocate): the
 * fingerprint's low half (signed), and the key's hash slot, or -1 when the key has a '{' (its hash tag
 * is then the slot core's business).
 */
export const Fingerprint = { low: 0, slot: -1 };

/**
 * A 64-bit fingerprint of a key in one pass: MurmurHash3 as the high half (returned, signed; also what
 * the sketches use), a second lane with another seed and multipliers as the low half (Fingerprint.low).
 */
export function hashBytes64(bytes: Uint8Array, start: number, end: number): number {
  const dv = viewFor(bytes);
  let h = (end - start) ^ 0x9747b28c;
  let g = (end - start) ^ 0x2f6b3c41;
  let crc = 0;
  // Words with a '{' leave high bits here (SWAR zero-byte test of the word xor '{{{{'), tested once at the end.
  let braces = 0;
  let i = start;
  for (; i + 3 < end; i += 4) {
    const k = dv ? dv.getUint32(i) : (bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3];
    const x = k ^ 0x7b7b7b7b;
    braces |= (x - 0x01010101) & ~x;
    crc = crc16Step4(crc, k);
    const m = mixK(k);
    h ^= m;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    g ^= m;
    g = (g << 17) | (g >>> 15);
    g = (Math.imul(g, 9) + 0x5bd1e995) | 0;
  }
  let k = 0;
  for (; i < end; i++) {
    const b = bytes[i];
    if (b === 0x7b) braces = 0x80;
    crc = crc16Step(crc, b);
    k = (k << 8) | b;
  }
  Fingerprint.slot = (braces & 0x80808080) !== 0 ? -1 : crc & 0x3fff;
  if (k !== 0 || end > start) {
    const m = mixK(k);
    h ^= m;
    g ^= Math.imul(m, 0x27d4eb2d);
  }
  // Signed 32-bit results: a small integer to V8, where an unsigned one past 2^31 is a boxed double.
  Fingerprint.low = fmix32(g ^ 0x85ebca6b) | 0;
  return fmix32(h) | 0;
}
