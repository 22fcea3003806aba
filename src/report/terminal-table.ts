// A section's table laid out for a terminal of a given width: one line per row, no lines between rows.
// Right-aligned (numeric) columns keep their natural width; left-aligned (text) columns are shrunk, the
// widest first, and cut with an ellipsis. When that would leave a text column narrower than MIN_TEXT, the
// last columns move to a second, indented line under each row instead (an example beside six columns
// cannot be read at 80 columns, under them it can).
import type { SectionTable } from './report-sections.js';
import { cutToWidth, displayWidth, terminalSafe } from './terminal-width.js';

const INDENT = '  ';
const MORE = '    ';
const GAP = '  ';
const MIN_TEXT = 20;

/** Styles a cell's text after layout (so escape codes never count as width). */
export type CellPaint = (row: number, column: number, text: string) => string;

/** Widths for `cols`, or null when a text column would be cut below MIN_TEXT (or below 1 when forced). */
function fit(natural: number[], right: boolean[], cols: number[], width: number, force: boolean): number[] | null {
  const widths = cols.map((c) => natural[c]);
  const text = cols.map((c, i) => i).filter((i) => !right[cols[i]]);
  let room = width - INDENT.length - GAP.length * (cols.length - 1) - widths.reduce((t, w, i) => (right[cols[i]] ? t + w : t), 0);
  if (text.reduce((t, i) => t + widths[i], 0) <= room) return widths;
  // Water-filling: the narrow columns keep their width, the wide ones share what is left equally.
  text.sort((a, b) => widths[a] - widths[b]);
  text.forEach((i, n) => {
    widths[i] = Math.max(0, Math.min(widths[i], Math.floor(room / (text.length - n))));
    room -= widths[i];
  });
  const floor = (i: number): number => Math.min(natural[cols[i]], force ? 1 : MIN_TEXT);
  return text.every((i) => widths[i] >= floor(i)) ? widths : null;
}


export function layoutTable(t: SectionTable, width: number, paint: CellPaint = (_r, _c, text) => text): string[] {
  const head = t.head.some(Boolean) ? t.head.map(terminalSafe) : null;
  const rows = t.rows.map((r) => r.map(terminalSafe));
  const n = Math.max(t.head.length, ...rows.map((r) => r.length));
  const all = [...Array(n).keys()];
  const natural = all.map((c) => Math.max(displayWidth(head?.[c] ?? ''), ...rows.map((r) => displayWidth(r[c] ?? ''))));
  const right = all.map((c) => t.align[c] === 'right');

  let main = all;
  let widths = fit(natural, right, all, width, false);
  for (let k = n - 1; !widths && k >= 1; k--) {
    main = all.slice(0, k);
    widths = fit(natural, right, main, width, k === 1);
  }
  const under = all.slice(main.length);

  const line = (cells: string[], row: number): string => {
    const shown = main.map((c, i) => {
      const text = cutToWidth(cells[c] ?? '', widths![i]);
      const space = ' '.repeat(widths![i] - displayWidth(text));
      const shown = row < 0 || text === '' ? text : paint(row, c, text);
      return right[c] ? space + shown : shown + space;
    });
    return (INDENT + shown.join(GAP)).trimEnd();
  };
  const below = (cells: string[]): string => cutToWidth(MORE + under.map((c) => cells[c] ?? '').filter(Boolean).join(GAP), width);

  const out: string[] = [];
  if (head) {
    out.push(line(head, -1));
    if (under.length) out.push(below(head));
    out.push(INDENT + widths!.map((w) => '─'.repeat(w)).join(GAP));
  }
  rows.forEach((r, i) => {
    out.push(line(r, i));
    if (under.length && under.some((c) => r[c])) out.push(below(r));
  });
  return out;
}
