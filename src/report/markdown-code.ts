// Keys, patterns and commands in Markdown: code spans of their printable form. A code span shows its text
// as is (no HTML, no emphasis), so a hostile key can neither inject markup nor break out: the fence is
// longer than any run of backticks inside, and in a table pipes are escaped so a row cannot be split.

/** A code span of text already printable (keys, patterns and examples are, as \xhh): fenced, so it holds any backticks. */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text.startsWith(' ') || text.endsWith(' ') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * codeSpan() in a table cell: its pipes escaped, which GFM takes out of the cell's code span again. Only
 * there: in a list or a paragraph the backslash would stay in the code, and a copied command break.
 */
export const tableCode = (text: string): string => codeSpan(text).replace(/\|/g, '\\|');

/** A long block folded under a summary line; GitHub renders the Markdown inside once blank lines surround it. */
export function folded(summary: string, lines: string[]): string[] {
  return ['<details>', `<summary>${summary.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</summary>`, '', ...lines, '', '</details>', ''];
}
