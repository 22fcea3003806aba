import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRanges } from '../../src/plan/layout.js';
import { type Plan, makePlan, DEFAULT_PLAN_OPTIONS } from '../../src/plan/make-plan.js';
import { readTopology } from '../../src/replay/cluster-topology.js';
import type { VerifyResult } from '../../src/replay/verify-plan.js';
import { slotscope } from '../helpers/cli.js';
import { Redis } from 'ioredis';
import { captureTraffic, type RedisCluster, type RedisServer, startCluster, startRedis } from '../helpers/redis.js';

const CAPTURE = 'samples/app.monitor';
const dir = mkdtempSync(join(tmpdir(), 'slotscope-plan-'));

describe('plan on an app-like capture', () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await makePlan([{ path: CAPTURE, node: 'app' }], DEFAULT_PLAN_OPTIONS);
  });

  it('proposes entity tags, never bare ids or bare namespaces', () => {
    const user = plan.renames.find((r) => r.tag === 'user:<id>');
    expect(user?.rules.map((r) => [r.from, r.to])).toEqual([
      ['user:<id>:balance', '{user:<id>}:balance'],
      ['user:<id>:ledger', '{user:<id>}:ledger'],
    ]);
    expect(user?.fixes.transactions).toBe(plan.predicted.before.transactions);
    expect(plan.clientChanges.map((c) => [c.library, c.from, c.to])).toEqual([['bullmq', 'bull:', '{bull}:']]);
    for (const r of plan.renames) expect(r.tag).toMatch(/^[a-z]+[:.]/); // a namespace word, then the entity
  });

  it('keeps the regex form and the template in step', () => {
    for (const rule of plan.renames.flatMap((r) => r.rules)) {
      const re = new RegExp(rule.regex);
      const key = rule.from.replace('<id>', '42').replace('<uuid>', '0f8fad5b-d9cb-469f-a165-70867728950e');
      expect(key.replace(re, rule.replacement)).toBe(rule.to.replace('<id>', '42').replace('<uuid>', '0f8fad5b-d9cb-469f-a165-70867728950e'));
    }
  });

  it('calls MGET of unrelated products and transfers between two users unfixable, with alternatives', () => {
    const mget = plan.unfixable.find((u) => u.command === 'mget');
    expect(mget?.patterns).toEqual(['product:<id>']);
    expect(mget?.alternatives.join(' ')).toMatch(/coarse tag \{product\}/);
    expect(plan.unfixable.some((u) => u.patterns.some((p) => p.startsWith('bull:')))).toBe(false);
  });

  it('offers the read-heavy profile pattern to replicas, not the session read right after its own write', () => {
    const names = plan.replicaReads.candidates.map((c) => c.pattern);
    expect(names).toContain('user:<id>:profile');
    const session = plan.replicaReads.excluded.find((c) => c.pattern === 'session:<uuid>')!;
    expect(session.readWriteRatio).toBeGreaterThan(4); // read-heavy ...
    expect(session.ownWriteReadShare).toBeGreaterThan(0.5); // ... but reads its own writes
    expect(names).not.toContain('user:<id>:balance');
  });

  it('lays out 3 primaries as redis-cli --cluster create does', () => {
    expect(plan.layout.nodes.map((n) => [n.from, n.to])).toEqual([[0, 5460], [5461, 10922], [10923, 16383]]);
    expect(plan.layout.nodes.reduce((t, n) => t + n.opsShare, 0)).toBeCloseTo(1, 6);
  });
});

describe('rename map for key dumps', () => {
  it('lists exactly the dumped keys the rules match, renamed as the regex form says', async () => {
    const mapFile = join(dir, 'renames.csv');
    const r = slotscope(['plan', '-f', 'json', '--rename-map', mapFile, CAPTURE, 'samples/app.scan']);
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout) as Plan;
    const rules = plan.renames.flatMap((x) => x.rules).map((x) => ({ re: new RegExp(x.regex), to: x.replacement }));
    const expected = readFileSync('samples/app.scan', 'latin1').trim().split('\n').flatMap((key) => {
      const rule = rules.find((x) => x.re.test(key));
      return rule ? [`"${key}","${key.replace(rule.re, rule.to)}"`] : [];
    });
    const lines = readFileSync(mapFile, 'latin1').trim().split('\n');
    expect(lines[0]).toBe('old_key,new_key');
    expect(lines.slice(1).sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(50);
  });
});

describe('verify against a real 3-primary cluster', () => {
  let cluster: RedisCluster;
  let standalone: RedisServer;
  let planFile: string;
  let plan: Plan;
  beforeAll(async () => {
    [cluster, standalone] = await Promise.all([startCluster(3), startRedis()]);
    const r = slotscope(['plan', '-f', 'json', CAPTURE]);
    expect(r.status).toBe(0);
    plan = JSON.parse(r.stdout) as Plan;
    planFile = join(dir, 'plan.json');
    writeFileSync(planFile, r.stdout);
  });
  afterAll(async () => {
    await Promise.all([cluster?.stop(), standalone?.stop()]);
  });

  it('uses the slot ranges the plan assumed', async () => {
    const topology = await readTopology({ host: '127.0.0.1', port: cluster.primaries[0].port });
    const ranges = createRanges(3).map(([from]) => topology.owner[from]);
    expect(new Set(ranges).size).toBe(3);
  });

  it('sees exactly the predicted cross-slot traffic after the renames, scripts included, and refuses to write twice', () => {
    const url = `redis://127.0.0.1:${cluster.primaries[0].port}`;
    const r = slotscope(['verify', '-f', 'json', '--plan', planFile, '--cluster', url, CAPTURE]);
    expect(r.stderr).toMatch(/^slotscope: verify: \d+ commands replayed into 3 primaries; the cluster answered exactly as predicted\n/);
    const result = JSON.parse(r.stdout) as VerifyResult;
    expect(result.schema).toBe('slotscope.verify/1');
    expect(result.differences).toEqual([]);
    for (const row of result.rows) expect(row).toMatchObject({ predicted: row.observed, match: true });
    const row = (what: RegExp) => result.rows.find((x) => what.test(x.what))!;
    expect(row(/^cross-slot commands/)).toMatchObject({ observed: plan.predicted.after.commands, plan: plan.predicted.after.commands });
    expect(row(/^cross-slot transactions/)).toMatchObject({ observed: 0, plan: 0 });
    // Scripts failing in the cluster, by kind: the app's BullMQ traffic keeps its default prefix.
    expect(row(/non-local/).observed + row(/another slot/).observed + row(/refused CROSSSLOT/).observed).toBeGreaterThan(0);
    expect(r.status).toBe(0);
    expect(plan.predicted.before.transactions - plan.predicted.after.transactions).toBeGreaterThan(50);

    // Now the cluster holds the replayed data: a second run must not write into it unasked.
    const again = slotscope(['verify', '-f', 'json', '--plan', planFile, '--cluster', url, CAPTURE]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/^slotscope: 127\.0\.0\.1:\d+ holds \d+ keys; .*--force\n$/);
  });

  it('replays with the URL\'s credentials into a password-protected cluster', async () => {
    const locked = await startCluster(3, 0, { password: 'verify-secret-7' });
    try {
      const r = slotscope(['verify', '-f', 'json', '--plan', planFile, '--cluster', `redis://:verify-secret-7@127.0.0.1:${locked.primaries[0].port}`, CAPTURE]);
      expect(r.stdout + r.stderr).not.toContain('verify-secret-7');
      const result = JSON.parse(r.stdout) as VerifyResult;
      expect(result.match).toBe(true);
      expect(r.status).toBe(0);
    } finally {
      await locked.stop();
    }
  });

  it('refuses a server that is not in cluster mode', () => {
    const r = slotscope(['verify', '-f', 'json', '--plan', planFile, '--cluster', `redis://127.0.0.1:${standalone.port}`, CAPTURE]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`slotscope: 127.0.0.1:${standalone.port} is not in cluster mode; refusing to replay into it\n`);
  });

  it('reports a plan that is not a plan in one line', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schema":"other"}');
    const r = slotscope(['verify', '-f', 'json', '--plan', bad, '--cluster', 'redis://127.0.0.1:1', CAPTURE]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`slotscope: ${bad}: not a plan: expected "schema": "slotscope.plan/2"\n`);
  });
});

describe('a script that builds keys from the keys it was given', () => {
  let cluster: RedisCluster;
  let server: RedisServer;
  let capture: string;
  beforeAll(async () => {
    [cluster, server] = await Promise.all([startCluster(3), startRedis()]);
    // Real ioredis traffic: transactions over a user's two keys (the rename user:<id>), and a script given
    // one of them that writes a key it builds from it (`KEYS[1] .. ':audit'`), undeclared.
    capture = await captureTraffic(server, async () => {
      const redis = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true });
      await redis.connect();
      for (let id = 1; id <= 40; id++) {
        await redis.multi().incrby(`user:${id}:balance`, 5).rpush(`user:${id}:ledger`, 'credit 5').exec();
        await redis.eval("redis.call('incr', KEYS[1]); return redis.call('set', KEYS[1] .. ':audit', ARGV[1])", 1, `user:${id}:balance`, 'ok');
      }
      await redis.quit();
    });
  });
  afterAll(async () => {
    await Promise.all([cluster?.stop(), server?.stop()]);
  });

  it('predicts the built keys follow the rename, as the replay sends them and the cluster answers', () => {
    const planFile = join(dir, 'built-keys-plan.json');
    const p = slotscope(['plan', '-f', 'json', '-o', planFile, capture]);
    expect(p.status).toBe(0);
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as Plan;
    expect(plan.renames.map((r) => r.tag)).toContain('user:<id>');
    // Every script call touched a key in another slot before; with the rename none does.
    expect(plan.predicted.before.scripts).toBe(40);
    expect(plan.predicted.after.scripts).toBe(0);
    const r = slotscope(['verify', '-f', 'json', '--plan', planFile, '--cluster', `redis://127.0.0.1:${cluster.primaries[0].port}`, capture]);
    const result = JSON.parse(r.stdout) as VerifyResult;
    expect(result.differences).toEqual([]);
    expect(result.match).toBe(true);
    expect(r.status).toBe(0);
  });
});
