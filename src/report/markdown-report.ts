// The readiness report as Markdown, for a migration ticket or a pull request: the same sections as the
// terminal table, keys and commands in code spans, long tables and explanations folded in <details>.
import { folded, tableCode } from './markdown-code.js';
import type { Report } from './report.js';
import { reportSections, type SectionTable, verdictLine } from './report-sections.js';

/** Tables with more rows than this, and the findings' explanations, fold under a summary line. */
const FOLD_ROWS = 10;

/** A cell or line of text that stays text: keys may hold `|`, `<` or backticks. */
export function escape(s: string): string {
  return s.replace(/([\\`*_[\]|])/g, '\\$1').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A code column's cell: a key, or `node:line  command` with the command in a code span. */
function codeCell(s: string): string {
  if (s === '') return '';
  const example = /^(\S+:\d+) {2}(.*)$/s.exec(s);
  return example ? `${escape(example[1])} ${tableCode(example[2])}` : tableCode(s);
}

export function table(t: SectionTable): string[] {
  const head = t.head.some(Boolean) ? t.head : t.head.map(() => ' ');
  const cell = (c: string, i: number): string => (t.code?.[i] ? codeCell(c) : escape(c));
  return [
    `| ${head.map(escape).join(' | ')} |`,
    `|${t.align.map((a) => (a === 'right' ? '---:' : '---')).join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

export function renderMarkdown(r: Report): string {
  const out: string[] = ['# slotscope readiness report', '', `**${escape(verdictLine(r))}**`, ''];
  for (const s of reportSections(r)) {
    if (s.title) out.push(`## ${escape(s.title)}`, '');
    if (s.lines.length) out.push(...s.lines.map((l) => `- ${escape(l)}`), '');
    if (s.table && s.table.rows.length > 0) {
      const rows = table(s.table);
      out.push(...(s.table.rows.length > FOLD_ROWS ? folded(`${s.table.rows.length} rows`, rows) : [...rows, '']));
    }
    if (s.after?.length) {
      const after = s.after.map((l) => `- ${escape(l)}`);
      // The opening section's explanations run to a page: the table above already names each finding.
      out.push(...(s.title === '' ? folded('What each finding means', after) : [...after, '']));
    }
  }
  return out.join('\n');
}
