// Hash slot of a key, mirroring keyHashSlot() in Redis's cluster.c: if the key has a '{' and a later
// '}' with at least one byte between the FIRST '{' and the first '}' after it, only those bytes are
// hashed; otherwise the whole key is.
import { viewFor } from '../bytes/byte-view.js';
import { hasByte } from '../bytes/swar.js';
import { crc16, crc16Step, crc16Step4, crc16Utf8 } from './crc16.js';

export const SLOT_COUNT = 16384;
const SLOT_MASK = 16383;
const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }

const BRACES = 0x7b7b7b7b;

/** Slot of the key stored in bytes[start, end). */
export function slotOfRange(bytes: Uint8Array, start: number, end: number): number {
  const dv = viewFor(bytes);
  if (dv === null) return slotOfBytes(bytes, start, end);
  let crc = 0;
  let i = start;
  for (; i + 3 < end; i += 4) {
    const w = dv.getUint32(i);
    if (hasByte(w, BRACES)) return slotWithBrace(bytes, start, end);
    crc = crc16Step4(crc, w);
  }
  for (; i < end; i++) {
    const b = bytes[i];
    if (b === OPEN) return slotWithBrace(bytes, start, end);
    crc = crc16Step(crc, b);
  }
  return crc & SLOT_MASK;
}

/**
 * slotOfRange() for an array without a view: the same loop with the word built from byte loads. Kept
 * apart on purpose: one loop choosing its load per word cost the byte-range form ~18% in the bench.
 */
function slotOfBytes(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  let i = start;
  for (; i + 3 < end; i += 4) {
    const w = (bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3];
    if (hasByte(w, BRACES)) return slotWithBrace(bytes, start, end);
    crc = crc16Step4(crc, w);
  }
  for (; i < end; i++) {
    const b = bytes[i];
    if (b === OPEN) return slotWithBrace(bytes, start, end);
    crc = crc16Step(crc, b);
  }
  return crc & SLOT_MASK;
}

/** keyHashSlot() proper, for a key known to contain a '{'. */
function slotWithBrace(bytes: Uint8Array, start: number, end: number): number {
  let open = start;
  while (bytes[open] !== OPEN) open++;
  for (let close = open + 1; close < end; close++) {
    if (bytes[close] === CLOSE) {
      if (close > open + 1) return crc16(bytes, open + 1, close) & SLOT_MASK;
      break; // empty tag "{}": the whole key is hashed
    }
  }
  return crc16(bytes, start, end) & SLOT_MASK;
}

/** Slot of a string key (hashed as its UTF-8 bytes, as clients send it). */
export function slotOfString(key: string): number {
  const n = key.length;
  let crc = 0;
  let i = 0;
  while (i < n) {
    // ASCII without '{' goes four characters at a time.
    if (i + 3 < n) {
      const c0 = key.charCodeAt(i);
      const c1 = key.charCodeAt(i + 1);
      const c2 = key.charCodeAt(i + 2);
      const c3 = key.charCodeAt(i + 3);
      if ((c0 | c1 | c2 | c3) < 0x80 && c0 !== OPEN && c1 !== OPEN && c2 !== OPEN && c3 !== OPEN) {
        crc = crc16Step4(crc, (c0 << 24) | (c1 << 16) | (c2 << 8) | c3);
        i += 4;
        continue;
      }
    }
    const c = key.charCodeAt(i);
    if (c === OPEN) return slotOfStringWithBrace(key, i);
    if (c < 0x80) {
      crc = crc16Step(crc, c);
      i++;
    } else {
      // Other characters: carry on with the same register through the UTF-8 encoder.
      const next = key.indexOf('{', i);
      if (next >= 0) return slotOfStringWithBrace(key, next);
      return crc16Utf8(key, i, n, crc) & SLOT_MASK;
    }
  }
  return crc & SLOT_MASK;
}

/** keyHashSlot() for a string whose first '{' is at open. */
function slotOfStringWithBrace(key: string, open: number): number {
  const close = key.indexOf('}', open + 1);
  if (close > open + 1) return crc16Utf8(key, open + 1, close) & SLOT_MASK;
  return crc16Utf8(key) & SLOT_MASK;
}

/** Slot of a key given as a string (UTF-8) or as raw bytes. */
export function keySlot(key: string | Uint8Array): number {
  // A lone key goes straight to the byte loop: a DataView would not pay for itself on one key.
  return typeof key === 'string' ? slotOfString(key) : slotOfBytes(key, 0, key.length);
}
