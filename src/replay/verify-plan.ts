// `slotscope verify`: replays captures with a plan's changes (client prefix changes, then key renames)
// into a real cluster, predicts from the same changed stream and that cluster's own slot map what it will
// refuse, and compares line by line. It writes only to the cluster it is given (replay-policy.ts), and
// refuses a node that is not in cluster mode, or a cluster that holds data, unless forced.
import { readFileSync } from 'node:fs';
import { CommandTable } from '../commands/command-table.js';
import { InputError } from '../ingest/input-error.js';
import type { InputStats } from '../ingest/input-stats.js';
import type { InputSpec } from '../ingest/read-input.js';
import { PLAN_SCHEMA, type Plan } from '../plan/make-plan.js';
import { type PrefixChange, PrefixRewriter } from '../plan/prefix-rewrite.js';
import { Renamer } from '../plan/renames.js';
import { memoize } from '../analyze/memoize.js';
import { NO_REPLY, replayStream, type ReplayResult } from './cluster-replay.js';
import { type ClusterTopology, readTopology } from './cluster-topology.js';
import { emptyOutcomes, lineId, type LineId, type Outcomes, predictReplay } from './predict-replay.js';
import { readReplayStream, type ReplayStream, type StreamCommand } from './replay-stream.js';
import { SCRIPT_CALLS } from '../commands/script-calls.js';
import { connect } from '../live/discover.js';
import { unlessRefused } from '../live/refusal.js';
import { address, type RedisEndpoint } from '../live/connection-endpoint.js';
import { SLOT_COUNT } from '../slot/key-slot.js';

export type ClusterTarget = RedisEndpoint;

export const VERIFY_SCHEMA = 'slotscope.verify/1';

export interface VerifyRow {
  what: string;
  predicted: number;
  observed: number;
  /** The plan's own figure for this row, where it has one; it must equal the prediction over every line. */
  plan?: number;
  /** Of the prediction over every line, those on lines not replayed (see notReplayed). */
  notReplayed?: number;
  /** Predicted and observed on exactly the same lines, and the plan's figure right. */
  match: boolean;
}

/** A line predicted and observed differently; commands and keys only, never values. */
export interface VerifyDifference {
  what: string;
  node: string;
  line: number;
  command: string;
  keys: string[];
  predicted: boolean;
  observed: boolean;
}

export interface VerifyResult {
  schema: typeof VERIFY_SCHEMA;
  /** Client commands sent to the cluster. */
  replayed: number;
  primaries: number;
  rows: VerifyRow[];
  match: boolean;
  /** The first lines where prediction and cluster disagree. */
  differences: VerifyDifference[];
  /**
   * Script calls left out of the script rows: they read keys whose values the replay does not have (an
   * earlier refused command or failed script would have written them), so what they do depends on data.
   */
  unpredictable: { calls: number; failedInCluster: number; first: { node: string; line: number }[] };
  /** Client commands not sent (replay-policy.ts), by command name. */
  notReplayed: Record<string, number>;
  /** Capture lines that could not be read (neither replayed nor predicted). */
  skippedLines: number;
}

const ROWS: { key: keyof Outcomes; what: string; plan?: 'commands' | 'transactions'; script?: true }[] = [
  { key: 'crossSlotCommands', what: 'cross-slot commands (CROSSSLOT)', plan: 'commands' },
  { key: 'crossSlotTransactions', what: 'cross-slot transactions', plan: 'transactions' },
  { key: 'scriptCrossSlot', what: 'script calls refused CROSSSLOT (declared keys)', script: true },
  { key: 'scriptNonLocalKey', what: 'script calls failing on a non-local key', script: true },
  { key: 'scriptOtherSlot', what: 'script calls failing on a key in another slot (#! scripts, functions)', script: true },
  { key: 'unanswered', what: 'commands the cluster did not answer, or redirected (MOVED, ASK, TRYAGAIN, CLUSTERDOWN)' },
];

const MAX_DIFFERENCES = 10;
/** Answers that mean the slot map the replay routes by is no longer the cluster's. */
const REDIRECTS = new Set(['MOVED', 'ASK', 'TRYAGAIN', 'CLUSTERDOWN']);

export function readPlan(path: string): Plan {
  let plan: Plan;
  try {
    plan = JSON.parse(readFileSync(path, 'utf8')) as Plan;
  } catch (err) {
    throw new InputError(`cannot read the plan (${(err as NodeJS.ErrnoException).code ?? 'not JSON'})`, path);
  }
  if (plan?.schema !== PLAN_SCHEMA) throw new InputError(`not a plan: expected "schema": "${PLAN_SCHEMA}"`, path);
  // Its rules name hashes, which match no key: replaying with them would only report a wrong prediction.
  if (plan.redacted) throw new InputError('the plan was made with --redact-keys, so its renames match no real key; make it without --redact-keys to verify it', path);
  return plan;
}

/** The plan's client changes (absent in plans from before they existed); one verify cannot apply is an error. */
function clientChanges(plan: Plan, path: string): PrefixChange[] {
  const changes = (plan as Plan & { clientChanges?: unknown }).clientChanges ?? [];
  if (!Array.isArray(changes)) throw new InputError('"clientChanges" is not a list', path);
  for (const c of changes as Partial<PrefixChange>[]) {
    if (c?.kind !== 'prefix' || typeof c.from !== 'string' || typeof c.to !== 'string') throw new InputError(`a client change verify cannot apply: ${JSON.stringify(c?.kind ?? null)} (expected "prefix" with "from" and "to")`, path);
  }
  return changes as PrefixChange[];
}

/** The target's slot map, once it is known to be a cluster serving every slot and, unless forced, empty. */
async function targetTopology(target: ClusterTarget, force: boolean): Promise<ClusterTopology> {
  const redis = await connect(target);
  try {
    if (!/cluster_enabled:1/.test(await unlessRefused(target, target, redis.info('cluster')))) throw new InputError(`${address(target)} is not in cluster mode; refusing to replay into it`);
  } finally {
    redis.disconnect();
  }
  const topology = await readTopology(target);
  // A slot no node serves would fail every command on it for a reason that is not its keys.
  const served = topology.owner.reduce((n, o) => (o >= 0 ? n + 1 : n), 0);
  if (served < SLOT_COUNT) throw new InputError(`${address(target)}: the cluster serves ${served} of ${SLOT_COUNT} slots; verify needs every slot served`);
  if (force) return topology;
  for (const node of topology.primaries) {
    const r = await connect(target, node);
    try {
      const size = await unlessRefused(target, node, r.dbsize());
      if (size > 0) throw new InputError(`${address(node)} holds ${size} keys; verify writes the capture's commands, so give it an empty cluster or pass --force`);
    } finally {
      r.disconnect();
    }
  }
  return topology;
}

export interface VerifyOptions {
  force: boolean;
  /** Longest capture line read; longer ones are skipped and counted. */
  maxLineBytes?: number;
  /** Before each command is sent: how many were, of how many (for progress). */
  onReplay?: (sent: number, total: number) => void;
  /** Called with what was read of each input (its skipped lines, for stderr), before the cluster is touched. */
  onRead?: (inputs: readonly InputStats[]) => void;
}

export async function verifyPlan(specs: InputSpec[], plan: Plan, planPath: string, target: ClusterTarget, options: VerifyOptions): Promise<VerifyResult> {
  const renamer = new Renamer(plan.renames.flatMap((r) => r.rules));
  const prefixes = new PrefixRewriter(clientChanges(plan, planPath));
  // The captures first: a wrong input fails before the cluster is touched. Keys recur line to line: their renames are remembered.
  const stream = await readReplayStream(specs, { renameKey: renamer.rules.length > 0 ? memoize(100_000, renamer.apply) : undefined, prefixes: prefixes.empty ? undefined : prefixes }, new CommandTable(), { maxLineBytes: options.maxLineBytes });
  options.onRead?.(stream.inputs);
  const total = stream.commands.filter((c) => c.replayed).length;
  // Nothing sent, nothing compared: a match would be no evidence at all.
  if (total === 0) {
    const skipped = stream.inputs.reduce((t, i) => t + i.skippedCount, 0);
    const notSent = [...stream.notReplayed.values()].reduce((t, n) => t + n, 0);
    throw new InputError(`no command to replay (${skipped} lines skipped, ${notSent} commands not replayable): nothing to compare with the plan`, specs.map((s) => s.path).join(', '));
  }
  const topology = await targetTopology(target, options.force);
  const replay = await replayStream(stream, topology, options.onReplay && ((sent) => options.onReplay!(sent, total)));
  return compare(stream, topology, predictReplay(stream, topology), observe(stream, replay), replay, plan);
}

/** What the cluster answered, sorted into the same rows as the prediction. */
export function observe(stream: ReplayStream, replay: ReplayResult): Outcomes {
  const out = emptyOutcomes();
  const byLine = commandsByLine(stream);
  for (const r of replay.commands) {
    const id = lineId(r.node, r.line);
    const script = SCRIPT_CALLS.has(byLine.get(id)?.cmd?.name ?? '');
    if (r.reply === NO_REPLY || (!r.queued && REDIRECTS.has(r.reply))) out.unanswered.add(id);
    else if (r.reply === 'CROSSSLOT') {
      out.crossSlotCommands.add(id);
      if (script) out.scriptCrossSlot.add(id);
    } else if (/Script attempted to access a non local key/.test(r.message ?? '')) out.scriptNonLocalKey.add(id);
    else if (/Script attempted to access keys that do not hash to the same slot/.test(r.message ?? '')) out.scriptOtherSlot.add(id);
  }
  for (const t of replay.transactions) if (t.crossSlot) out.crossSlotTransactions.add(lineId(t.node, t.execLine));
  return out;
}

function commandsByLine(stream: ReplayStream): Map<LineId, StreamCommand> {
  const out = new Map<LineId, StreamCommand>();
  for (const c of stream.commands) if (!c.lua) out.set(lineId(c.node, c.line), c);
  return out;
}

function compare(stream: ReplayStream, topology: ClusterTopology, prediction: ReturnType<typeof predictReplay>, observed: Outcomes, replay: ReplayResult, plan: Plan): VerifyResult {
  const byLine = commandsByLine(stream);
  const differences: VerifyDifference[] = [];
  const { unpredictable } = prediction;
  const rows = ROWS.map(({ key, what, plan: planKey, script }): VerifyRow => {
    const compared = (ids: Set<LineId>): Set<LineId> => (script ? new Set([...ids].filter((id) => !unpredictable.has(id))) : ids);
    const p = compared(prediction.replayed[key]);
    const o = compared(observed[key]);
    const differing = [...[...p].filter((id) => !o.has(id)), ...[...o].filter((id) => !p.has(id))];
    for (const id of differing) {
      const c = byLine.get(id)!;
      const { command, keys } = key === 'crossSlotTransactions' ? block(stream, replay, c) : { command: c.cmd?.name ?? '', keys: keysOf(c) };
      differences.push({ what, node: c.node, line: c.line, command, keys, predicted: p.has(id), observed: o.has(id) });
    }
    const row: VerifyRow = { what, predicted: p.size, observed: o.size, match: differing.length === 0 };
    if (planKey) {
      const overAll = prediction.all[planKey];
      row.plan = plan.predicted.after[planKey];
      if (overAll !== p.size) row.notReplayed = overAll - p.size;
      row.match &&= row.plan === overAll;
    }
    return row;
  });
  differences.sort((a, b) => a.line - b.line);
  differences.length = Math.min(differences.length, MAX_DIFFERENCES);
  return {
    schema: VERIFY_SCHEMA,
    replayed: stream.commands.filter((c) => c.replayed).length,
    primaries: topology.primaries.length,
    rows,
    match: rows.every((r) => r.match),
    differences,
    unpredictable: {
      calls: unpredictable.size,
      failedInCluster: [...unpredictable].filter((id) => observed.scriptCrossSlot.has(id) || observed.scriptNonLocalKey.has(id) || observed.scriptOtherSlot.has(id)).length,
      first: [...unpredictable].slice(0, MAX_DIFFERENCES).map((id) => byLine.get(id)!).map((c) => ({ node: c.node, line: c.line })),
    },
    notReplayed: replay.notReplayed,
    skippedLines: stream.inputs.reduce((t, i) => t + i.skippedCount, 0),
  };
}

const keysOf = (c: StreamCommand): string[] => c.keys.map((k) => c.args[k].toString('latin1'));

/** A MULTI block named by its EXEC line: `multi…exec` from its MULTI line, with the keys it queued. */
function block(stream: ReplayStream, replay: ReplayResult, exec: StreamCommand): { command: string; keys: string[] } {
  const multiLine = replay.transactions.find((t) => t.node === exec.node && t.execLine === exec.line)?.multiLine ?? exec.line;
  const keys = stream.commands.filter((c) => !c.lua && c.node === exec.node && c.client === exec.client && c.line > multiLine && c.line < exec.line).flatMap(keysOf);
  return { command: `multi…exec (from line ${multiLine})`, keys: [...new Set(keys)] };
}
