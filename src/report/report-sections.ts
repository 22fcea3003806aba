// The readiness report as titled sections of text lines and tables: what the table, Markdown and HTML
// formats all show, decided once, so they show the same things.
import { formatSlotRanges } from '../slot/slot-ranges.js';
import { redactionNote } from './redact-report.js';
import type { Report } from './report.js';
import { count, duration, perSecond, share, shareOf } from './format-numbers.js';

export type Align = 'left' | 'right';

export interface SectionTable {
  head: string[];
  rows: string[][];
  align: Align[];
  /** Columns of keys or commands, set in monospace (HTML) or code spans (Markdown). */
  code?: boolean[];
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

function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

function table(head: string[], rows: (string | number)[][], align?: Align[], code?: boolean[]): SectionTable {
  return { head, rows: rows.map((r) => r.map(String)), align: align ?? head.map((_, i) => (i === 0 ? 'left' : 'right')), ...(code ? { code } : {}) };
}

/** An example as a cell: where it ran, then the command. */
const exampleCell = (e: { node: string; line: number; command: string } | undefined, width: number): string => (e ? `${e.node}:${e.line}  ${truncate(e.command, width)}` : '');

export function verdictLine(r: Report): string {
  return `Verdict: ${r.verdict.status.toUpperCase()}${r.verdict.decidedBy.length ? ` (decided by ${r.verdict.decidedBy.join(', ')})` : ''}`;
}

/** A hot slot's keys, or, when none was hit twice while sketched, how many distinct keys shared its ops. */
function hotSlotKeysCell(h: Report['skew']['hotSlots'][number], distinctKeys: number): string {
  if (h.keys.length > 0) return truncate(h.keys.map((k) => `${k.key} (${count(k.ops)})`).join(', '), 100);
  return distinctKeys > 0 ? `${count(distinctKeys)} distinct keys, none hit twice` : '';
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
    findings.table = table(['severity', 'finding', 'count', 'share', 'fix', 'example (node:line)'], r.findings.map((f) => [f.severity, f.id, count(f.count), `${share(f.share)} of ${f.of}`, f.fix, exampleCell(f.example, 80)]), ['left', 'left', 'right', 'right', 'left', 'left'], [false, false, false, false, false, true]);
    findings.after = r.findings.filter((x) => x.severity !== 'info').map((f) => {
      const patterns = Object.keys(f.patterns).slice(0, 5);
      return `${f.id}: ${f.message}${patterns.length ? ` Patterns: ${patterns.join(', ')}` : ''}`;
    });
  }
  out.push(findings);

  if (r.planSummary && (r.planSummary.renames.length || r.planSummary.unfixable.length || r.planSummary.layout)) {
    const lines: string[] = [];
    const l = r.planSummary.layout;
    if (l) lines.push(`layout for ${l.shards} new primaries (plan's default; no manifest gave today's): ${l.nodes.map((n) => `node ${n.node} slots ${formatSlotRanges(n.ranges)} (${share(n.opsShare)} of ops)`).join(', ')}; busiest node ${l.skewBefore.toFixed(2)}x the mean on the even split, ${l.skewAfter.toFixed(2)}x after`);
    for (const x of r.planSummary.renames.slice(0, 8)) {
      const f = x.fixes;
      lines.push(`tag ${x.tag}: ${x.from.slice(0, 4).join(', ')}${x.from.length > 4 ? ` and ${x.from.length - 4} more` : ''} (fixes ${f.commands} commands, ${f.transactions} transactions, ${f.scripts} script calls seen)`);
    }
    for (const u of r.planSummary.unfixable.slice(0, 5)) lines.push(`not fixable by renames: ${u.kind}${u.command ? ` ${u.command}` : ''} over ${u.patterns.join(', ')} (${count(u.count)})`);
    out.push({ title: 'Plan summary (from a sample of the cross-slot traffic; slotscope plan predicts it in full)', lines });
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
  if (r.timeSpan) totals.push(['time span (MONITOR)', `${duration(r.timeSpan.seconds)}, ${perSecond(r.timeSpan.commandsPerSecond)} commands/s`]);
  out.push({ title: 'Totals', lines: [], table: table(['', ''], totals, ['left', 'right']) });

  const timed = Object.entries(r.nodes).filter(([, n]) => n.timeSpan);
  if (r.timeSpan && timed.length > 0) {
    const row = (name: string, x: NonNullable<Report['timeSpan']>): string[] => [name, x.first.replace('T', ' ').slice(0, 23), duration(x.seconds), count(x.commands), perSecond(x.commandsPerSecond)];
    out.push({
      title: 'Capture time span',
      lines: ['From the MONITOR timestamps of client commands; commands/s is their count over the span.'],
      table: table(['node', 'first command (UTC)', 'span', 'commands', 'commands/s'], [...(timed.length > 1 ? [row('all nodes', r.timeSpan)] : []), ...timed.map(([name, n]) => row(name, n.timeSpan!))], ['left', 'left', 'right', 'right', 'right']),
    });
  }

  if (r.topKeys && r.topKeys.keys.length > 0) {
    const k = r.topKeys;
    out.push({
      title: `Top keys by ops (${k.keys.length})`,
      lines: [`Client commands per key, from a Space-Saving sketch of ${count(k.counters)} counters: each count is an upper bound, at most "error" above the true count (0: exact). Keys hit once are not named.`],
      table: table(['key', 'ops', 'share of ops', 'error', 'slot'], k.keys.map((x) => [x.key, count(x.ops), shareOf(x.ops, r.skew.meanOps * 16384), count(x.error), x.slot]), ['left', 'right', 'right', 'right', 'right'], [true, false, false, false, false]),
    });
  }

  if (r.biggestKeys && r.biggestKeys.length > 0) {
    out.push({
      title: `Biggest keys by bytes (${r.biggestKeys.length})`,
      lines: ['From the memory reports (each key once, however many nodes dumped it).'],
      table: table(['key', 'bytes', 'share of bytes', 'slot', 'node'], r.biggestKeys.map((x) => [x.key, count(x.bytes), shareOf(x.bytes, t.bytes), x.slot, x.node]), ['left', 'right', 'right', 'right', 'left'], [true, false, false, false, false]),
    });
  }

  const cmds = Object.entries(r.commands);
  if (cmds.length > 0) {
    out.push({ title: `Top commands (${Math.min(TOP_COMMANDS, cmds.length)} of ${cmds.length})`, lines: [], table: table(['command', 'calls', 'share', 'keyed', 'cross-slot'], cmds.slice(0, TOP_COMMANDS).map(([name, c]) => [name, count(c.calls), shareOf(c.calls, t.commands), count(c.keyed), c.crossSlot ? `${count(c.crossSlot)} (${shareOf(c.crossSlot, c.calls)})` : '0'])) });
  }

  const cross = cmds.filter(([, c]) => c.crossSlot > 0).sort((x, y) => y[1].crossSlot - x[1].crossSlot);
  if (cross.length > 0) {
    out.push({ title: 'Cross-slot commands (a cluster answers CROSSSLOT)', lines: [], table: table(['command', 'cross-slot', 'example (node:line)'], cross.map(([name, c]) => [name, count(c.crossSlot), exampleCell(c.example, 100)]), ['left', 'right', 'left'], [false, false, true]) });
  }

  if (r.skew.activeSlots > 0) {
    const s = r.skew;
    out.push({
      title: 'Slot skew',
      lines: [`${count(s.activeSlots)} of 16384 slots carry ops; busiest slot ${count(s.maxOps)} ops vs mean ${s.meanOps.toFixed(2)} (${s.meanOps > 0 ? (s.maxOps / s.meanOps).toFixed(1) : '-'}x)`],
      table: table(['hot slot', 'ops', 'share of ops', 'busiest keys (ops, sketched)'], s.hotSlots.map((h) => [h.slot, count(h.ops), shareOf(h.ops, s.meanOps * 16384), hotSlotKeysCell(h, r.slots.keys[h.slot])]), ['left', 'right', 'right', 'left'], [false, false, false, true]),
    });
  }

  const nodes = Object.entries(r.nodes);
  if (nodes.length > 1) {
    out.push({ title: 'Nodes', lines: [], table: table(['node', 'commands', 'keyed', 'cross-slot', 'keys', 'ops', 'bytes'], nodes.map(([name, n]) => [name, count(n.commands), count(n.keyedCommands), count(n.crossSlotCommands), count(n.keys), count(n.ops), count(n.bytes)])) });
  }

  if (r.scripts.length > 0) {
    out.push({ title: 'Scripts', lines: [], table: table(['script', 'calls', 'cross-slot', 'undeclared keys', 'example (node:line)'], r.scripts.slice(0, 10).map((sc) => [sc.id, count(sc.calls), count(sc.crossSlot), sc.undeclared ? `${count(sc.undeclared)} (${sc.undeclaredExample?.pattern})` : '0', exampleCell(sc.example, 60)]), ['left', 'right', 'right', 'left', 'left'], [true, false, false, false, true]) });
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
