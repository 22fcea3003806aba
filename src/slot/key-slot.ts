// Hash slot of a key, mirroring keyHashSlot() in Redis's cluster.c: if the key has a '{' and a later
// '}' with at least one byte between the FIRST '{' and the first '}' after it, only those bytes are
// hashed; otherwise the whole key is.
import { CRC16_TABLE, crc16, crc16Utf8 } from './crc16.js';

export const SLOT_COUNT = 16384;
const SLOT_MASK = 16383;
const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }

/** Slot of the key stored in bytes[start, end). No allocation. */
export function slotOfRange(bytes: Uint8Array, start: number, end: number): number {
  // One pass in the common case: hash while looking for '{'; only a key with a '{' needs a second look.
  const t = CRC16_TABLE;
  let crc = 0;
  let i = start;
  for (; i < end; i++) {
    const b = bytes[i];
    if (b === OPEN) break;
    crc = ((crc << 8) & 0xff00) ^ t[(crc >>> 8) ^ b];
  }
  if (i === end) return crc & SLOT_MASK;
  for (let j = i + 1; j < end; j++) {
    if (bytes[j] === CLOSE) {
      if (j === i + 1) break; // empty tag "{}": the whole key is hashed
      return crc16(bytes, i + 1, j) & SLOT_MASK;
    }
  }
  // No usable tag: carry on hashing the whole key from the '{'.
  for (; i < end; i++) crc = ((crc << 8) & 0xff00) ^ t[(crc >>> 8) ^ bytes[i]];
  return crc & SLOT_MASK;
}

/** Slot of a string key (hashed as its UTF-8 bytes, as clients send it). */
export function slotOfString(key: string): number {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return crc16Utf8(key, open + 1, close) & SLOT_MASK;
  }
  return crc16Utf8(key) & SLOT_MASK;
}

/** Slot of a key given as a string (UTF-8) or as raw bytes. */
export function keySlot(key: string | Uint8Array): number {
  return typeof key === 'string' ? slotOfString(key) : slotOfRange(key, 0, key.length);
}

