// Text measured, cut and wrapped in terminal columns. A report's keys are latin1 strings (one character per
// byte), so every character up to U+00FF outside printable ASCII is shown as \xhh, as sdscatrepr() and
// redis-cli do: a key can then never move the cursor or start an escape sequence, and it measures one
// column per character. Wider text (file names, prose) is measured by code point: East Asian wide and
// emoji characters take two columns, combining marks none.

const ELLIPSIS = '…';

/** Bytes a terminal must not see raw (C0, DEL, C1) and the rest of latin1's upper half, as \xhh. */
export function terminalSafe(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}]/u;
const EMOJI = /\p{Emoji_Presentation}/u;

/** Mirrors isFullWidthCodePoint() in Node's lib/internal/util/inspect.js (East Asian Wide and Fullwidth). */
function fullWidth(code: number): boolean {
  return (
    code >= 0x1100 &&
    (code <= 0x115f ||
      code === 0x2329 ||
      code === 0x232a ||
      (code >= 0x2e80 && code <= 0x3247 && code !== 0x303f) ||
      (code >= 0x3250 && code <= 0x4dbf) ||
      (code >= 0x4e00 && code <= 0xa4c6) ||
      (code >= 0xa960 && code <= 0xa97c) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe10 && code <= 0xfe19) ||
      (code >= 0xfe30 && code <= 0xfe6b) ||
      (code >= 0xff01 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) ||
      (code >= 0x1b000 && code <= 0x1b001) ||
      (code >= 0x1f200 && code <= 0x1f251) ||
      (code >= 0x1f300 && code <= 0x1f64f) ||
      (code >= 0x20000 && code <= 0x3fffd))
  );
}

function charWidth(ch: string): number {
  const code = ch.codePointAt(0)!;
  if (code < 0x7f) return code >= 0x20 ? 1 : 0;
  if (ZERO_WIDTH.test(ch)) return 0;
  return fullWidth(code) || EMOJI.test(ch) ? 2 : 1;
}

/** Columns the text takes on a terminal; text without escape sequences (style is applied after layout). */
export function displayWidth(s: string): number {
  let w = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) w++;
    else {
      const ch = String.fromCodePoint(s.codePointAt(i)!);
      w += charWidth(ch);
      i += ch.length - 1;
    }
  }
  return w;
}

/** The text cut to at most `width` columns, ending in an ellipsis when anything was cut. */
export function cutToWidth(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 0) return '';
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = charWidth(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return out + ELLIPSIS;
}

/**
 * Prose wrapped at spaces to `width` columns: the first line starts with `first`, the others with `rest`
 * (a hanging indent). A word longer than a whole line (a long key) keeps its own line, unbroken, so it can
 * still be copied.
 */
export function wrapToWidth(text: string, width: number, first = '', rest = first): string[] {
  const lines: string[] = [];
  let line = first;
  let lineWidth = displayWidth(first);
  let empty = true;
  for (const word of text.split(' ')) {
    if (word === '') continue;
    const w = displayWidth(word);
    if (!empty && lineWidth + 1 + w > width) {
      lines.push(line);
      line = rest;
      lineWidth = displayWidth(rest);
      empty = true;
    }
    line += (empty ? '' : ' ') + word;
    lineWidth += (empty ? 0 : 1) + w;
    empty = false;
  }
  lines.push(line);
  return lines;
}
