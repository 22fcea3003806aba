// CRC16-XMODEM (poly 0x1021, init 0, no reflection, no final xor): the function behind
// Redis Cluster's keyHashSlot() (crc16.c).
//
// Speed: a 16-bit CRC's whole register is shifted out by two bytes, so two bytes are one lookup in a
// 64K-entry table (T16[crc ^ word]). Four bytes are two independent lookups (slicing-by-4): T16H folds in
// the 16 zero bits that follow the first word. 256 KiB of tables; ~2x the byte-at-a-time loop.

export const CRC16_TABLE: Uint16Array = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[i] = crc & 0xffff;
  }
  return table;
})();

/** T16[w]: the CRC register after feeding the 16-bit word w into a zero register. */
const T16: Uint16Array = (() => {
  const t = new Uint16Array(65536);
  for (let w = 0; w < 65536; w++) {
    const c = CRC16_TABLE[w >>> 8];
    t[w] = ((c << 8) & 0xff00) ^ CRC16_TABLE[(c >>> 8) ^ (w & 0xff)];
  }
  return t;
})();

/** T16H[w]: as T16, followed by two zero bytes. */
const T16H: Uint16Array = (() => {
  const t = new Uint16Array(65536);
  for (let w = 0; w < 65536; w++) t[w] = T16[T16[w]];
  return t;
})();

/** Feeds one byte. */
export function crc16Step(crc: number, byte: number): number {
  return ((crc << 8) & 0xff00) ^ CRC16_TABLE[(crc >>> 8) ^ byte];
}

/** Feeds four bytes given as a big-endian 32-bit word. */
export function crc16Step4(crc: number, word: number): number {
  return T16H[crc ^ (word >>> 16)] ^ T16[word & 0xffff];
}

/** CRC16 of bytes[start, end). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = CRC16_TABLE;
  let crc = 0;
  let i = start;
  for (; i + 3 < end; i += 4) crc = T16H[crc ^ ((bytes[i] << 8) | bytes[i + 1])] ^ T16[(bytes[i + 2] << 8) | bytes[i + 3]];
  for (; i < end; i++) crc = ((crc << 8) & 0xff00) ^ t[(crc >>> 8) ^ bytes[i]];
  return crc;
}

/**
 * CRC16 of the UTF-8 encoding of str[start, end), encoded on the fly (no Buffer per call).
 * Lone surrogates become U+FFFD, exactly as Buffer.from(str) and therefore ioredis send them.
 * `initial` continues a CRC computed over the bytes before start.
 */
export function crc16Utf8(str: string, start = 0, end = str.length, initial = 0): number {
  const t = CRC16_TABLE;
  let crc = initial;
  let i = start;
  while (i < end) {
    // Runs of ASCII go four characters at a time.
    if (i + 3 < end) {
      const c0 = str.charCodeAt(i);
      const c1 = str.charCodeAt(i + 1);
      const c2 = str.charCodeAt(i + 2);
      const c3 = str.charCodeAt(i + 3);
      if ((c0 | c1 | c2 | c3) < 0x80) {
        crc = T16H[crc ^ ((c0 << 8) | c1)] ^ T16[(c2 << 8) | c3];
        i += 4;
        continue;
      }
    }
    let c = str.charCodeAt(i++);
    if (c < 0x80) {
      crc = ((crc << 8) & 0xff00) ^ t[(crc >>> 8) ^ c];
      continue;
    }
    if (c < 0x800) {
      crc = ((crc << 8) & 0xff00) ^ t[(crc >>> 8) ^ (0xc0 | (c >> 6))];
      crc = ((crc << 8) & 0xff00) ^ t[(crc >>> 8) ^ (0x80 | (c & 0x3f))];
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i < end ? str.charCodeAt(i) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        crc = ((crc << 8) & 0xff00) ^ t[(crc >>> 8) ^ (0xf0 | (c >> 18))];
        crc = ((crc << 8) & 0xff00) ^ t[(crc >>> 8) ^ (0x80 | ((c >> 12) & 0x3f))];
        crc = ((crc << 8) & 0xff00) ^ t[(crc >>> 8) ^ (0x80 | ((c >> 6) & 0x3f))];
        crc = ((crc << 8) & 0xff00) ^ t[(crc >>> 8) ^ (0x80 | (c & 0x3f))];
        continue;
      }
      c = 0xfffd;
    }
    crc = ((crc << 8) & 0xff00) ^ t[(crc >>> 8) ^ (0xe0 | (c >> 12))];
    crc = ((crc << 8) & 0xff00) ^ t[(crc >>> 8) ^ (0x80 | ((c >> 6) & 0x3f))];
    crc = ((crc << 8) & 0xff00) ^ t[(crc >>> 8) ^ (0x80 | (c & 0x3f))];
  }
  return crc;
}
