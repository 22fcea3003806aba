// The readiness report as Markdown, for a migration ticket or a pull request: the same sections as the
// terminal table.
import type { Report } from './report.js';
import { reportSections, type SectionTable, verdictLine } from './report-sections.js';

/** A cell or line of text that stays text: keys may hold `|`, `<` or backticks. */
export function escape(s: string): string {
  return s.replace(/([\\`*_[\]|])/g, '\\$1').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function table(t: SectionTable): string[] {
  const head = t.head.some(Boolean) ? t.head : t.head.map(() => ' ');
  return [
    `| ${head.map(escape).join(' | ')} |`,
    `|${t.align.map((a) => (a === 'right' ? '---:' : '---')).join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(escape).join(' | ')} |`),
  ];
}

export function renderMarkdown(r: Report): string {
  const out: string[] = ['# slotscope readiness report', '', `**${escape(verdictLine(r))}**`, ''];
  for (const s of reportSections(r)) {
    if (s.title) out.push(`## ${escape(s.title)}`, '');
    if (s.lines.length) out.push(...s.lines.map((l) => `- ${escape(l)}`), '');
    if (s.table && s.table.rows.length > 0) out.push(...table(s.table), '');
    if (s.after?.length) out.push(...s.after.map((l) => `- ${escape(l)}`), '');
  }
  return out.join('\n');
}
