// Four bytes at a time in one 32-bit word (SIMD within a register), for the byte loops of the hot path.

/** Whether any of the word's four bytes is zero (exact: no false positives as a yes/no). */
export function hasZeroByte(x: number): boolean {
  return ((x - 0x01010101) & ~x & 0x80808080) !== 0;
}

/** Whether any byte of w equals the byte repeated in `pattern` (0x7b7b7b7b finds '{'). */
export function hasByte(w: number, pattern: number): boolean {
  return hasZeroByte(w ^ pattern);
}

/** Whether all four bytes of w are ASCII digits. */
export function isDigits4(w: number): boolean {
  return (w & 0xf0f0f0f0) === 0x30303030 && ((w + 0x06060606) & 0xf0f0f0f0) === 0x30303030;
}

/** The number four ASCII digits spell, first byte most significant. */
export function digits4(w: number): number {
  const x = w - 0x30303030;
  return (x >>> 24) * 1000 + ((x >>> 16) & 0xff) * 100 + ((x >>> 8) & 0xff) * 10 + (x & 0xff);
}

/** w with its ASCII capitals A-Z made lower case, every other byte unchanged. */
export function toLower4(w: number): number {
  const upper = ((w & 0x7f7f7f7f) + 0x3f3f3f3f) & ~((w & 0x7f7f7f7f) + 0x25252525) & ~w & 0x80808080;
  return w | (upper >>> 2);
}
