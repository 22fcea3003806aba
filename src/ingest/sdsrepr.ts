import { viewFor } from '../bytes/byte-view.js';

// The inverse of sdscatrepr() in Redis's sds.c, which writes every MONITOR argument and every
// `redis-cli --no-raw` key: "..." with \\ \" \n \r \t \a \b escaped and other non-printable bytes as \xhh.

const BACKSLASH = 0x5c;
const QUOTE = 0x22;

/**
 * Unescapes the quoted string whose opening quote is at buf[open], writing the bytes back in place
 * (unescaping only shrinks). Returns the end of the unescaped bytes, which start at open + 1, and sets
 * `next` to the index after the closing quote. Returns a negative code on malformed input.
 */
export const UNTERMINATED = -1;
export const BAD_ESCAPE = -2;

export interface Cursor {
  next: number;
  /** On BAD_ESCAPE: where the bad escape starts. */
  errorAt: number;
}

export function unescapeInPlace(buf: Uint8Array, open: number, end: number, cur: Cursor): number {
  let r = open + 1;
  // Fast path, small enough to be inlined into the parser: most arguments have no escapes and need no
  // writes. Skip four bytes at a time while none is a quote or a backslash (one SWAR zero-byte test over
  // the word xor each).
  const dv = viewFor(buf);
  if (dv !== null) {
    while (r + 3 < end) {
      const w = dv.getUint32(r);
      const q = w ^ 0x22222222;
      const b = w ^ 0x5c5c5c5c;
      if ((((q - 0x01010101) & ~q) | ((b - 0x01010101) & ~b)) & 0x80808080) break;
      r += 4;
    }
  }
  for (; r < end; r++) {
    const c = buf[r];
    if (c === QUOTE) {
      cur.next = r + 1;
      return r;
    }
    if (c === BACKSLASH) return unescapeFrom(buf, r, end, cur);
  }
  return UNTERMINATED;
}

/** The rest of unescapeInPlace() from the first backslash at r on: bytes move down as escapes shrink. */
function unescapeFrom(buf: Uint8Array, r: number, end: number, cur: Cursor): number {
  let w = r;
  for (;;) {
    if (r >= end) return UNTERMINATED;
    const c = buf[r];
    if (c === QUOTE) {
      cur.next = r + 1;
      return w;
    }
    if (c !== BACKSLASH) {
      buf[w++] = c;
      r++;
      continue;
    }
    if (r + 1 >= end) return UNTERMINATED;
    const e = buf[r + 1];
    let out: number;
    switch (e) {
      case BACKSLASH:
      case QUOTE:
        out = e;
        break;
      case 0x6e: out = 0x0a; break; // \n
      case 0x72: out = 0x0d; break; // \r
      case 0x74: out = 0x09; break; // \t
      case 0x61: out = 0x07; break; // \a
      case 0x62: out = 0x08; break; // \b
      case 0x78: { // \xhh
        const hi = r + 2 < end ? hexValue(buf[r + 2]) : -1;
        const lo = r + 3 < end ? hexValue(buf[r + 3]) : -1;
        if (hi < 0 || lo < 0) {
          cur.errorAt = r;
          return BAD_ESCAPE;
        }
        buf[w++] = (hi << 4) | lo;
        r += 4;
        continue;
      }
      default:
        cur.errorAt = r;
        return BAD_ESCAPE;
    }
    buf[w++] = out;
    r += 2;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** sdscatrepr() itself, for printing keys back exactly as Redis would. */
export function repr(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '"';
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    switch (c) {
      case BACKSLASH: s += '\\\\'; break;
      case QUOTE: s += '\\"'; break;
      case 0x0a: s += '\\n'; break;
      case 0x0d: s += '\\r'; break;
      case 0x09: s += '\\t'; break;
      case 0x07: s += '\\a'; break;
      case 0x08: s += '\\b'; break;
      default:
        s += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : '\\x' + c.toString(16).padStart(2, '0');
    }
  }
  return s + '"';
}
