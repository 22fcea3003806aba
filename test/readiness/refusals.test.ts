// The refusal rules beyond CROSSSLOT, proved on a real cluster: samples/readiness-traffic.ts (ioredis:
// defineCommand scripts, a function library, SORT with BY/GET, COPY ... DB, MOVE, SWAPDB, WATCH + MULTI)
// and a BullMQ queue under the hash-tagged prefix {bq} are captured on a standalone server with
// redis-cli MONITOR and replayed per connection into a real 3-primary redis-server 7.0.15 cluster. What
// the analysis calls refused must be exactly what the cluster refused, line by line; judged for another
// version (redis-8), the SORT lines disagree.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingId } from '../../src/analyze/findings.js';
import { analyzeInputs } from '../../src/analyze/analyze-inputs.js';
import type { ScriptCallEnd } from '../../src/analyze/scripts.js';
import { findTarget } from '../../src/analyze/targets.js';
import { buildReport } from '../../src/report/report.js';
import { type ClusterTopology, readTopology } from '../../src/replay/cluster-topology.js';
import { type ReplayedCommand, type ReplayResult, replayCapture } from '../../src/replay/cluster-replay.js';
import { LIBRARY, readinessTraffic } from '../../samples/readiness-traffic.js';
import { captureTraffic, type RedisCluster, type RedisServer, startCluster, startRedis } from '../helpers/redis.js';

/** The error texts of redis-server 7.0.15 in cluster mode for what it refuses. */
const REFUSED = /not allowed in cluster mode|denied in Cluster mode|no-cluster|Copying to another database|non local key|do not hash to the same slot/;

/** A BullMQ queue and worker under a hash-tagged prefix: its scripts build undeclared keys, all in one slot. */
async function taggedQueue(port: number): Promise<void> {
  const connection = { host: '127.0.0.1', port };
  const queue = new Queue('emails', { connection, prefix: '{bq}' });
  for (let i = 0; i < 3; i++) await queue.add('send', { to: `user${i}` });
  let done = 0;
  const worker = new Worker('emails', async () => {
    done++;
  }, { connection, prefix: '{bq}' });
  while (done < 3) await new Promise((r) => setTimeout(r, 20));
  await worker.close();
  await queue.close();
}

function clusterRefused(r: ReplayedCommand): boolean {
  return r.reply === 'CROSSSLOT' || REFUSED.test(r.message ?? '');
}

describe('refusal rules against a real 3-primary cluster', () => {
  let standalone: RedisServer;
  let cluster: RedisCluster;
  let capture: string;
  let topology: ClusterTopology;
  let replay: ReplayResult;

  beforeAll(async () => {
    [standalone, cluster] = await Promise.all([startRedis(), startCluster(3)]);
    capture = await captureTraffic(standalone, async () => {
      await readinessTraffic(standalone.port);
      await taggedQueue(standalone.port);
    });
    topology = await readTopology({ host: '127.0.0.1', port: cluster.primaries[0].port });
    // A cluster does not copy a library between primaries: each gets it, as a deploy would load it.
    for (const p of cluster.primaries) {
      const c = new Redis({ host: '127.0.0.1', port: p.port });
      await c.function('LOAD', 'REPLACE', LIBRARY);
      c.disconnect();
    }
    replay = await replayCapture({ path: capture, node: 'app' }, topology);
  });

  afterAll(async () => {
    await Promise.all([standalone?.stop(), cluster?.stop()]);
  });

  /** The lines the analysis says the cluster refuses, for a target. */
  async function refusedLines(target: string) {
    const lines = new Map<number, string>();
    const scripts: ScriptCallEnd[] = [];
    const result = await analyzeInputs([{ path: capture, node: 'app' }], {
      target: findTarget(target),
      observer: {
        command: (_n, line, cross) => cross && lines.set(line, 'cross-slot'),
        refusal: (_n, line, id: FindingId) => lines.set(line, id),
        scriptCall: (s) => scripts.push(s),
      },
    });
    for (const s of scripts) {
      const routed = s.declaredSlots.length ? topology.owner[s.declaredSlots[0]] : 0;
      if (s.noCluster || s.declaredCrossSlot || s.commandCrossSlot || (s.strict && s.slots.length > 1) || s.slots.some((slot) => topology.owner[slot] !== routed)) lines.set(s.line, lines.get(s.line) ?? 'script');
    }
    return { lines, scripts, report: buildReport(result) };
  }

  function disagreements(predicted: Map<number, string>): string[] {
    const out: string[] = [];
    for (const r of replay.commands) {
      if (r.reply === 'NOSCRIPT') continue; // ioredis's first EVALSHA of a script: it never ran
      const refused = clusterRefused(r);
      if (predicted.has(r.line) !== refused) out.push(`line ${r.line}: analysis ${predicted.get(r.line) ?? 'accepted'}, cluster ${r.reply} ${r.message ?? ''}`);
    }
    return out;
  }

  it('calls refused exactly what the cluster refused, for the cluster it is (redis-7.0)', async () => {
    const { lines, scripts, report } = await refusedLines('redis-7.0');
    expect(disagreements(lines)).toEqual([]);
    const refused = replay.commands.filter(clusterRefused);
    expect(refused.length).toBeGreaterThanOrEqual(12);
    const kinds = new Set(lines.values());
    for (const id of ['sort-pattern-refused', 'move-swapdb', 'cross-slot'] as const) expect(kinds).toContain(id);
    const count = (id: string) => report.findings.find((f) => f.id === id)?.count;
    expect(count('sort-pattern-refused')).toBe(5);
    expect(count('move-swapdb')).toBe(4); // COPY ... DB 1, MOVE, two SWAPDB
    expect(count('no-cluster-script')).toBe(2); // the function and the #! script
    expect(count('watch-cross-slot')).toBe(1);
    // The {bq} queue's scripts touch keys they were not given, in their declared keys' slot: the cluster ran them.
    expect(count('script-undeclared-same-slot')).toBeGreaterThanOrEqual(3);
    const bq = report.findings.find((f) => f.id === 'script-undeclared-same-slot')!;
    expect(Object.keys(bq.patterns).every((p) => p.startsWith('{bq}:emails'))).toBe(true);
    const elsewhere = report.findings.find((f) => f.id === 'script-undeclared-keys')!;
    expect(Object.keys(elsewhere.patterns).some((p) => p.startsWith('{bq}'))).toBe(false);
    const sameSlot = scripts.filter((x) => x.undeclaredKeys.length > 0 && !x.undeclaredElsewhere);
    const ran = sameSlot.map((x) => replay.commands.find((r) => r.line === x.line)?.reply).filter((reply) => reply === 'ok');
    expect(ran.length).toBeGreaterThanOrEqual(3);
    expect(report.verdict.status).toBe('blocked');
  });

  it('disagrees with the 7.0 cluster on exactly the SORT patterns Redis 8 allows when judged for redis-8', async () => {
    const { lines } = await refusedLines('redis-8');
    const found = disagreements(lines);
    expect(found).toHaveLength(3);
    for (const d of found) expect(d).toMatch(/analysis accepted, cluster ERR .*(BY|GET) option of SORT denied in Cluster mode\./);
  });
});
