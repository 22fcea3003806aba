// BullMQ queues that no job links get a braced queue name each (one slot per queue), found in a capture of
// real BullMQ traffic; the second pass, with the names changed in every argument, leaves nothing cross-slot.
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_OPTIONS, makePlan, type Plan } from '../../src/plan/make-plan.js';
import { captureTraffic, type RedisServer, startRedis } from '../helpers/redis.js';

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
