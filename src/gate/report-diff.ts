// Two reports compared: what `diff` prints for people and what `check --baseline` gates on. Counts are
// taken as the reports give them; rates are shares of their own run, so runs of different length compare.
import type { CommandExample } from '../analyze/command-example.js';
import { PATTERN_SAMPLE } from '../analyze/analyzer.js';
import { type FindingId, MAX_PATTERNS, type Severity } from '../analyze/findings.js';
import type { Report } from '../report/report.js';
import { type SkewMeasure, skewOf } from './skew.js';

export interface Change {
  name: string;
  old: number;
  new: number;
}

export interface CommandChange {
  name: string;
  old: { calls: number; crossSlot: number } | null;
  new: { calls: number; crossSlot: number } | null;
  example?: CommandExample;
}

export interface FindingChange {
  id: FindingId;
  severity: Severity;
  old: number;
  new: number;
  example?: CommandExample;
}

export interface PatternChange {
  finding: FindingId;
  pattern: string;
  count: number;
}

export interface RateChange {
  /** `keyed commands`, `transactions`, `script calls`, or a command's name. */
  name: string;
  command: boolean;
  /** null: the command is not in that report. */
  old: number | null;
  new: number | null;
  /** The cross-slot count behind the new rate. */
  count: number;
  example?: CommandExample;
}

export interface ReportDiff {
  target: { old: string; new: string };
  verdict: { old: string; new: string };
  totals: Change[];
  commands: { added: CommandChange[]; removed: CommandChange[]; changed: CommandChange[] };
  /** Commands with cross-slot calls now and none before, and the reverse. */
  crossSlot: { added: CommandChange[]; removed: CommandChange[] };
  findings: { added: FindingChange[]; removed: FindingChange[]; changed: FindingChange[] };
  /** Key patterns new (or gone) under a finding present in both reports or new in this one. */
  patterns: { added: PatternChange[]; removed: PatternChange[] };
  /**
   * Findings whose patterns a report lists only in part (past MAX_PATTERNS patterns, or PATTERN_SAMPLE
   * occurrences): a pattern missing from that report may just not have been kept, so it is not called
   * added (missing from the old one) or removed (missing from the new one).
   */
  patternsIncomplete: FindingId[];
  rates: RateChange[];
  skew: { basis: string; old: SkewMeasure; new: SkewMeasure };
  nodes: { name: string; old: number | null; new: number | null; oldShare: number; newShare: number }[];
}

const TOTALS = ['commands', 'keyedCommands', 'distinctKeys', 'crossSlotCommands', 'transactions', 'crossSlotTransactions', 'scriptCalls', 'crossSlotScripts', 'keyRecords'] as const;

export function diffReports(old: Report, now: Report, shards?: number): ReportDiff {
  const commands: ReportDiff['commands'] = { added: [], removed: [], changed: [] };
  const crossSlot: ReportDiff['crossSlot'] = { added: [], removed: [] };
  for (const name of union(Object.keys(old.commands), Object.keys(now.commands))) {
    const o = old.commands[name];
    const n = now.commands[name];
    const row: CommandChange = { name, old: o ? { calls: o.calls, crossSlot: o.crossSlot } : null, new: n ? { calls: n.calls, crossSlot: n.crossSlot } : null, ...(n?.example ?? o?.example ? { example: n?.example ?? o?.example } : {}) };
    if (!o) commands.added.push(row);
    else if (!n) commands.removed.push(row);
    else if (o.calls !== n.calls || o.crossSlot !== n.crossSlot) commands.changed.push(row);
    if ((n?.crossSlot ?? 0) > 0 && (o?.crossSlot ?? 0) === 0) crossSlot.added.push(row);
    if ((o?.crossSlot ?? 0) > 0 && (n?.crossSlot ?? 0) === 0) crossSlot.removed.push(row);
  }
  const findings: ReportDiff['findings'] = { added: [], removed: [], changed: [] };
  const patterns: ReportDiff['patterns'] = { added: [], removed: [] };
  const patternsIncomplete: FindingId[] = [];
  const oldFindings = new Map(old.findings.map((f) => [f.id, f]));
  const newFindings = new Map(now.findings.map((f) => [f.id, f]));
  for (const id of union([...oldFindings.keys()], [...newFindings.keys()])) {
    const o = oldFindings.get(id);
    const n = newFindings.get(id);
    const f = (n ?? o)!;
    const row: FindingChange = { id, severity: f.severity, old: o?.count ?? 0, new: n?.count ?? 0, ...(f.example ? { example: f.example } : {}) };
    if (!o) findings.added.push(row);
    else if (!n) findings.removed.push(row);
    else if (o.count !== n.count) findings.changed.push(row);
    if (partial(o) || partial(n)) patternsIncomplete.push(id);
    if (!partial(o)) for (const p of Object.keys(n?.patterns ?? {})) if (!o || !Object.hasOwn(o.patterns, p)) patterns.added.push({ finding: id, pattern: p, count: n!.patterns[p] });
    if (!partial(n)) for (const p of Object.keys(o?.patterns ?? {})) if (!n || !Object.hasOwn(n.patterns, p)) patterns.removed.push({ finding: id, pattern: p, count: o!.patterns[p] });
  }
  return {
    target: { old: old.target.id, new: now.target.id },
    verdict: { old: old.verdict.status, new: now.verdict.status },
    totals: TOTALS.map((k) => ({ name: k, old: old.totals[k], new: now.totals[k] })).filter((t) => t.old !== 0 || t.new !== 0),
    commands,
    crossSlot,
    findings,
    patterns,
    patternsIncomplete,
    rates: rates(old, now),
    skew: { basis: skewOf(now, shards).basis, old: skewOf(old, shards), new: skewOf(now, shards) },
    nodes: nodeLoads(old, now),
  };
}

function rates(old: Report, now: Report): RateChange[] {
  const share = (n: number, of: number): number => (of > 0 ? n / of : 0);
  const out: RateChange[] = [
    { name: 'keyed commands', command: false, old: share(old.totals.crossSlotCommands, old.totals.keyedCommands), new: share(now.totals.crossSlotCommands, now.totals.keyedCommands), count: now.totals.crossSlotCommands },
    { name: 'transactions', command: false, old: share(old.totals.crossSlotTransactions, old.totals.transactions), new: share(now.totals.crossSlotTransactions, now.totals.transactions), count: now.totals.crossSlotTransactions },
    { name: 'script calls', command: false, old: share(old.totals.crossSlotScripts, old.totals.scriptCalls), new: share(now.totals.crossSlotScripts, now.totals.scriptCalls), count: now.totals.crossSlotScripts },
  ];
  for (const name of union(Object.keys(old.commands), Object.keys(now.commands))) {
    const o = old.commands[name];
    const n = now.commands[name];
    if (!o?.crossSlot && !n?.crossSlot) continue;
    out.push({ name, command: true, old: o ? share(o.crossSlot, o.calls) : null, new: n ? share(n.crossSlot, n.calls) : null, count: n?.crossSlot ?? 0, ...(n?.example ? { example: n.example } : {}) });
  }
  return out;
}

function nodeLoads(old: Report, now: Report): ReportDiff['nodes'] {
  const total = (r: Report): number => Object.values(r.nodes).reduce((t, n) => t + n.ops, 0);
  const [ot, nt] = [total(old), total(now)];
  return union(Object.keys(old.nodes), Object.keys(now.nodes)).map((name) => {
    const o = old.nodes[name]?.ops ?? null;
    const n = now.nodes[name]?.ops ?? null;
    return { name, old: o, new: n, oldShare: o !== null && ot > 0 ? o / ot : 0, newShare: n !== null && nt > 0 ? n / nt : 0 };
  });
}

/** Whether a report may have dropped some of the finding's patterns: it keeps the first 50, from the first 10,000 occurrences. */
function partial(f: { count: number; patterns: Record<string, number> } | undefined): boolean {
  return f !== undefined && (f.count > PATTERN_SAMPLE || Object.keys(f.patterns).length >= MAX_PATTERNS);
}

function union<T>(a: T[], b: T[]): T[] {
  return [...new Set([...a, ...b])];
}
