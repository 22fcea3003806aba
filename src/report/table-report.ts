// The report for a person at a terminal: its sections laid out for the terminal's width (terminal-table.ts),
// prose wrapped with a hanging indent, and the verdict and severities in colour when the style has it.
import type { Report } from './report.js';
import { reportSections, type SectionTable, verdictLine } from './report-sections.js';
import { DEFAULT_COLUMNS } from './terminal-size.js';
import { PLAIN, paintSeverity, paintVerdict, type TerminalStyle } from './terminal-style.js';
import { layoutTable } from './terminal-table.js';
import { terminalSafe, wrapToWidth } from './terminal-width.js';

export interface TerminalOptions {
  /** Columns; terminalColumns() gives the terminal's. */
  width: number;
  style: TerminalStyle;
}

/** One table at the default width, plain: for reports built of sections elsewhere (diff). */
export function render(t: SectionTable, width = DEFAULT_COLUMNS): string {
  return layoutTable(t, width).join('\n');
}

export function renderTable(r: Report, { width = DEFAULT_COLUMNS, style = PLAIN }: Partial<TerminalOptions> = {}): string {
  const prose = (l: string): string[] => wrapToWidth(terminalSafe(l), width, '  ', '    ');
  const [first, ...rest] = wrapToWidth(terminalSafe(verdictLine(r)), width, '', '  ');
  const status = `Verdict: ${r.verdict.status.toUpperCase()}`;
  const out: string[] = [paintVerdict(style, r.verdict.status, status) + first.slice(status.length), ...rest];
  for (const s of reportSections(r)) {
    if (s.title) out.push('', ...wrapToWidth(terminalSafe(s.title), width, '', '  ').map((l) => style.paint('bold', l)));
    out.push(...s.lines.flatMap(prose));
    if (s.table && s.table.rows.length > 0) {
      const severity = s.table.head.indexOf('severity');
      out.push(...layoutTable(s.table, width, (row, col, text) => (col === severity ? paintSeverity(style, s.table!.rows[row][col], text) : text)));
    }
    if (s.after) out.push(...s.after.flatMap(prose));
  }
  return out.join('\n') + '\n';
}
