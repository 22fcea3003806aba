// Skew over today's primaries, from a `capture monitor` of a real 3-primary cluster (its manifest names the
// primaries and their slots), with traffic from ioredis's Cluster client; and diff's load per node.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotscope, slotscopeAsync } from '../helpers/cli.js';
import { type RedisCluster, startCluster, waitFor } from '../helpers/redis.js';

type Gate = { gate: string; value: number; passed: boolean; failures?: { what: string; count: number }[] };

describe('skew over the primaries of a real cluster capture', () => {
  let cluster: RedisCluster;
  const dir = mkdtempSync(join(tmpdir(), 'slotscope-cluster-skew-'));
  const out = join(dir, 'cap');
  // redis-cli --cluster create's split for three primaries.
  const ranges = [[0, 5460], [5461, 10922], [10923, 16383]];
  const nodeOf = (key: string): number => ranges.findIndex(([a, b]) => calculateSlot(key) >= a && calculateSlot(key) <= b);
  const cold = Array.from({ length: 30 }, (_, i) => `cold:${i}`);
  beforeAll(async () => {
    cluster = await startCluster(3, 0);
    const ready = join(dir, 'ready');
    const cap = slotscopeAsync(['capture', 'monitor', cluster.nodes[0].url, '--duration', '0', '--ready-file', ready, '--out', out]);
    await waitFor('MONITOR on every node', async () => (existsSync(ready) ? true : undefined), 20000);
    const c = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0].port }]);
    for (let i = 0; i < 40; i++) await c.get('hot');
    for (const k of cold) await c.get(k);
    await c.quit();
    // The capture keeps what reached MONITOR by the time the signal stops it.
    await new Promise((r) => setTimeout(r, 500));
    process.kill(cap.pid, 'SIGINT');
    expect((await cap.done).status).toBe(130);
  }, 90000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('--max-slot-skew without --shards: the busiest of the capture\'s primaries over their mean', () => {
    const ops = [0, 0, 0];
    ops[nodeOf('hot')] += 40;
    for (const k of cold) ops[nodeOf(k)]++;
    const expected = Number((Math.max(...ops) / (70 / 3)).toPrecision(6));
    const at = (limit: number): { status: number | null; gate: Gate } => {
      const r = slotscope(['check', '-f', 'json', '--max-slot-skew', String(limit), out]);
      return { status: r.status, gate: (JSON.parse(r.stdout) as { gates: Gate[] }).gates.find((g) => g.gate.startsWith('skew'))! };
    };
    const pass = at(expected);
    expect(pass.gate).toMatchObject({ gate: "skew (busiest of today's 3 primaries / mean)", value: expected, passed: true });
    expect(pass.status).toBe(0);
    const fail = at(expected - 0.01);
    expect(fail.status).toBe(1);
    expect(fail.gate.failures).toEqual([{ what: expect.stringMatching(/^127\.0\.0\.1:\d+$/), count: Math.max(...ops) }]);
  });

  it('diff prints the load per node of two runs', () => {
    const report = join(dir, 'report.json');
    expect(slotscope(['analyze', '-f', 'json', '-o', report, out]).status).toBe(0);
    const json = JSON.parse(slotscope(['diff', '-f', 'json', report, report]).stdout) as { nodes: { name: string; old: number; new: number }[] };
    expect(json.nodes).toHaveLength(3);
    expect(json.nodes.reduce((t, n) => t + n.new, 0)).toBe(70);
  });
});
