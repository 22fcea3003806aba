// `slotscope diff` for people: the comparison of two reports as titled tables, rendered as a terminal table
// or Markdown by the report's own renderers, or as JSON (`slotscope.diff/1`). Unchanged rows are left out; every count is shown old -> new.
import { PATTERN_SAMPLE } from '../analyze/analyzer.js';
import { exampleText } from '../analyze/command-example.js';
import { MAX_PATTERNS } from '../analyze/findings.js';
import { escape, table } from '../report/markdown-report.js';
import type { Section } from '../report/report-sections.js';
import { render } from '../report/table-report.js';
import type { ReportDiff } from './report-diff.js';
import { significantPercent } from '../report/format-numbers.js';

/** Cells of counts, shares and changes: right-aligned. */
const NUMERIC = /^(?:[-+]?[\d.]+%?|-)(?: of (?:\d+|-))?$/;
const pct = (share: number | null): string => (share === null ? '-' : significantPercent(share, 4));
const signed = (n: number): string => (n > 0 ? `+${n}` : `${n}`);
const count = (n: number | undefined | null): string => (n === undefined || n === null ? '-' : String(n));
/** A total's JSON field as people read it: crossSlotCommands -> cross-slot commands. */
const totalLabel = (field: string): string => field.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`).replace('cross slot', 'cross-slot');

export const DIFF_SCHEMA = 'slotscope.diff/1';

export function renderDiff(d: ReportDiff, oldFile: string, newFile: string, format: string): string {
  if (format === 'json') return JSON.stringify({ schema: DIFF_SCHEMA, old: oldFile, new: newFile, ...d }, null, 2) + '\n';
  const headline = diffHeadline(d, oldFile, newFile);
  const sections = diffSections(d);
  if (format === 'markdown') {
    const md = sections.flatMap((s) => [`## ${escape(s.title)}`, '', ...s.lines.map((l) => `- ${escape(l)}`), ...(s.lines.length ? [''] : []), ...(s.table && s.table.rows.length > 0 ? [...table(s.table), ''] : [])]);
    return ['# slotscope diff', '', `**${escape(headline)}**`, '', ...md].join('\n');
  }
  const text = sections.flatMap((s) => ['', s.title, ...s.lines.map((l) => `  ${l}`), ...(s.table && s.table.rows.length > 0 ? [render(s.table)] : [])]);
  return [headline, ...text].join('\n') + '\n';
}

function diffHeadline(d: ReportDiff, oldFile: string, newFile: string): string {
  const target = d.target.old === d.target.new ? `--target ${d.target.new}` : `--target ${d.target.old} -> ${d.target.new}`;
  return `${oldFile} -> ${newFile} (${target}): verdict ${d.verdict.old}${d.verdict.old === d.verdict.new ? ' (unchanged)' : ` -> ${d.verdict.new}`}`;
}

export function diffSections(d: ReportDiff): Section[] {
  const sections: Section[] = [];
  const push = (title: string, head: string[], rows: string[][], lines: string[] = []): void => {
    if (rows.length > 0 || lines.length > 0) sections.push({ title, lines, table: { head, rows, align: head.map((_, i) => (rows.every((r) => NUMERIC.test(r[i])) ? 'right' : 'left')) } });
  };
  push('Totals', ['total', 'old', 'new', 'change'], d.totals.filter((t) => t.old !== t.new).map((t) => [totalLabel(t.name), String(t.old), String(t.new), signed(t.new - t.old)]));
  push(
    'Cross-slot rates',
    ['of', 'old', 'new', 'change (points)'],
    d.rates.filter((r) => r.old !== r.new).map((r) => [r.command ? `${r.name} calls` : r.name, pct(r.old), pct(r.new), signed(Number((((r.new ?? 0) - (r.old ?? 0)) * 100).toPrecision(4)))]),
  );
  const crossRow = (c: ReportDiff['crossSlot']['added'][number]): string[] => [c.name, `${count(c.old?.crossSlot)} of ${count(c.old?.calls)}`, `${count(c.new?.crossSlot)} of ${count(c.new?.calls)}`, c.example ? exampleText(c.example) : ''];
  push('Commands newly cross-slot', ['command', 'old cross-slot', 'new cross-slot', 'example'], d.crossSlot.added.map(crossRow));
  push('Commands no longer cross-slot', ['command', 'old cross-slot', 'new cross-slot', 'example'], d.crossSlot.removed.map(crossRow));
  const cmdRow = (what: string) => (c: ReportDiff['commands']['added'][number]): string[] => [c.name, what, count(c.old?.calls), count(c.new?.calls), count(c.old?.crossSlot), count(c.new?.crossSlot)];
  push('Commands', ['command', 'change', 'old calls', 'new calls', 'old cross-slot', 'new cross-slot'], [...d.commands.added.map(cmdRow('added')), ...d.commands.removed.map(cmdRow('removed')), ...d.commands.changed.map(cmdRow('changed'))]);
  const findingRow = (what: string) => (f: ReportDiff['findings']['added'][number]): string[] => [f.id, f.severity, what, String(f.old), String(f.new)];
  push('Findings', ['finding', 'severity', 'change', 'old', 'new'], [...d.findings.added.map(findingRow('added')), ...d.findings.removed.map(findingRow('removed')), ...d.findings.changed.map(findingRow('changed'))]);
  const partial = d.patternsIncomplete.length > 0 ? [`Patterns kept only in part (the first ${MAX_PATTERNS}, from the first ${PATTERN_SAMPLE} occurrences), so not compared one way: ${d.patternsIncomplete.join(', ')}`] : [];
  push('Key patterns under findings', ['finding', 'pattern', 'change', 'count'], [...d.patterns.added.map((p) => [p.finding, p.pattern, 'added', String(p.count)]), ...d.patterns.removed.map((p) => [p.finding, p.pattern, 'removed', String(p.count)])], partial);
  const s = d.skew;
  push('Skew', ['figure', 'old', 'new'], [[s.basis, String(s.old.value), String(s.new.value)], ['busiest', s.old.busiest ? `${s.old.busiest.what}: ${s.old.busiest.ops}` : '-', s.new.busiest ? `${s.new.busiest.what}: ${s.new.busiest.ops}` : '-']]);
  push('Load per node', ['node', 'old ops', 'new ops', 'old share', 'new share'], d.nodes.map((n) => [n.name, count(n.old), count(n.new), pct(n.old === null ? null : n.oldShare), pct(n.new === null ? null : n.newShare)]));
  return sections;
}
