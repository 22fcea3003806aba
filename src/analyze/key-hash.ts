// A 32-bit hash of a key's bytes for hash sets and sketches: MurmurHash3 (x86_32) over big-endian words,
// four bytes per load through the shared DataView where there is one.
import { viewFor } from '../bytes/byte-view.js';

export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  const dv = viewFor(bytes);
  let h = (end - start) ^ 0x9747b28c;
  let i = start;
  for (; i + 3 < end; i += 4) {
    const k = dv ? dv.getUint32(i) : (bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3];
    h ^= mixK(k);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (; i < end; i++) k = (k << 8) | bytes[i];
  if (k !== 0 || i > start) h ^= mixK(k);
  return fmix32(h);
}

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

/** The same for a string's UTF-16 code units (a latin1 key string is its bytes). */
export function hashString(s: string): number {
  let h = s.length ^ 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    h ^= mixK(s.charCodeAt(i));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return fmix32(h);
}
