// BullMQ queues that no job links get a braced queue name each (one slot per queue), found in a capture of
// real BullMQ traffic; the second pass, with the names changed in every argument, leaves nothing cross-slot,
// and a real cluster agrees when the BullMQ sample is replayed with the plan.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_OPTIONS, makePlan, type Plan } from '../../src/plan/make-plan.js';
import type { VerifyResult } from '../../src/replay/verify-plan.js';
import { slotscope } from '../helpers/cli.js';
import { captureTraffic, type RedisCluster, type RedisServer, startCluster, startRedis } from '../helpers/redis.js';

describe('client changes for independent queues', () => {
  let server: RedisServer;
  let plan: Plan;
  beforeAll(async () => {
    server = await startRedis();
    const file = await captureTraffic(server, async () => {
      const connection = { host: '127.0.0.1', port: server.port };
      let done = 0;
      const queues = ['mail', 'thumbs'].map((name) => new Queue(name, { connection }));
      for (const q of queues) for (let i = 0; i < 3; i++) await q.add('job', { i });
      const workers = ['mail', 'thumbs'].map((name) => new Worker(name, async () => void done++, { connection }));
      while (done < 6) await new Promise((r) => setTimeout(r, 20));
      for (const w of workers) await w.close();
      for (const q of queues) await q.close();
    });
    plan = await makePlan([{ path: file, node: 'jobs' }], DEFAULT_PLAN_OPTIONS);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('braces each queue name, with a snippet and a hotspot of its own', () => {
    expect(plan.clientChanges.map((c) => [c.from, c.to, c.option])).toEqual([
      ['bull:mail:', 'bull:{mail}:', "queue name '{mail}'"],
      ['bull:thumbs:', 'bull:{thumbs}:', "queue name '{thumbs}'"],
    ]);
    expect(plan.clientChanges[0].snippet).toContain("new Worker('{mail}', processor, { connection });");
    const spots = plan.clientChanges.map((c) => c.hotspot);
    expect(spots[0].slot).not.toBe(spots[1].slot);
    expect(spots[0].opsShare + spots[1].opsShare).toBeCloseTo(1, 9);
    expect(plan.renames).toEqual([]);
  });

  it('predicts no cross-slot script left once the names change', () => {
    expect(plan.predicted.before.scripts).toBeGreaterThan(0);
    expect(plan.predicted.after).toEqual({ commands: 0, transactions: 0, scripts: 0 });
  });
});

describe('the BullMQ sample replayed into a real cluster with the plan', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startCluster(3);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('is refused nothing, as the plan predicts, once the prefix is hash-tagged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slotscope-queues-'));
    const planFile = join(dir, 'plan.json');
    const made = slotscope(['plan', '-f', 'json', '-o', planFile, 'samples/queues.monitor']);
    expect(made.status).toBe(0);
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as Plan;
    expect(plan.clientChanges.map((c) => c.to)).toEqual(['{bull}:']);
    const r = slotscope(['verify', '-f', 'json', '--plan', planFile, '--cluster', `redis://127.0.0.1:${cluster.primaries[0].port}`, 'samples/queues.monitor']);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as VerifyResult;
    expect(result.replayed).toBeGreaterThan(50);
    expect(result.rows.map((row) => [row.what, row.observed])).toEqual(result.rows.map((row) => [row.what, 0]));
    expect(result.match).toBe(true);

    // Without the client change, the same replay is refused: the prefix is what fixes it.
    const bare = join(dir, 'bare.json');
    writeFileSync(bare, JSON.stringify({ ...plan, clientChanges: [] }));
    const again = slotscope(['verify', '-f', 'json', '--force', '--plan', bare, '--cluster', `redis://127.0.0.1:${cluster.primaries[0].port}`, 'samples/queues.monitor']);
    const without = JSON.parse(again.stdout) as VerifyResult;
    const refused = without.rows.reduce((t, row) => t + row.observed, 0);
    expect(refused).toBeGreaterThan(10);
  });
});
