// The migration plan, in two passes over the inputs: the first collects patterns and co-access groups
// and derives the renames; the second re-analyses everything with the renames applied, so the predicted
// cross-slot counts, the per-slot load and the hotspots are what the renamed workload would do.
import { analyzeInputs } from '../analyze/analyze-inputs.js';
import type { Redaction } from '../analyze/redact-keys.js';
import type { KeyedCommand } from '../analyze/analyzer.js';
import type { InputSpec, ReadOptions } from '../ingest/read-input.js';
import { buildReport, type Report } from '../report/report.js';
import { keySlot } from '../slot/key-slot.js';
import { distinctKeys, PlanCollector } from './collect.js';
import { type Layout, planLayout, type PrimaryLoad, primaryLoads } from './layout.js';
import { layoutScript } from './layout-script.js';
import { ReadStats } from './read-stats.js';
import type { Unfixable } from './propose.js';
import { Renamer, type RenameRule } from './renames.js';
import { type ReplicaReads, replicaReads } from './replica-reads.js';
import { TopK } from './top-k.js';

export const PLAN_SCHEMA = 'slotscope.plan/1';

export interface CrossSlotCounts {
  commands: number;
  transactions: number;
  scripts: number;
}

export interface PlanRename {
  tag: string;
  rules: RenameRule[];
  /** Cross-slot occurrences whose keys all fall under this tag. */
  fixes: CrossSlotCounts;
  /** The busiest entity under the tag after the renames: its share of all keyed ops, and its slot. */
  hotspot: { entity: string; ops: number; opsShare: number; nodeOpsShare: number };
}

export interface PlanUnfixable extends Omit<Unfixable, 'example'> {
  example: readonly string[];
  alternatives: string[];
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
  patterns: PatternSummary[];
  renames: PlanRename[];
  unfixable: PlanUnfixable[];
  replicaReads: ReplicaReads;
  layout: Layout;
  /** Bash that applies the layout: ADDSLOTSRANGE for a new cluster, or the slot moves for today's primaries. */
  layoutScript: string;
  /** When the inputs came from a real cluster: its primaries, with their own slots, under the renamed load. */
  today?: PrimaryLoad[];
  predicted: { before: CrossSlotCounts; after: CrossSlotCounts };
  /** Other blockers and what to do about them. */
  otherChanges: { finding: string; count: number; change: string }[];
  /** Present when made with --redact-keys: key text is shown as keyed hashes, so the renames cannot be applied. */
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
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = { shards: 3, ownWriteWindowMs: 100, maxSkew: 1.2 };

function counts(r: Report): CrossSlotCounts {
  return { commands: r.totals.crossSlotCommands, transactions: r.totals.crossSlotTransactions, scripts: r.totals.crossSlotScripts };
}

const OTHER_CHANGES: Record<string, string> = {
  'single-node-keyspace': 'Iterate every primary: per-node SCAN (ioredis: cluster.nodes("master")) instead of KEYS; DBSIZE/FLUSHDB per node.',
  'nonzero-db': 'Move each db into db 0 under a key prefix of its own (e.g. db1: -> "db1:..."), checking that no pattern collides.',
  'pubsub-broadcast': 'Use SPUBLISH/SSUBSCRIBE (sharded pub/sub, Redis 7) so a channel lives on one shard.',
  'move-swapdb': 'Replace MOVE/SWAPDB: a cluster has one db. Copy under a new prefix, or rename the key space.',
  'script-undeclared-keys': 'Pass every key a script touches in KEYS; a script that builds key names must build them under one hash tag.',
  'watch-cross-slot': 'WATCH keys under the same hash tag as the transaction they guard.',
};

export async function makePlan(specs: InputSpec[], options: PlanOptions = DEFAULT_PLAN_OPTIONS): Promise<Plan> {
  const collector = new PlanCollector({ maxPatterns: 5000 });
  const reads = new ReadStats({ windowMs: options.ownWriteWindowMs, maxPatterns: 5000 }, collector.patternOf);
  const collect = collector.observer();
  const keyed1 = collect.keyed!;
  const observer1 = {
    ...collect,
    keyed: (c: KeyedCommand) => {
      keyed1(c);
      reads.add(c);
    },
  };
  const pass1 = await analyzeInputs(specs, { ...options, observer: observer1 });
  const before = buildReport(pass1);
  const { proposals, unfixable } = collector.proposer.result();
  const renamer = new Renamer(proposals.flatMap((p) => p.rules));

  // Pass 2: the same inputs with the renames applied; hotspots per tag from the renamed keys. Without
  // renames it would only repeat pass 1.
  const hot = new Map(proposals.map((p) => [p.tag, new TopK(64)]));
  const mapped = new Set<string>(); // a key dumped from a primary and its replica is renamed once
  const afterResult =
    renamer.rules.length === 0
      ? pass1
      : await analyzeInputs(specs, {
            ...options,
            slotOf: renamer.slotOf,
            observer: {
              key: (k) => {
                if (!options.renameMap || mapped.has(k)) return;
                const renamed = renamer.rename(k);
                if (renamed === null) return;
                mapped.add(k);
                options.renameMap(k, renamed);
              },
              keyed: (c) => {
                if (c.fromScript) return;
                for (const k of new Set(c.keys)) {
                  const renamed = renamer.apply(k);
                  if (renamed) hot.get(renamed.rule.tag)!.add(renamed.to.slice(1, renamed.to.indexOf('}')));
                }
              },
            },
          });
  const after = afterResult === pass1 ? before : buildReport(afterResult);
  const layout = planLayout(
    { ops: after.slots.ops, scriptOps: afterResult.analyzer.scriptOps, keys: after.slots.keys, bytes: after.slots.bytes, topKeys: (s) => afterResult.analyzer.slotKeys.top(s) },
    { shards: options.shards, maxSkew: options.maxSkew, primaries: options.primaries },
  );
  const totalOps = after.slots.ops.reduce((t, v) => t + v, 0);
  const nodeOf = (entity: string): number => {
    const slot = keySlot(Buffer.from(entity, 'latin1'));
    return layout.nodes.findIndex((n) => slot >= n.from && slot <= n.to);
  };

  const renames: PlanRename[] = proposals.map((p) => {
    const [entity, ops] = hot.get(p.tag)!.top(1)[0] ?? ['', 0];
    const node = entity ? layout.nodes[nodeOf(entity)] : undefined;
    return {
      tag: p.tag,
      rules: p.rules,
      fixes: { commands: p.fixes.command, transactions: p.fixes.transaction, scripts: p.fixes.script },
      hotspot: { entity: entity ? `{${entity}}` : '', ops, opsShare: totalOps ? ops / totalOps : 0, nodeOpsShare: node?.opsShare ?? 0 },
    };
  });

  const totalPatternOps = [...collector.patterns.values()].reduce((t, p) => t + p.reads + p.writes, 0);

  return {
    schema: PLAN_SCHEMA,
    inputs: specs.map((s) => s.path),
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
    unfixable: unfixable.map((u) => ({ ...u, alternatives: alternatives(u, after) })),
    replicaReads: replicaReads(reads.patterns.values(), reads.seconds, { minReadWriteRatio: 4, maxOwnWriteReadShare: 0.05, minReads: 10 }),
    layout,
    layoutScript: layoutScript(layout),
    ...(options.primaries?.length ? { today: primaryLoads(options.primaries, after.slots.ops, after.slots.keys, after.slots.bytes) } : {}),
    predicted: { before: counts(before), after: counts(after) },
    otherChanges: before.findings.filter((f) => OTHER_CHANGES[f.id]).map((f) => ({ finding: f.id, count: f.count, change: OTHER_CHANGES[f.id] })),
  };
}

function alternatives(u: Unfixable, after: Report): string[] {
  if (u.buildsKeys) {
    return [
      `The script builds key names itself (from a prefix argument): renaming its arguments cannot help. Give the library a hash-tagged prefix so every key it builds shares a slot${u.coarseTag ? `, e.g. {${u.coarseTag}} (BullMQ: prefix '{bull}' or one per queue)` : ''}.`,
    ];
  }
  const out = ['Split the command per slot in the client (fan out one command per slot and merge the replies).'];
  if (u.coarseTag) {
    const share = after.totals.keyedCommands ? u.count / after.totals.keyedCommands : 0;
    out.push(`A coarse tag {${u.coarseTag}} would put every ${u.patterns.join(', ')} key in one slot: a hotspot carrying at least ${(100 * share).toFixed(1)}% of keyed commands (these calls alone), on one node.`);
  }
  out.push('Change the application so these keys are not used together, or are stored under one entity.');
  return out;
}
