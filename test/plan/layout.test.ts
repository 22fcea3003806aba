// The layout against real servers: a capture with hot single keys (redis-benchmark and hash-tagged keys
// under a real MONITOR) is balanced better than any contiguous split, and the scripts the plan emits,
// run with bash and redis-cli, put every slot where the plan says: ADDSLOTSRANGE on fresh cluster-mode
// servers, and slot-by-slot moves (keys and all) in a running 3-primary cluster.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Plan, makePlan, DEFAULT_PLAN_OPTIONS } from '../../src/plan/make-plan.js';
import { readTopology } from '../../src/replay/cluster-topology.js';
import { buildReport } from '../../src/report/report.js';
import { renderPlanMarkdown } from '../../src/report/plan-markdown.js';
import { analyzeInputs } from '../../src/analyze/analyze-inputs.js';
import { slotRanges } from '../../src/slot/slot-ranges.js';
import { keySlot } from '../../src/slot/key-slot.js';
import { slotscope } from '../helpers/cli.js';
import { type RedisCluster, type RedisServer, captureTraffic, startCluster, startRedis, waitFor } from '../helpers/redis.js';

const run = promisify(execFile);
const SLOTS = 16384;
const HOT_OPS = 4000;
// {hot:d} is slot 5241, {hot:150} slot 5320; redis-benchmark's mylist is 5282: three hot slots that one
// contiguous range cannot separate without leaving most of the cold keys to the last node.
const HOT_TAGS = ['{hot:d}', '{hot:150}'];

/** The lowest ops skew any split of the slots into 3 contiguous ranges can reach (prefix sums, binary search). */
function bestContiguousSkew(load: number[]): number {
  const prefix = new Float64Array(SLOTS + 1);
  for (let s = 0; s < SLOTS; s++) prefix[s + 1] = prefix[s] + load[s];
  const total = prefix[SLOTS];
  let best = Infinity;
  for (let i = 1; i < SLOTS - 1; i++) {
    const a = prefix[i];
    let lo = i + 1;
    let hi = SLOTS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (prefix[mid] - a >= total - prefix[mid]) hi = mid;
      else lo = mid + 1;
    }
    for (const j of [lo - 1, lo]) if (j > i && j < SLOTS) best = Math.min(best, Math.max(a, prefix[j] - a, total - prefix[j]));
  }
  return best / (total / 3);
}

function ownerOf(plan: Plan): Int32Array {
  const owner = new Int32Array(SLOTS).fill(-1);
  for (const n of plan.layout.after.nodes) for (const [f, t] of n.ranges) owner.fill(n.node, f, t + 1);
  return owner;
}

async function bash(script: string, env: Record<string, string>): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'slotscope-layout-')), 'layout.sh');
  writeFileSync(file, script);
  const { stdout } = await run('bash', [file], { env: { ...process.env, ...env }, timeout: 120_000 });
  return stdout;
}

let server: RedisServer;
let capture: string;
let plan: Plan;

beforeAll(async () => {
  server = await startRedis();
  capture = await captureTraffic(server, async () => {
    // LPUSH mylist (one hot key) and INCR counter:<random> (spread thin) from a real redis-benchmark.
    await run('redis-benchmark', ['-p', String(server.port), '-t', 'lpush,incr', '-n', String(HOT_OPS), '-r', '100000', '-P', '16', '-q']);
    const c = server.client();
    for (const tag of HOT_TAGS) {
      const p = c.pipeline();
      for (let i = 0; i < HOT_OPS / 2; i++) p.rpush(`${tag}:jobs`, i).incr(`${tag}:seq`);
      await p.exec();
    }
    c.disconnect();
  });
  plan = await makePlan([{ path: capture, node: 'app' }], DEFAULT_PLAN_OPTIONS);
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('layout by measured load', () => {
  it('spreads hot single slots better than any contiguous split, and names them by their keys', async () => {
    const report = buildReport(await analyzeInputs([{ path: capture, node: 'app' }]));
    const l = plan.layout;
    expect(l.before.skew.ops).toBeGreaterThan(2); // the even split puts all three hot slots on node 0
    const contiguous = bestContiguousSkew(report.slots.ops);
    expect(contiguous).toBeGreaterThan(1.2);
    expect(l.after.skew.ops).toBeLessThanOrEqual(l.maxSkew);
    expect(l.after.skew.ops).toBeLessThan(contiguous);
    // The three hot slots end on three different nodes; only what balancing needs moved.
    const hot = [5241, 5282, 5320].map((s) => l.hotSlots.find((h) => h.slot === s)!);
    expect(new Set(hot.map((h) => h.nodeAfter)).size).toBe(3);
    expect(l.moves.length).toBeLessThan(100);
    // Named from the analyzer's sketch, which starts once a slot stands out: counts miss its first ops.
    expect(hot[1].keys.map((k) => k.key)).toEqual(['mylist']);
    expect(hot[1].keys[0].ops).toBeGreaterThan(HOT_OPS - 50);
    expect(hot[0].keys.map((k) => k.key).sort()).toEqual(['{hot:d}:jobs', '{hot:d}:seq']);
    // Every slot has exactly one owner, and the per-node figures add up.
    const owner = ownerOf(plan);
    expect(owner.every((o) => o >= 0)).toBe(true);
    expect(l.after.nodes.reduce((t, n) => t + n.slots, 0)).toBe(SLOTS);
    expect(l.after.nodes.reduce((t, n) => t + n.ops, 0)).toBe(l.before.nodes.reduce((t, n) => t + n.ops, 0));
  });

  it("emits ADDSLOTSRANGE that gives fresh cluster-mode servers exactly the plan's slots", async () => {
    const nodes = await Promise.all([0, 1, 2].map(() => startRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '3000'])));
    try {
      expect(plan.layoutScript).toContain('CLUSTER ADDSLOTSRANGE');
      await bash(plan.layoutScript, Object.fromEntries(nodes.map((n, i) => [`NODE${i}`, `127.0.0.1:${n.port}`])));
      const expected = ownerOf(plan);
      for (const n of nodes) {
        // Every node's view, once gossip has told it the others' slots.
        const topo = await waitFor(`all slots known on ${n.port}`, async () => {
          const t = await readTopology({ host: '127.0.0.1', port: n.port });
          return t.owner.every((o) => o >= 0) ? t : undefined;
        });
        const actual = Array.from(topo.owner, (i) => nodes.findIndex((x) => x.port === topo.primaries[i].port));
        expect(actual).toEqual(Array.from(expected));
      }
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
    }
  }, 60_000);
});

describe('when the even split will do', () => {
  it('says redis-cli --cluster create is as good, and moves nothing', async () => {
    // redis-benchmark's random keys spread evenly (samples/app.monitor no longer does: its BullMQ queues share
    // one slot under the plan's {bull} prefix).
    const p = await makePlan([{ path: 'samples/benchmark.monitor', node: 'bench' }], DEFAULT_PLAN_OPTIONS);
    expect(p.layout.before.skew.ops).toBeLessThanOrEqual(p.layout.maxSkew);
    expect(p.layout).toMatchObject({ evenSplitSuffices: true, moves: [] });
    expect(p.layout.after.nodes.map((n) => n.ranges)).toEqual([[[0, 5460]], [[5461, 10922]], [[10923, 16383]]]);
    expect(renderPlanMarkdown(p)).toContain('`redis-cli --cluster create` with 3 primaries is as good');
  });
});

describe('hot slots named by their keys', () => {
  it("in analyze's report: the busiest keys of each hot slot, shown redacted with --redact-keys", () => {
    const report = JSON.parse(slotscope(['analyze', '-f', 'json', capture]).stdout) as { skew: { hotSlots: { slot: number; ops: number; keys: { key: string; ops: number }[] }[] } };
    // The top-keys sketch tracks mylist from its second op with Filtered Space-Saving's bound, which is at
    // least the true count and above it when a cold key shared mylist's hashed counter; no key has more ops
    // than its slot.
    const mylist = report.skew.hotSlots.find((h) => h.slot === 5282)!;
    const trueOps = readFileSync(capture, 'latin1').match(/"LPUSH" "mylist"/gi)?.length ?? 0;
    expect(trueOps).toBe(HOT_OPS);
    expect(mylist.keys.map((k) => k.key)).toEqual(['mylist']);
    expect(mylist.keys[0].ops).toBeGreaterThanOrEqual(trueOps);
    expect(mylist.keys[0].ops).toBeLessThanOrEqual(mylist.ops);
    const tag = report.skew.hotSlots.find((h) => h.slot === 5241)!;
    expect(tag.keys.map((k) => k.key).sort()).toEqual(['{hot:d}:jobs', '{hot:d}:seq']);
    // Cold slots (redis-benchmark's INCR counter:<random>) never reach the per-slot sketch; a key the
    // top-keys sketch saw twice names one, never with more ops than its slot.
    const cold = report.skew.hotSlots.filter((h) => h.ops < 32);
    for (const h of cold) for (const k of h.keys) expect(k.ops).toBeLessThanOrEqual(h.ops);
    const table = slotscope(['analyze', capture]).stdout;
    // The table shows the JSON's count.
    expect(table).toMatch(new RegExp(`5282 .*mylist \\(${mylist.keys[0].ops.toLocaleString('en-US')}\\)`));
    const redacted = JSON.parse(slotscope(['analyze', '-f', 'json', '--redact-keys', capture]).stdout) as typeof report;
    const shown = redacted.skew.hotSlots.flatMap((h) => h.keys.map((k) => k.key));
    expect(shown.length).toBe(report.skew.hotSlots.flatMap((h) => h.keys).length);
    for (const k of shown) expect(k).not.toMatch(/mylist|hot/);
  });
});

describe('work done by scripts', () => {
  it('weighs the commands a script runs in the slot they touch', async () => {
    const SCRIPT = "for i = 1, 20 do redis.call('INCR', KEYS[1]) end";
    const scripted = await captureTraffic(server, async () => {
      const c = server.client();
      for (let i = 0; i < 50; i++) await c.eval(SCRIPT, 1, '{jobs}:n');
      const p = c.pipeline();
      for (let i = 0; i < 2100; i++) p.set(`user:${i}`, i);
      await p.exec();
      c.disconnect();
    });
    const p = await makePlan([{ path: scripted, node: 'app' }], DEFAULT_PLAN_OPTIONS);
    const hot = p.layout.hotSlots[0];
    expect(hot).toMatchObject({ slot: keySlot('{jobs}:n'), ops: 50 + 50 * 20, scriptOps: 50 * 20 });
    expect(hot.keys[0]).toMatchObject({ key: '{jobs}:n' });
    const total = 50 + 50 * 20 + 2100;
    expect(p.layout.before.nodes.reduce((t, n) => t + n.ops, 0)).toBe(total);
    // The scripted slot alone is a third of the load: counted by its EVAL lines only it would look like
    // 50 ops and the even split balanced. Weighed, the split is not, and the slot gets a node nearly to itself.
    expect(p.layout.before.skew.ops).toBeGreaterThan(1.5);
    expect(p.layout.after.skew.ops).toBeLessThanOrEqual(p.layout.maxSkew);
    expect(p.layout.after.nodes[hot.nodeAfter].ops).toBeLessThanOrEqual(p.layout.maxSkew * (total / 3));
  });
});

describe('moving slots in a running cluster', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startCluster(3);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it("moves exactly the plan's slots, keeps every key, and leaves each node the load the plan states", async () => {
    const seed = { host: '127.0.0.1', port: cluster.primaries[0].port };
    const today = await readTopology(seed);
    const primaries = today.primaries.map((p, i) => ({
      address: `${p.host}:${p.port}`,
      slots: slotRanges([...today.owner.keys()].filter((s) => today.owner[s] === i)),
    }));
    const todays = await makePlan([{ path: capture, node: 'app' }], { ...DEFAULT_PLAN_OPTIONS, primaries });
    expect(todays.layout.basis).toBe('today');
    expect(todays.layout.moves.length).toBeGreaterThan(0);
    expect(todays.layoutScript).not.toContain('--cluster reshard');

    // Data in the hot slots (and some elsewhere), written through a real cluster client.
    const c = new Cluster([seed], { redisOptions: { maxRetriesPerRequest: 1 } });
    c.on('error', () => {}); // failures surface as rejected commands
    await c.rpush('mylist', ...Array.from({ length: 50 }, (_, i) => i));
    for (const tag of HOT_TAGS) await c.rpush(`${tag}:jobs`, 'a', 'b', 'c').then(() => c.set(`${tag}:seq`, 7));
    for (let i = 0; i < 500; i++) await c.set(`counter:${String(i).padStart(12, '0')}`, i);
    const dbsize = async (): Promise<number> => {
      let total = 0;
      for (const p of cluster.primaries) {
        const r = p.client();
        total += await r.dbsize();
        r.disconnect();
      }
      return total;
    };
    const keysBefore = await dbsize();

    const out = await bash(todays.layoutScript, {});
    expect(out).toContain(`moved ${todays.layout.moves.length} slots`);

    const after = await readTopology(seed);
    const expected = ownerOf(todays);
    const address = (i: number): string => `${after.primaries[i].host}:${after.primaries[i].port}`;
    expect(Array.from(after.owner, (i) => todays.layout.after.nodes.findIndex((n) => n.address === address(i)))).toEqual(Array.from(expected));
    expect(await dbsize()).toBe(keysBefore);
    await c.cluster('SLOTS'); // refresh ioredis's view, then read the moved data back
    expect(await c.llen('mylist')).toBe(50);
    for (const tag of HOT_TAGS) expect(await c.lrange(`${tag}:jobs`, 0, -1)).toEqual(['a', 'b', 'c']);
    c.disconnect();

    // Recount the captured traffic per node under the cluster's real slot owners.
    const report = buildReport(await analyzeInputs([{ path: capture, node: 'app' }]));
    const perNode = after.primaries.map(() => 0);
    report.slots.ops.forEach((ops, s) => (perNode[after.owner[s]] += ops));
    const skew = Math.max(...perNode) / (perNode.reduce((t, v) => t + v, 0) / perNode.length);
    expect(skew).toBeCloseTo(todays.layout.after.skew.ops, 9);
    expect(skew).toBeLessThanOrEqual(todays.layout.maxSkew);
  }, 120_000);
});
