// `slotscope verify`: replays captures with a plan's renames into a real cluster and compares what the
// cluster refuses with what the plan predicted. It writes only to the cluster it is given, and refuses
// a node that is not in cluster mode, or a cluster that holds data, unless forced.
import { readFileSync } from 'node:fs';
import { InputError } from '../ingest/input-error.js';
import type { InputSpec } from '../ingest/read-input.js';
import { PLAN_SCHEMA, type CrossSlotCounts, type Plan } from '../plan/make-plan.js';
import { PrefixRewriter } from '../plan/prefix-rewrite.js';
import { Renamer } from '../plan/renames.js';
import { replayCapture } from './cluster-replay.js';
import { readTopology } from './cluster-topology.js';
import { connect } from '../live/discover.js';
import { address, type RedisEndpoint } from '../live/redis-url.js';

export type ClusterTarget = RedisEndpoint;

export interface VerifyResult {
  replayed: number;
  observed: CrossSlotCounts;
  predicted: CrossSlotCounts;
  /** Commands and transactions refused for their slots, exactly as predicted. */
  matchesPrediction: boolean;
  note: string;
}

export function readPlan(path: string): Plan {
  let plan: Plan;
  try {
    plan = JSON.parse(readFileSync(path, 'utf8')) as Plan;
  } catch (err) {
    throw new InputError(`cannot read the plan (${(err as NodeJS.ErrnoException).code ?? 'not JSON'})`, path);
  }
  if (plan?.schema !== PLAN_SCHEMA) throw new InputError(`not a plan: expected "schema": "${PLAN_SCHEMA}"`, path);
  return plan;
}

async function checkTarget(target: ClusterTarget, force: boolean): Promise<void> {
  const redis = await connect(target);
  try {
    if (!/cluster_enabled:1/.test(await redis.info('cluster'))) throw new InputError(`${address(target)} is not in cluster mode; refusing to replay into it`);
  } finally {
    redis.disconnect();
  }
  if (force) return;
  const topology = await readTopology(target);
  for (const node of topology.primaries) {
    const r = await connect(target, node);
    try {
      const size = await r.dbsize();
      if (size > 0) throw new InputError(`${address(node)} holds ${size} keys; verify writes the capture's commands, so give it an empty cluster or pass --force`);
    } finally {
      r.disconnect();
    }
  }
}

export async function verifyPlan(specs: InputSpec[], plan: Plan, target: ClusterTarget, options: { force: boolean }): Promise<VerifyResult> {
  await checkTarget(target, options.force);
  const topology = await readTopology(target);
  const renamer = new Renamer(plan.renames.flatMap((r) => r.rules));
  const prefixes = new PrefixRewriter(plan.clientChanges ?? []);
  const observed: CrossSlotCounts = { commands: 0, transactions: 0, scripts: 0 };
  let replayed = 0;
  for (const spec of specs) {
    const r = await replayCapture(spec, topology, { renameKey: (k) => renamer.rename(k), rewriteArg: (a) => prefixes.rewrite(a) });
    replayed += r.commands.length;
    observed.commands += r.commands.filter((c) => c.reply === 'CROSSSLOT').length;
    observed.transactions += r.transactions.filter((t) => t.crossSlot).length;
    observed.scripts += r.commands.filter((c) => /Script attempted to access/.test(c.message ?? '')).length;
  }
  const predicted = plan.predicted.after;
  return {
    replayed,
    observed,
    predicted,
    matchesPrediction: observed.commands === predicted.commands && observed.transactions === predicted.transactions,
    note: 'scripts: the plan counts every call whose keys span slots; a cluster fails a plain EVAL only when a key lives on another node, so observed script failures are at most the prediction.',
  };
}
