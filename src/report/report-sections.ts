// The readiness report as titled sections of text lines and tables: what the table, Markdown and HTML
// formats all show, decided once, so they show the same things.
import { formatSlotRanges } from '../slot/slot-ranges.js';
import { redactionNote } from './redact-report.js';
import type { Report } from './report.js';
import { count, share, shareOf } from './format-numbers.js';

export type Align = 'left' | 'right';

export interface SectionTable {
  head: string[];
  rows: string[][];
  align: Align[];
}

export interface Section {
  /** Empty for the opening section: the findings under the verdict (verdictLine()). */
  title: string;
  lines: string[];
  table?: SectionTable;
  /** Lines that follow the table (notes, first skipped lines). */
  after?: string[];
}

const TOP_COMMANDS = 15;

/** A share (0..1) as a percentage, with more digits for the small ones. */

function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

function table(head: string[], rows: (string | number)[][], align?: Align[]): SectionTable {
  return { head, rows: rows.map((r) => r.map(String)), align: align ?? head.map((_, i) => (i === 0 ? 'left' : 'right')) };
}

export function verdictLine(r: Report): string {
  return `Verdict: ${r.verdict.status.toUpperCase()}${r.verdict.decidedBy.length ? ` (decided by ${r.verdict.decidedBy.join(', ')})` : ''}`;
}

export function reportSections(r: Report): Section[] {
  const out: Section[] = [];
  const t = r.totals;

  const findings: Section = {
    title: '',
    lines: [
      `Judged for ${r.target.label} (--target ${r.target.id})`,
      `Redis 8's cluster_incompatible_ops would count ${count(r.redis8IncompatibleOps)} for this traffic (sample ratio 100); the findings below name them`,
    ],
  };
  if (r.findings.length > 0) {
    findings.table = table(['severity', 'finding', 'count', 'share', 'fix', 'example (node:line)'], r.findings.map((f) => [f.severity, f.id, count(f.count), `${share(f.share)} of ${f.of}`, f.fix, f.example ? `${f.example.node}:${f.example.line}  ${truncate(f.example.command, 80)}` : '']), ['left', 'left', 'right', 'right', 'left', 'left']);
    findings.after = r.findings.filter((x) => x.severity !== 'info').map((f) => {
      const patterns = Object.keys(f.patterns).slice(0, 5);
      return `${f.id}: ${f.message}${patterns.length ? ` Patterns: ${patterns.join(', ')}` : ''}`;
    });
  }
  out.push(findings);

  if (r.planSummary && (r.planSummary.renames.length || r.planSummary.unfixable.length)) {
    const lines: string[] = [];
    for (const x of r.planSummary.renames.slice(0, 8)) {
      const f = x.fixes;
      lines.push(`tag ${x.tag}: ${x.from.slice(0, 4).join(', ')}${x.from.length > 4 ? ` and ${x.from.length - 4} more` : ''} (fixes ${f.commands} commands, ${f.transactions} transactions, ${f.scripts} script calls seen)`);
    }
    for (const u of r.planSummary.unfixable.slice(0, 5)) lines.push(`not fixable by renames: ${u.kind}${u.command ? ` ${u.command}` : ''} over ${u.patterns.join(', ')} (${count(u.count)})`);
    out.push({ title: 'Plan summary (from a sample of the cross-slot traffic; `slotscope plan` predicts it in full)', lines });
  }

  const replicated = r.inputs.filter((i) => i.replicationLines).map((i) => `${i.path}: ${count(i.replicationLines!)} lines are the replication stream from ${i.replicationFrom!.join(', ')}: counted apart, not as traffic`);
  out.push({ title: 'Inputs', lines: [...(r.redacted ? [redactionNote(r.redacted)] : []), ...(r.warnings ?? []), ...replicated], table: table(['input', 'node', 'format', 'lines', 'records', 'skipped'], r.inputs.map((i) => [i.path, i.node, i.format, count(i.lines), count(i.records), count(i.skipped.count)]), ['left', 'left', 'left', 'right', 'right', 'right']) });

  const totals: [string, string][] = [
    ['client commands', count(t.commands)],
    ['commands run by scripts', count(t.scriptCommands)],
    ['commands with keys', count(t.keyedCommands)],
    ['cross-slot commands', `${count(t.crossSlotCommands)} (${shareOf(t.crossSlotCommands, t.keyedCommands)} of keyed)`],
    ['transactions (MULTI/EXEC)', `${count(t.transactions)}, ${count(t.crossSlotTransactions)} cross-slot`],
    ['script calls', `${count(t.scriptCalls)}, ${count(t.crossSlotScripts)} cross-slot`],
    ['distinct keys', `${count(t.distinctKeys)}${t.distinctKeysExact ? '' : ' (estimated)'}`],
  ];
  if (t.keyRecords > 0) totals.push(['keys from SCAN/memory inputs', count(t.keyRecords)]);
  if (t.bytes > 0) totals.push(['bytes (memory report)', count(t.bytes)]);
  if (t.skippedLines > 0) totals.push(['skipped lines', count(t.skippedLines)]);
  out.push({ title: 'Totals', lines: [], table: table(['', ''], totals, ['left', 'right']) });

  const cmds = Object.entries(r.commands);
  if (cmds.length > 0) {
    out.push({ title: `Top commands (${Math.min(TOP_COMMANDS, cmds.length)} of ${cmds.length})`, lines: [], table: table(['command', 'calls', 'share', 'keyed', 'cross-slot'], cmds.slice(0, TOP_COMMANDS).map(([name, c]) => [name, count(c.calls), shareOf(c.calls, t.commands), count(c.keyed), c.crossSlot ? `${count(c.crossSlot)} (${shareOf(c.crossSlot, c.calls)})` : '0'])) });
  }

  const cross = cmds.filter(([, c]) => c.crossSlot > 0).sort((x, y) => y[1].crossSlot - x[1].crossSlot);
  if (cross.length > 0) {
    out.push({ title: 'Cross-slot commands (a cluster answers CROSSSLOT)', lines: [], table: table(['command', 'cross-slot', 'example (node:line)'], cross.map(([name, c]) => [name, count(c.crossSlot), c.example ? `${c.example.node}:${c.example.line}  ${truncate(c.example.command, 100)}` : '']), ['left', 'right', 'left']) });
  }

  if (r.skew.activeSlots > 0) {
    const s = r.skew;
    out.push({
      title: 'Slot skew',
      lines: [`${count(s.activeSlots)} of 16384 slots carry ops; busiest slot ${count(s.maxOps)} ops vs mean ${s.meanOps.toFixed(2)} (${s.meanOps > 0 ? (s.maxOps / s.meanOps).toFixed(1) : '-'}x)`],
      table: table(['hot slot', 'ops', 'share of ops', 'busiest keys (ops, sketched)'], s.hotSlots.map((h) => [h.slot, count(h.ops), shareOf(h.ops, s.meanOps * 16384), truncate(h.keys.map((k) => `${k.key} (${count(k.ops)})`).join(', '), 100)]), ['left', 'right', 'right', 'left']),
    });
  }

  const nodes = Object.entries(r.nodes);
  if (nodes.length > 1) {
    out.push({ title: 'Nodes', lines: [], table: table(['node', 'commands', 'keyed', 'cross-slot', 'keys', 'ops', 'bytes'], nodes.map(([name, n]) => [name, count(n.commands), count(n.keyedCommands), count(n.crossSlotCommands), count(n.keys), count(n.ops), count(n.bytes)])) });
  }

  if (r.scripts.length > 0) {
    out.push({ title: 'Scripts', lines: [], table: table(['script', 'calls', 'cross-slot', 'undeclared keys', 'example (node:line)'], r.scripts.slice(0, 10).map((sc) => [sc.id.slice(0, 24), count(sc.calls), count(sc.crossSlot), sc.undeclared ? `${count(sc.undeclared)} (${sc.undeclaredExample?.pattern})` : '0', sc.example ? `${sc.example.node}:${sc.example.line}  ${truncate(sc.example.command, 60)}` : '']), ['left', 'right', 'right', 'left', 'left']) });
  }

  const dbs = Object.entries(r.dbs);
  if (dbs.length > 0) {
    out.push({ title: 'Commands on dbs other than 0 (a cluster has only db 0)', lines: [], table: table(['db', 'commands', 'keys', 'key patterns'], dbs.map(([db, d]) => [db, count(d.commands), count(d.keys ?? 0), truncate(Object.keys(d.patterns).join(', '), 80)]), ['right', 'right', 'right', 'left']) });
  }

  if (r.topology) {
    const topo = r.topology;
    out.push({
      title: "Today's primaries and their load, against redis-cli's even split",
      lines: [
        ...(topo.failovers ?? []).map((f) => `${f.from} failed over to ${f.to} during the capture: the primaries shown are those at the end`),
        ...(topo.slotsMoved ? [`slots ${formatSlotRanges(topo.slotsMoved)} moved while the inputs were captured (a reshard?): their keys may be missing or on two nodes`] : []),
      ],
      table: table(['primary (today)', 'slots', 'ops share', 'even split', 'ops share'], topo.primaries.map((p, i) => {
        const even = topo.evenSplit[i];
        return [p.address, formatSlotRanges(p.slots), share(p.opsShare), even ? `${even.from}-${even.to}` : '', even ? share(even.opsShare) : ''];
      }), ['left', 'left', 'right', 'left', 'right']),
    });
  }

  const unknown = Object.entries(r.unknownCommands);
  if (unknown.length > 0) {
    out.push({ title: 'Commands the key-spec table does not know (modules?): keys not analysed', lines: [], table: table(['command', 'calls'], unknown.slice(0, 20).map(([n, c]) => [n, count(c)])) });
  }

  const skipped = r.inputs.filter((i) => i.skipped.count > 0);
  if (skipped.length > 0) {
    const rows: string[][] = [];
    for (const i of skipped) for (const [reason, n] of Object.entries(i.skipped.byReason)) rows.push([i.path, reason, count(n)]);
    out.push({ title: 'Skipped lines', lines: [], table: table(['input', 'reason', 'lines'], rows, ['left', 'left', 'right']), after: skipped.flatMap((i) => i.skipped.first.slice(0, 5).map((s) => `${i.path}:${s.line}: ${s.reason}`)) });
  }
  return out;
}
