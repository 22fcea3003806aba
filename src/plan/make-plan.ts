// The migration plan, as its own pipeline: collect (pass 1: patterns, co-access shapes, library evidence)
// -> candidates -> choose (one tag per pattern; library families get client settings instead) -> pass 2
// (every change applied at once, re-analysed: what is fixed, what is left, the load per slot) -> costs ->
// layout -> advice -> runbook. Every figure comes from pass 2 or from pass 1's totals, never from a tag
// scored alone.
import { type AnalysisResult, analyzeInputs } from '../analyze/analyze-inputs.js';
import type { AnalysisObserver, KeyedCommand } from '../analyze/analyzer.js';
import { keyPattern } from '../analyze/key-pattern.js';
import type { Redaction } from '../analyze/redact-keys.js';
import { memoize } from '../analyze/memoize.js';
import { CommandTable } from '../commands/command-table.js';
import { copyOnceInputs } from '../ingest/input-copies.js';
import type { InputStats } from '../ingest/input-stats.js';
import type { InputSpec, ReadOptions } from '../ingest/read-input.js';
import { buildReport, type Report } from '../report/report.js';
import { adviceFor, type PlanUnfixable } from './advice.js';
import { fixableByRename, type Shape } from './candidates.js';
import { type ClientChange, clientSettings } from './client-changes.js';
import { distinctKeys, PlanCollector } from './collect.js';
import { type ConventionClash, conventionClashes } from './conventions.js';
import { coarseCost, type Hotspot, hotspot, totals } from './costs.js';
import { type CrossSlotCounts, noCounts } from './counts.js';
import { chooseTags } from './choose.js';
import { type PlanFixKinds, planFixKinds } from './fix-kinds.js';
import { type Layout, planLayout, type PrimaryLoad, primaryLoads } from './layout.js';
import { familyMatcher, type NamedLibrary, namedLibraries } from './library-keys.js';
import { hashTag, Renamer, type RenameRule } from './renames.js';
import { layoutScript } from './layout-script.js';
import { PLAN_DEFAULTS } from './plan-defaults.js';
import { ReadStats } from './read-stats.js';
import { type ReplicaReads, replicaReads } from './replica-reads.js';
import { runbook, type RunbookStep } from './runbook.js';
import { ChangeRewriter } from './second-pass.js';

export type { CrossSlotCounts } from './counts.js';
export type { PlanUnfixable } from './advice.js';
export type { ClientChange } from './client-changes.js';

export const PLAN_SCHEMA = 'slotscope.plan/2';

export interface PlanRename {
  tag: string;
  rules: RenameRule[];
  /** Cross-slot occurrences that pass 2, with every change applied, finds fixed and owes to this tag. */
  fixes: CrossSlotCounts;
  hotspot: Hotspot;
}

export interface PatternSummary {
  pattern: string;
  distinctKeys: number;
  reads: number;
  writes: number;
  opsShare: number;
  bytes: number;
  expiringShare: number;
  nodes: string[];
  dbs: number[];
}

export interface Plan {
  schema: typeof PLAN_SCHEMA;
  inputs: string[];
  /** Lines of the inputs that could not be read (a cut line, not a MONITOR line...): in no figure of the plan. */
  skippedLines: number;
  /** The ordered steps, each with its check. */
  runbook: RunbookStep[];
  patterns: PatternSummary[];
  renames: PlanRename[];
  /** Client-library settings (BullMQ's prefix): replayed by verify as PrefixRewriter changes. */
  clientChanges: ClientChange[];
  /** Naming conventions that would split one entity over several slots. */
  conventions: ConventionClash[];
  /** Other libraries whose keys were seen, with what to do about them. */
  libraries: NamedLibrary[];
  unfixable: PlanUnfixable[];
  /** The fix each cross-slot finding needs, judged by this plan. */
  fixKinds: PlanFixKinds;
  replicaReads: ReplicaReads;
  layout: Layout;
  /** Bash that applies the layout: ADDSLOTSRANGE for a new cluster, or the slot moves for today's primaries. */
  layoutScript: string;
  /** When the inputs came from a real cluster: its primaries, with their own slots, under the changed load. */
  today?: PrimaryLoad[];
  /**
   * Cross-slot occurrences before and after all changes (pass 2); `fixed` = what the changes fixed, `broken`
   * = what was single-slot before and is not after; `unattributed` = fixed without keys under any change.
   */
  predicted: { before: CrossSlotCounts; after: CrossSlotCounts; fixed: CrossSlotCounts; broken: CrossSlotCounts; unattributed: CrossSlotCounts };
  /** Other blockers and what to do about them. */
  otherChanges: { finding: string; count: number; change: string }[];
  /** Present when made with --redact-keys: key text is shown as keyed hashes, so the changes cannot be applied. */
  redacted?: Redaction;
}

export interface PlanOptions extends ReadOptions {
  shards: number;
  ownWriteWindowMs: number;
  maxSkew: number;
  /** Called once per distinct key of a SCAN dump or memory report that a rename applies to. */
  renameMap?: (oldKey: string, newKey: string) => void;
  /** The cluster the inputs came from, if known (a capture's manifest). */
  primaries?: { address: string; slots: [number, number][] }[];
  /** Called when an input starts, in pass 1 or pass 2 (for progress). */
  onInput?: (spec: InputSpec, index: number, pass: 1 | 2) => void;
  /** Called with what pass 1 read of each input (its skipped lines, for stderr). */
  onRead?: (inputs: readonly InputStats[]) => void;
  /** Called when stdin or a named pipe starts being copied for pass 2, then with the bytes copied so far (for progress). */
  onCopy?: (spec: InputSpec, index: number) => void;
  onCopyBytes?: (bytes: number) => void;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = { ...PLAN_DEFAULTS };

function counts(r: Report): CrossSlotCounts {
  return { commands: r.totals.crossSlotCommands, transactions: r.totals.crossSlotTransactions, scripts: r.totals.crossSlotScripts };
}

const OTHER_CHANGES: Record<string, string> = {
  'single-node-keyspace': 'Iterate every primary: per-node SCAN (ioredis: cluster.nodes("master")) instead of KEYS; DBSIZE/FLUSHDB per node.',
  'nonzero-db': 'Move each db into db 0 under a key prefix of its own (e.g. db1: -> "db1:..."), checking that no pattern collides.',
  'pubsub-broadcast': 'Use SPUBLISH/SSUBSCRIBE (sharded pub/sub, Redis 7) so a channel lives on one shard.',
  'move-swapdb': 'Replace MOVE/SWAPDB: a cluster has one db. Copy under a new prefix, or rename the key space.',
  'watch-cross-slot': 'WATCH keys under the same hash tag as the transaction they guard.',
};

export async function makePlan(specs: InputSpec[], options: PlanOptions = DEFAULT_PLAN_OPTIONS): Promise<Plan> {
  // Pass 2 reads every input again: stdin and named pipes, which give their bytes once, are kept on disk.
  const copies = await copyOnceInputs(specs, options.onCopy ?? (() => undefined), options.onCopyBytes ?? (() => undefined));
  try {
    return await planInputs(copies.specs, options);
  } finally {
    copies.remove();
  }
}

async function planInputs(specs: InputSpec[], options: PlanOptions): Promise<Plan> {
  // Pass 1.
  const collector = new PlanCollector({ maxPatterns: 5000 });
  const reads = new ReadStats({ windowMs: options.ownWriteWindowMs, maxPatterns: 5000 }, collector.patternCache);
  const collect = collector.observer();
  const keyed = collect.keyed!;
  let first: AnalysisResult | null = await analyzeInputs(specs, { ...options, onInput: (s, i) => options.onInput?.(s, i, 1), observer: { ...collect, keyed: (c: KeyedCommand) => (keyed(c), reads.add(c)) } }, (a) => collector.front(a));
  options.onRead?.(first.inputs);
  const before = buildReport(first);

  // Candidates, and the choice: library families get their client setting, the rest one tag per pattern.
  const shapes = collector.candidates.list();
  const families = collector.libraries.families();
  const familyOf = familyMatcher(families);
  const isLibrary = (s: Shape): boolean => families.length > 0 && [...s.patterns, ...s.undeclaredPatterns].every((p) => familyOf(p) !== null);
  const linked = new Set<string>();
  for (const s of shapes.filter(isLibrary)) {
    const queues = new Set(s.patterns.map((p) => familyOf(p)!));
    if (queues.size > 1) for (const q of queues) linked.add(q.prefix);
  }
  const settings = clientSettings(families, linked, collector.libraries.bullmqScriptBodies);
  const appShapes = shapes.filter((s) => !isLibrary(s));
  const touchesLibrary = (s: Shape): boolean => s.patterns.some((p) => familyOf(p) !== null);
  const choices = chooseTags(appShapes.filter((s) => !touchesLibrary(s)));
  const tags = choices.map((c) => c.tag);
  const renamer = new Renamer(choices.flatMap((c) => c.rules));

  // Pass 2: every change at once.
  const changeOfTag = new Map<string, number>(tags.map((t, i) => [t, i]));
  settings.forEach((c, j) => changeOfTag.set(hashTag(c.to), tags.length + j));
  const patternOf = memoize(100_000, keyPattern);
  const changesOf = (keys: readonly string[]): number[] => {
    const out: number[] = [];
    for (const k of keys) {
      const c = hashTag(k);
      const id = c ? (changeOfTag.get(c) ?? changeOfTag.get(patternOf(c))) : undefined;
      if (id !== undefined && !out.includes(id)) out.push(id);
    }
    return out;
  };
  const fixes = [...tags, ...settings].map(noCounts);
  const fixed = noCounts();
  const broken = noCounts();
  const unattributed = noCounts();
  const judge = (kind: keyof CrossSlotCounts, was: boolean, is: boolean, changes: () => readonly number[]): void => {
    if (!was && is) broken[kind]++;
    if (!was || is) return;
    fixed[kind]++;
    const c = changes();
    if (c.length === 0) unattributed[kind]++;
    else fixes[Math.min(...c)][kind]++;
  };
  const table = new CommandTable();
  let rewriter: ChangeRewriter | null = null;
  const { crossSlot } = collector;
  const observer: AnalysisObserver = {
    command: (node, line, is) => judge('commands', crossSlot.commands.has(node, line), is, () => rewriter!.lineChanges),
    transaction: (t) => judge('transactions', crossSlot.transactions.has(t.node, t.execLine), t.crossSlot, () => changesOf(t.keys)),
    scriptCall: (s) => judge('scripts', crossSlot.scripts.has(s.node, s.line), s.crossSlot, () => changesOf([...s.declaredKeys, ...s.touchedKeys])),
  };
  const changed = renamer.rules.length > 0 || settings.length > 0;
  // Pass 1's analysis goes before pass 2 reads: its distinct-key tables were 36 MiB of a 570 MiB peak on a wide capture.
  const skippedLines = first.inputs.reduce((t, i) => t + i.skippedCount, 0);
  const unchanged = changed ? null : first;
  first = null;
  const second = changed
    ? await analyzeInputs(specs, { ...options, onInput: (s, i) => options.onInput?.(s, i, 2), table, observer }, (a) => (rewriter = new ChangeRewriter(a, table, renamer, tags, settings, options.renameMap)))
    : unchanged!;
  const after = changed ? buildReport(second) : before;

  // Costs, on the proposed layout.
  const slotKeys = second.analyzer.runSlotKeys();
  const layout = planLayout(
    { ops: after.slots.ops, scriptOps: second.analyzer.scriptOps, keys: after.slots.keys, bytes: after.slots.bytes, topKeys: (s) => slotKeys.top(s) },
    { shards: options.shards, maxSkew: options.maxSkew, primaries: options.primaries },
  );
  const all = totals(collector.patterns);
  const spot = (i: number): Hotspot => hotspot(rewriter?.loads[i], all, layout);
  const renames: PlanRename[] = choices.map((c, i) => ({ tag: c.tag, rules: c.rules, fixes: fixes[i], hotspot: spot(i) }));
  const clientChanges: ClientChange[] = settings.map((c, j) => ({ ...c, hotspot: spot(tags.length + j), fixes: fixes[tags.length + j] }));

  const clusters = collector.candidates.atomic.clusters();
  const unfixable = appShapes
    .filter((s) => !fixableByRename(s) || touchesLibrary(s))
    .map((s) => adviceFor(s, s.coarse ? coarseCost(s.coarse, s.patterns, collector.patterns, all, options.shards) : undefined, clusters));

  const totalPatternOps = [...collector.patterns.values()].reduce((t, p) => t + p.reads + p.writes, 0);
  const patternsByDb = new Map<number, Set<string>>();
  for (const p of collector.patterns.values()) for (const db of p.dbs) (patternsByDb.get(db) ?? patternsByDb.set(db, new Set()).get(db)!).add(p.pattern);
  const conventions = conventionClashes(collector.patterns.keys());
  const otherChanges = before.findings.filter((f) => OTHER_CHANGES[f.id]).map((f) => ({ finding: f.id, count: f.count, change: OTHER_CHANGES[f.id] }));
  const predicted = { before: counts(before), after: counts(after), fixed, broken, unattributed };

  return {
    schema: PLAN_SCHEMA,
    inputs: specs.map((s) => s.path),
    skippedLines,
    runbook: runbook({
      clientChanges,
      unfixable,
      conventions,
      otherChanges,
      renames,
      dbs: new Map([...patternsByDb.keys()].map((db) => [db, collector.dbs.get(db) ?? null])),
      patternsByDb,
      after: predicted.after,
    }),
    patterns: [...collector.patterns.values()]
      .map((p) => ({
        pattern: p.pattern,
        distinctKeys: distinctKeys(p),
        reads: p.reads,
        writes: p.writes,
        opsShare: totalPatternOps ? (p.reads + p.writes) / totalPatternOps : 0,
        bytes: p.bytes,
        expiringShare: p.sizedKeys ? p.expiringKeys / p.sizedKeys : 0,
        nodes: [...p.nodes].sort(),
        dbs: [...p.dbs].sort((a, b) => a - b),
      }))
      .sort((a, b) => b.reads + b.writes - (a.reads + a.writes) || b.distinctKeys - a.distinctKeys),
    renames,
    clientChanges,
    conventions,
    libraries: namedLibraries(collector.patterns.keys()),
    unfixable,
    fixKinds: planFixKinds(shapes, isLibrary),
    replicaReads: replicaReads(reads.patterns.values(), reads.seconds, { minReadWriteRatio: 4, maxOwnWriteReadShare: 0.05, minReads: 10 }),
    layout,
    layoutScript: layoutScript(layout),
    ...(options.primaries?.length ? { today: primaryLoads(options.primaries, after.slots.ops, after.slots.keys, after.slots.bytes) } : {}),
    predicted,
    otherChanges,
  };
}
