// verify's prediction is exact for the target: traffic from real clients (ioredis, BullMQ) captured with
// redis-cli MONITOR, replayed into a real 3-primary cluster, and every row (commands, transactions, and
// script failures by kind) observed on exactly the predicted lines; a wrong plan fails it, naming the row.
import { FlowProducer, Queue, Worker } from 'bullmq';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/make-plan.js';
import type { VerifyResult } from '../../src/replay/verify-plan.js';
import { type CliResult, slotscope } from '../helpers/cli.js';
import { captureTraffic, type RedisCluster, type RedisServer, startCluster, startRedis } from '../helpers/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'slotscope-verify-exact-'));

const TRANSFER = "local v = redis.call('DECRBY', KEYS[1], ARGV[1]); redis.call('INCRBY', KEYS[2], ARGV[1]); return v";
const AUDIT = "redis.call('INCR', 'audit:counter'); return redis.call('GET', KEYS[1])";
const STRICT = "#!lua\nredis.call('INCR', 'audit:counter'); return redis.call('GET', KEYS[1])";
const LIBRARY = "#!lua name=stats\nredis.register_function('bump', function(keys, args) redis.call('INCR', keys[1]); return redis.call('INCR', 'audit:counter') end)";

/** Scripts of every kind a cluster fails, and ones it runs; the slots are those of a 3-primary cluster. */
async function scriptTraffic(server: RedisServer): Promise<void> {
  const c = server.client();
  await c.eval(TRANSFER, 2, 'acct:1', 'acct:2', 3); // declared keys in two slots: CROSSSLOT
  await c.eval(TRANSFER, 2, '{acct:9}:a', '{acct:9}:b', 3); // one slot: runs
  await c.eval(AUDIT, 1, 'page:1'); // audit:counter: another slot, same node: a plain EVAL gets away with it
  await c.eval(AUDIT, 1, 'acct:1'); // ... on another node: non local key
  await c.eval(STRICT, 1, 'page:1'); // #!: another slot even on one node
  await c.function('LOAD', LIBRARY);
  await c.fcall('bump', 1, 'page:1'); // a function: another slot on the same node
  await c.fcall('bump', 1, 'acct:2'); // ... on another node
  await c.multi().get('acct:1').eval(AUDIT, 1, 'acct:1').exec(); // one slot; the script fails inside EXEC
  await c.multi().get('page:1').eval(AUDIT, 1, 'acct:1').exec(); // two slots: refused, so the script never runs
  await c.eval("return redis.call('INCR', KEYS[1])", 1, 'counter:1'); // clean
  c.disconnect();
}

/** A BullMQ queue, worker and a parent/child flow with the default `bull:` prefix. */
async function bullmqTraffic(port: number): Promise<void> {
  const connection = { host: '127.0.0.1', port };
  const queue = new Queue('emails', { connection });
  for (let i = 0; i < 4; i++) await queue.add('send', { to: `user${i}` });
  const flows = new FlowProducer({ connection });
  await flows.add({ name: 'digest', queueName: 'emails', data: {}, children: [{ name: 'part', queueName: 'emails', data: { n: 1 } }] });
  let done = 0;
  const worker = new Worker('emails', async () => {
    done++;
  }, { connection });
  while (done < 6) await new Promise((r) => setTimeout(r, 20));
  await worker.close();
  await flows.close();
  await queue.close();
}

const rowOf = (r: VerifyResult, what: RegExp) => r.rows.find((x) => what.test(x.what))!;

/** The plan with no changes at all: its figures are then those of the capture as it is. */
const unchanged = (p: Plan): void => {
  p.renames = [];
  p.clientChanges = [];
  p.predicted.after = { ...p.predicted.before };
};

describe('verify against a real 3-primary cluster, exactly', () => {
  let cluster: RedisCluster;
  let source: RedisServer;
  let scripts: string;
  let bull: string;
  let url: string;

  const plan = (capture: string, edit: (p: Plan & { clientChanges?: unknown[] }) => void = () => {}): string => {
    const r = slotscope(['plan', '-f', 'json', capture]);
    expect(r.status).toBe(0);
    const p = JSON.parse(r.stdout) as Plan;
    edit(p);
    const file = join(dir, `plan-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(p));
    return file;
  };
  const verify = (planFile: string, capture: string): { r: CliResult; result: VerifyResult } => {
    const r = slotscope(['verify', '-f', 'json', '--plan', planFile, '--cluster', url, capture]);
    return { r, result: JSON.parse(r.stdout) as VerifyResult };
  };

  beforeAll(async () => {
    [cluster, source] = await Promise.all([startCluster(3), startRedis()]);
    url = `redis://127.0.0.1:${cluster.primaries[0].port}`;
    scripts = await captureTraffic(source, () => scriptTraffic(source));
    const s = source.client();
    await s.flushall();
    s.disconnect();
    bull = await captureTraffic(source, () => bullmqTraffic(source.port));
  });
  beforeEach(async () => {
    for (const p of cluster.primaries) {
      const c = p.client();
      await c.flushall();
      await c.function('FLUSH');
      c.disconnect();
    }
  });
  afterAll(async () => {
    await Promise.all([cluster?.stop(), source?.stop()]);
  });

  it('observes every kind of script failure on exactly the predicted calls', () => {
    const { r, result } = verify(plan(scripts, unchanged), scripts);
    expect(result.differences).toEqual([]);
    expect(result.unpredictable.calls).toBe(0);
    expect(rowOf(result, /refused CROSSSLOT/)).toMatchObject({ predicted: 1, observed: 1, match: true });
    expect(rowOf(result, /non-local/)).toMatchObject({ predicted: 3, observed: 3, match: true });
    expect(rowOf(result, /another slot/)).toMatchObject({ predicted: 2, observed: 2, match: true });
    expect(rowOf(result, /^cross-slot commands/)).toMatchObject({ predicted: 1, observed: 1, match: true });
    expect(rowOf(result, /^cross-slot transactions/)).toMatchObject({ predicted: 1, observed: 1, match: true });
    expect(r.status).toBe(0);
  });

  it('predicts a BullMQ capture with its default prefix exactly', () => {
    const { r, result } = verify(plan(bull, unchanged), bull);
    expect(result.differences).toEqual([]);
    for (const row of result.rows) expect(row.match).toBe(true);
    const failed = result.rows.filter((x) => /^script/.test(x.what)).reduce((t, x) => t + x.observed, 0);
    expect(failed).toBeGreaterThan(0);
    expect(r.status).toBe(0);
  });

  it("replays BullMQ with the prefix changed to {bull}: with nothing refused", () => {
    const file = plan(bull, (p) => {
      p.renames = [];
      // verify reads only the prefix change itself from a client change.
      p.clientChanges = [{ kind: 'prefix', library: 'bullmq', from: 'bull:', to: '{bull}:' } as Plan['clientChanges'][number]];
      p.predicted.after = { commands: 0, transactions: 0, scripts: 0 };
    });
    const { r, result } = verify(file, bull);
    expect(r.stderr).toMatch(/the cluster answered exactly as predicted/);
    for (const row of result.rows) expect(row).toMatchObject({ predicted: 0, observed: 0, match: true });
    expect(result.unpredictable.calls).toBe(0);
    expect(result.replayed).toBeGreaterThan(15);
    expect(r.status).toBe(0);
  });

  it('fails a plan whose figures are wrong, naming the row', () => {
    const tampered = plan(scripts, (p) => {
      unchanged(p);
      p.predicted.after.commands += 1;
    });
    const { r, result } = verify(tampered, scripts);
    expect(rowOf(result, /^cross-slot commands/)).toMatchObject({ predicted: 1, observed: 1, plan: 2, match: false });
    expect(r.stderr).toMatch(/DIFF cross-slot commands \(CROSSSLOT\): predicted 1, observed 1, plan 2/);
    expect(r.status).toBe(1);
  });
});

describe('verify on the app sample with a wrong plan', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startCluster(3);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('fails when a rename rule is dropped from the plan, naming the transactions row', () => {
    const r0 = slotscope(['plan', '-f', 'json', 'samples/app.monitor']);
    const p = JSON.parse(r0.stdout) as Plan;
    const user = p.renames.find((x) => x.tag === 'user:<id>')!;
    user.rules = user.rules.filter((x) => x.from !== 'user:<id>:ledger');
    const file = join(dir, 'dropped-rule.json');
    writeFileSync(file, JSON.stringify(p));
    const r = slotscope(['verify', '-f', 'json', '--plan', file, '--cluster', `redis://127.0.0.1:${cluster.primaries[0].port}`, 'samples/app.monitor']);
    const result = JSON.parse(r.stdout) as VerifyResult;
    const tx = rowOf(result, /^cross-slot transactions/);
    expect(tx.observed).toBeGreaterThan(50);
    expect(tx).toMatchObject({ predicted: tx.observed, plan: p.predicted.after.transactions, match: false });
    expect(r.stderr).toMatch(/DIFF cross-slot transactions: predicted \d+, observed \d+, plan \d+/);
    expect(r.status).toBe(1);
  });
});
