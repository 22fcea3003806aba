// Keys, patterns and commands in Markdown: code spans that hold any bytes. A code span shows its text
// as is (no HTML, no emphasis), so a hostile key can neither inject markup nor break out: the fence is
// longer than any run of backticks inside, and pipes are escaped so a table row cannot be split.

const hex = (c: string): string => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
/** Bytes outside printable ASCII as `\xhh`, a backslash as `\\` (keys are latin1 strings: one character per byte). */
const printable = (s: string): string => s.replace(/[\x00-\x1f\x7f-\xff\\]/g, (c) => (c === '\\' ? '\\\\' : hex(c)));
/** The same for a regular expression, where `\xhh` means the byte and a backslash is already an escape. */
export const printableRegex = (s: string): string => s.replace(/[\x00-\x1f\x7f-\xff]/g, hex);

/** A code span of a raw key or pattern: unprintable bytes escaped, then fenced (codeSpan). */
export const code = (s: string): string => codeSpan(printable(s));

/** A code span of text already printable (the report's keys and examples are): fenced, pipes escaped for tables. */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text.startsWith(' ') || text.endsWith(' ') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/** A long block folded under a summary line; GitHub renders the Markdown inside once blank lines surround it. */
export function folded(summary: string, lines: string[]): string[] {
  return ['<details>', `<summary>${summary.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</summary>`, '', ...lines, '', '</details>', ''];
}
