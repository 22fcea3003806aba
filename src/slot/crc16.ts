// CRC16-XMODEM (poly 0x1021, init 0, no reflection, no final xor): the function behind
// Redis Cluster's keyHashSlot() (crc16.c). Table-driven, one byte per step.

export const CRC16_TABLE: Uint16Array = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[i] = crc & 0xffff;
  }
  return table;
})();

/** CRC16 of bytes[start, end). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = CRC16_TABLE;
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xff00) ^ t[(crc >>> 8) ^ bytes[i]];
  return crc;
}

/**
 * CRC16 of the UTF-8 encoding of str[start, end), encoded on the fly (no Buffer per call).
 * Lone surrogates become U+FFFD, exactly as Buffer.from(str) and therefore ioredis send them.
 */
export function crc16Utf8(str: string, start = 0, end = str.length): number {
  const t = CRC16_TABLE;
  let crc = 0;
  for (let i = start; i < end; i++) {
    let c = str.charCodeAt(i);
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
      const next = i + 1 < end ? str.charCodeAt(i + 1) : 0;
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
