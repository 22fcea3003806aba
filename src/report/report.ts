// The JSON report: a stable contract ("schema": "slotscope.report/1"; additive changes only within /1).
// Every other format renders from this object, so they cannot disagree.
import type { AnalysisResult } from '../analyze/analyze-inputs.js';
import type { CommandExample } from '../analyze/command-example.js';
import { FINDING_DEFS, type FindingDef, type FindingId, type FixKind, type Severity } from '../analyze/findings.js';
import type { Redaction } from '../analyze/redact-keys.js';
import type { ScriptStats } from '../analyze/scripts.js';
import type { SlotKeyCount, SlotKeys } from '../analyze/slot-keys.js';
import type { BigKey } from '../analyze/biggest-keys.js';
import { TimeSpan } from '../analyze/time-span.js';
import type { TopKey, TopKeys, TrackedKey } from '../analyze/top-keys.js';
import { printable } from '../analyze/key-pattern.js';
import { computeVerdict, type Verdict } from '../analyze/verdict.js';
import { evenSplitLoads, type Layout, type PrimaryLoad, planLayout, primaryLoads } from '../plan/layout.js';
import { PLAN_DEFAULTS } from '../plan/plan-defaults.js';
import { type Proposals, SUMMARY_SAMPLE } from '../plan/plan-summary.js';
import { KEY_SPECS_REDIS_VERSION } from '../commands/key-specs.generated.js';
import type { InputStats } from '../ingest/input-stats.js';
import { SLOT_COUNT } from '../slot/key-slot.js';

export const REPORT_SCHEMA = 'slotscope.report/1';

/** What the report and a run's summary both copy of an input's stats as they are. */
export type InputCounts = Pick<InputReport, 'path' | 'node' | 'format' | 'bytes' | 'lines' | 'records' | 'preamble' | 'lineEndings'>;

export function inputCounts(s: InputStats): InputCounts {
  return { path: s.path, node: s.node, format: s.format, bytes: s.bytes, lines: s.lines, records: s.records, preamble: s.preamble, lineEndings: s.lineEndings };
}

export interface InputReport {
  path: string;
  node: string;
  format: string;
  bytes: number;
  lines: number;
  records: number;
  /** Lines neither records nor skipped (MONITOR's OK, a CSV header, a quoted CSV key's further lines): records + skipped.count + preamble = lines. */
  preamble: number;
  /** 'crlf' when every line ended in CRLF (raw keys then exclude the CR); 'mixed' keeps the CR in raw keys. */
  lineEndings: string;
  skipped: { count: number; byReason: Record<string, number>; first: { line: number; reason: string }[] };
  /** Records of a replica's replication stream (their client is another captured node): counted here, not as traffic. */
  replicationLines?: number;
  replicationFrom?: string[];
}

export interface CommandReport {
  calls: number;
  keyed: number;
  crossSlot: number;
  example?: CommandExample;
}

export interface NodeReport {
  commands: number;
  scriptCommands: number;
  keyedCommands: number;
  crossSlotCommands: number;
  keys: number;
  ops: number;
  bytes: number;
  slots: { keys: number[]; ops: number[]; bytes?: number[] };
  /** When this node's client commands ran (MONITOR timestamps); absent for a node with none. */
  timeSpan?: TimeSpanReport;
}

export interface TimeSpanReport {
  /** ISO 8601, UTC, to the microsecond MONITOR gives. */
  first: string;
  last: string;
  seconds: number;
  /** Client commands with a timestamp, over `seconds`; null when they all ran in one instant. */
  commands: number;
  commandsPerSecond: number | null;
}

export interface TopKeysReport {
  /** Space-Saving over this many counters: memory stays bounded whatever the number of keys. */
  counters: number;
  /**
   * The busiest keys in client commands: each key's true ops lie in [ops - error, ops]; error 0 means
   * exact. A key seen once while tracked is not named, so rarely hit keys never appear.
   */
  keys: TopKey[];
}

export interface SlotSkew {
  /** Ops on the busiest slot, and the mean over all 16384 slots. */
  maxOps: number;
  meanOps: number;
  /** Slots that carry any op. */
  activeSlots: number;
  /**
   * `keys`: the slot's busiest keys in client commands, from a bounded sketch that starts once the slot has
   * four times the mean load plus 32 ops (so a count misses the slot's first ops, and may include ops of
   * keys it displaced), completed from the top-keys sketch (its upper bound) for slots that sketch found
   * first; with --redact-keys, as their redacted patterns.
   */
  hotSlots: { slot: number; ops: number; share: number; keys: SlotKeyCount[] }[];
}

export interface FindingReport {
  id: FindingId;
  severity: Severity;
  fix: FixKind;
  count: number;
  /** count over its population: client commands, transactions, script calls, or key records with the commands (`of`). */
  share: number;
  of: 'commands' | 'transactions' | 'script calls' | 'keys' | 'commands and keys';
  message: string;
  example?: CommandExample;
  /** Key patterns involved (from the first 10,000 occurrences), most frequent first. */
  patterns: Record<string, number>;
}

export interface PlanSummaryReport {
  /** Proposals come from the first SUMMARY_SAMPLE cross-slot occurrences of each kind. */
  sampledPerKind: number;
  renames: { tag: string; from: string[]; fixes: { commands: number; transactions: number; scripts: number } }[];
  unfixable: { kind: string; command?: string; patterns: string[]; count: number }[];
  /**
   * Where `slotscope plan` with its default shard count would put the slots of a new cluster (absent when
   * a manifest or live topology gives today's primaries): the busiest node over the mean, before (even
   * split) and after.
   */
  layout?: { shards: number; nodes: { node: number; ranges: [number, number][]; opsShare: number }[]; skewBefore: number; skewAfter: number };
}

export interface TopologyReport {
  mode: 'cluster' | 'standalone';
  /** Today's primaries with their own slot ranges and the load they carry. */
  primaries: PrimaryLoad[];
  /** The same load over the even split `redis-cli --cluster create` would make for as many primaries. */
  evenSplit: Layout['nodes'];
  /** Slots that moved while the inputs were captured (a reshard): their keys may be missing or doubled. */
  slotsMoved?: [number, number][];
  /** Replicas that took over their primary's slots during the capture; `primaries` are those at the end. */
  failovers?: { from: string; to: string }[];
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  generator: { name: 'slotscope'; keySpecsFrom: string };
  verdict: Verdict;
  /** The cluster the findings and verdict were judged for (`--target`). */
  target: { id: string; label: string };
  findings: FindingReport[];
  /**
   * What Redis 8's INFO `cluster_incompatible_ops` would reach for this traffic on a standalone server at
   * cluster-compatibility-sample-ratio 100: one number, beside the named findings.
   */
  redis8IncompatibleOps: number;
  inputs: InputReport[];
  totals: {
    commands: number;
    scriptCommands: number;
    keyedCommands: number;
    distinctKeys: number;
    /** False once the key count passed the exact bound and per-slot HyperLogLog estimates took over. */
    distinctKeysExact: boolean;
    crossSlotCommands: number;
    transactions: number;
    crossSlotTransactions: number;
    scriptCalls: number;
    crossSlotScripts: number;
    keyRecords: number;
    bytes: number;
    skippedLines: number;
  };
  commands: Record<string, CommandReport>;
  unknownCommands: Record<string, number>;
  slots: { keys: number[]; ops: number[]; bytes?: number[] };
  skew: SlotSkew;
  nodes: Record<string, NodeReport>;
  /** Commands queued in cross-slot transactions, by command. */
  transactions: { total: number; crossSlot: number; commandsInCrossSlot: Record<string, number> };
  scripts: ScriptStats[];
  /** Client commands (and keys of SCAN dumps or memory reports) per db other than 0, with their key patterns. */
  dbs: Record<string, { commands: number; keys?: number; patterns: Record<string, number> }>;
  planSummary?: PlanSummaryReport;
  topology?: TopologyReport;
  /** The capture's span over every node's timed client commands. */
  timeSpan?: TimeSpanReport;
  topKeys?: TopKeysReport;
  /** The largest keys of the memory reports, biggest first (each key once). */
  biggestKeys?: BigKey[];
  /** Present when made with --redact-keys: key text is shown as keyed hashes (`<h:3f2a9c1b>`). */
  redacted?: Redaction;
  /** What the analysis could not be sure of about where the inputs came from (manifests, replication streams). */
  warnings?: string[];
}

/** Where the inputs came from, when known: a live topology, or a capture's manifest. */
export interface KnownTopology {
  mode: 'cluster' | 'standalone';
  primaries: { address: string; slots: [number, number][] }[];
  slotsMoved?: [number, number][];
  failovers?: { from: string; to: string }[];
}

const HOT_SLOTS = 10;
const TOP_KEYS = 20;
/** Keys named per hot slot. */
const HOT_SLOT_KEYS = 4;

/** `redacted`: the analysis was merged from redacted summaries (--redact-keys), its key text keyed hashes already. */
export function buildReport({ analyzer: a, inputs }: AnalysisResult, plan?: Proposals, topology?: KnownTopology, warnings: string[] = [], redacted?: Redaction): Report {
  const commands: Record<string, CommandReport> = {};
  const order = a.table.all.filter((c) => a.calls[c.id] > 0).sort((x, y) => a.calls[y.id] - a.calls[x.id] || x.name.localeCompare(y.name));
  for (const c of order) {
    const entry: CommandReport = { calls: a.calls[c.id], keyed: a.keyed[c.id], crossSlot: a.crossSlot[c.id] };
    const ex = a.crossSlotExample[c.id];
    if (ex) entry.example = ex;
    commands[c.name.replace('|', ' ')] = entry;
  }
  const unknownCommands = Object.fromEntries([...a.unknownCommands].sort((x, y) => y[1] - x[1]));
  if (a.unknownOther > 0) unknownCommands['(other)'] = a.unknownOther;

  const keysPerSlot = Array.from({ length: SLOT_COUNT }, (_, s) => a.keys.inSlot(s));
  const topKeys = a.runTopKeys();
  const nodes: Record<string, NodeReport> = {};
  for (const [name, n] of a.nodes) {
    const keys = Array.from({ length: SLOT_COUNT }, (_, s) => n.keysInSlot(s));
    nodes[name] = {
      commands: n.commands,
      scriptCommands: n.scriptCommands,
      keyedCommands: n.keyedCommands,
      crossSlotCommands: n.crossSlotCommands,
      keys: sum(keys),
      ops: sum(n.ops),
      bytes: sum(n.bytes),
      slots: { keys, ops: Array.from(n.ops), ...(a.hasBytes ? { bytes: Array.from(n.bytes) } : {}) },
      ...(n.span.empty ? {} : { timeSpan: timeSpanReport(n.span) }),
    };
  }

  // A finding of keys (nonzero-db) counts dumped keys as well as commands: its share is of what the inputs hold.
  const keysOf: FindingReport['of'] = a.keyRecords === 0 ? 'commands' : a.commands === 0 ? 'keys' : 'commands and keys';
  const population = { commands: a.commands, transactions: a.transactions.total, 'script calls': a.scripts.calls, keys: a.keyRecords, 'commands and keys': a.commands + a.keyRecords };
  const findings: FindingReport[] = [...a.findings.tallies]
    .map(([id, t]) => {
      const def = FINDING_DEFS[id];
      const defOf = (def as FindingDef).of;
      const of: FindingReport['of'] = defOf === 'commands and keys' ? keysOf : defOf ?? 'commands';
      const f: FindingReport = { id, severity: def.severity, fix: plan?.fixKinds[id] ?? def.fix, count: t.count, share: population[of] ? t.count / population[of] : 0, of, message: def.message, patterns: byCount(t.patterns) };
      if (t.example) f.example = t.example;
      return f;
    })
    .sort((x, y) => SEVERITY_ORDER[x.severity] - SEVERITY_ORDER[y.severity] || y.count - x.count);
  const span = new TimeSpan();
  for (const n of a.nodes.values()) span.merge(n.span);
  const inCrossSlotTx: Record<string, number> = {};
  for (const c of a.table.all) if (a.transactions.queuedInCrossSlot[c.id] > 0) inCrossSlotTx[c.name.replace('|', ' ')] = a.transactions.queuedInCrossSlot[c.id];

  return {
    schema: REPORT_SCHEMA,
    generator: { name: 'slotscope', keySpecsFrom: `redis ${KEY_SPECS_REDIS_VERSION}` },
    verdict: computeVerdict(a.findings, plan ? (id) => plan.fixKinds[id] ?? FINDING_DEFS[id].fix : undefined),
    target: { id: a.target.id, label: a.target.label },
    findings,
    redis8IncompatibleOps: a.redis8.ops,
    inputs: inputs.map((s) => ({
      ...inputCounts(s),
      skipped: { count: s.skippedCount, byReason: Object.fromEntries(s.skippedByReason), first: s.firstSkipped },
      ...(s.replicationLines > 0 ? { replicationLines: s.replicationLines, replicationFrom: s.replicationFrom } : {}),
    })),
    totals: {
      commands: a.commands,
      scriptCommands: a.scriptCommands,
      keyedCommands: a.keyedCommands,
      distinctKeys: sum(keysPerSlot),
      distinctKeysExact: a.keys.exact,
      crossSlotCommands: a.crossSlotCommands,
      transactions: a.transactions.total,
      crossSlotTransactions: a.transactions.crossSlot,
      scriptCalls: a.scripts.calls,
      crossSlotScripts: a.scripts.crossSlot,
      keyRecords: a.keyRecords,
      bytes: sum(a.bytes),
      skippedLines: inputs.reduce((t, s) => t + s.skippedCount, 0),
    },
    commands,
    unknownCommands,
    slots: { keys: keysPerSlot, ops: Array.from(a.ops), ...(a.hasBytes ? { bytes: Array.from(a.bytes) } : {}) },
    skew: skew(a.ops, a.runSlotKeys(), topKeys),
    nodes,
    transactions: { total: a.transactions.total, crossSlot: a.transactions.crossSlot, commandsInCrossSlot: byCount(new Map(Object.entries(inCrossSlotTx))) },
    scripts: [...a.scripts.scripts.values()].sort((x, y) => y.crossSlot + y.undeclared - (x.crossSlot + x.undeclared) || y.calls - x.calls),
    dbs: Object.fromEntries([...a.dbs].sort((x, y) => x[0] - y[0]).map(([db, d]) => [String(db), { commands: d.commands, ...(d.keys > 0 ? { keys: d.keys } : {}), patterns: byCount(d.patterns) }])),
    ...(plan ? { planSummary: { ...summary(plan), ...(topology?.primaries.length ? {} : { layout: plannedLayout(a) }) } } : {}),
    ...(topology && topology.mode === 'cluster' && topology.primaries.length > 0 ? { topology: topologyReport(topology, a.ops, keysPerSlot, a.hasBytes ? a.bytes : undefined) } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(span.empty ? {} : { timeSpan: timeSpanReport(span) }),
    ...(a.keyedCommands > 0 ? { topKeys: { counters: topKeys.capacity, keys: topKeys.top(TOP_KEYS).map((k) => ({ ...k, key: printable(k.key) })) } } : {}),
    ...(a.hasBytes ? { biggestKeys: a.biggestKeys.keys().map((k) => ({ ...k, key: printable(k.key) })) } : {}),
    ...(redacted ? { redacted: { secret: redacted.secret } } : {}),
  };
}

function topologyReport(t: KnownTopology, ops: Float64Array, keys: number[], bytes: Float64Array | undefined): TopologyReport {
  return {
    mode: t.mode,
    primaries: primaryLoads(t.primaries, ops, keys, bytes),
    evenSplit: evenSplitLoads(t.primaries.length, ops, keys, bytes),
    ...(t.slotsMoved?.length ? { slotsMoved: t.slotsMoved } : {}),
    ...(t.failovers?.length ? { failovers: t.failovers } : {}),
  };
}

function plannedLayout(a: AnalysisResult['analyzer']): NonNullable<PlanSummaryReport['layout']> {
  const keys = Array.from({ length: SLOT_COUNT }, (_, s) => a.keys.inSlot(s));
  const l = planLayout({ ops: a.ops, scriptOps: a.scriptOps, keys, bytes: a.hasBytes ? a.bytes : undefined, topKeys: () => [] }, { shards: PLAN_DEFAULTS.shards, maxSkew: PLAN_DEFAULTS.maxSkew });
  return { shards: l.shards, nodes: l.after.nodes.map((n) => ({ node: n.node, ranges: n.ranges, opsShare: n.opsShare })), skewBefore: l.before.skew.ops, skewAfter: l.after.skew.ops };
}

function summary(p: Proposals): PlanSummaryReport {
  return {
    sampledPerKind: SUMMARY_SAMPLE,
    renames: p.proposals.map((r) => ({ tag: `{${r.tag}}`, from: r.rules.map((x) => x.from), fixes: { commands: r.fixes.command, transactions: r.fixes.transaction, scripts: r.fixes.script } })),
    unfixable: p.unfixable.map((u) => ({ kind: u.kind, ...(u.command ? { command: u.command } : {}), patterns: u.patterns, count: u.count })),
  };
}

const SEVERITY_ORDER: Record<Severity, number> = { blocker: 0, warning: 1, info: 2 };

function byCount(m: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...m].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])));
}

function timeSpanReport(t: TimeSpan): TimeSpanReport {
  const iso = (micros: number): string => new Date(Math.floor(micros / 1000)).toISOString().replace('Z', `${String(Math.round(micros % 1000)).padStart(3, '0')}Z`);
  return { first: iso(t.firstMicros!), last: iso(t.lastMicros!), seconds: t.seconds, commands: t.commands, commandsPerSecond: t.perSecond };
}

/**
 * A hot slot's keys: the per-slot sketch's, then the top-keys sketch's for a slot that stood out late. A key
 * is known by its fingerprint: redacted, two keys' names may read alike.
 */
function hotSlotKeys(slot: number, slotOps: number, slotKeys: SlotKeys, inSlot: Map<number, TrackedKey[]>): SlotKeyCount[] {
  const keys = slotKeys.tracked(slot);
  for (const k of inSlot.get(slot) ?? []) {
    // An upper bound, but no key has more ops than its slot.
    const ops = Math.min(k.ops, slotOps);
    const seen = keys.find((x) => x.high === k.high && x.low === k.low);
    if (seen) seen.ops = Math.max(seen.ops, ops);
    else keys.push({ key: k.key, ops, high: k.high, low: k.low });
  }
  return keys.sort((x, y) => y.ops - x.ops || (x.key < y.key ? -1 : 1)).slice(0, HOT_SLOT_KEYS);
}

function skew(ops: Float64Array, slotKeys: SlotKeys, topKeys: TopKeys): SlotSkew {
  const total = sum(ops);
  let max = 0;
  let active = 0;
  for (const v of ops) {
    if (v > max) max = v;
    if (v > 0) active++;
  }
  const inSlot = new Map<number, TrackedKey[]>();
  for (const k of topKeys.tracked(topKeys.capacity)) inSlot.set(k.slot, [...(inSlot.get(k.slot) ?? []), k]);
  const hot = [...ops.keys()]
    .filter((s) => ops[s] > 0)
    .sort((x, y) => ops[y] - ops[x] || x - y)
    .slice(0, HOT_SLOTS)
    .map((slot) => ({ slot, ops: ops[slot], share: total ? ops[slot] / total : 0, keys: hotSlotKeys(slot, ops[slot], slotKeys, inSlot).map((k) => ({ key: printable(k.key), ops: k.ops })) }));
  return { maxOps: max, meanOps: total / SLOT_COUNT, activeSlots: active, hotSlots: hot };
}

function sum(values: ArrayLike<number>): number {
  let t = 0;
  for (let i = 0; i < values.length; i++) t += values[i];
  return t;
}
