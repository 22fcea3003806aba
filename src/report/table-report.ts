// The report for a person at a terminal: its sections as cli-table3 tables.
import Table from 'cli-table3';
import type { Report } from './report.js';
import { reportSections, type SectionTable, verdictLine } from './report-sections.js';

export function render(t: SectionTable): string {
  const table = new Table({ head: t.head.some(Boolean) ? t.head : [], style: { head: [], border: [] }, colAligns: t.align });
  for (const r of t.rows) table.push(r);
  return table.toString();
}

export function renderTable(r: Report): string {
  const out: string[] = [verdictLine(r)];
  for (const s of reportSections(r)) {
    if (s.title) out.push('', s.title);
    out.push(...s.lines.map((l) => `  ${l}`));
    if (s.table && s.table.rows.length > 0) out.push(render(s.table));
    if (s.after) out.push(...s.after.map((l) => `  ${l}`));
  }
  return out.join('\n') + '\n';
}
