// The gates added for CI, each failing and passing at its boundary, on captures of real ioredis traffic
// against a real redis-server; the expected figures are worked out here from the traffic itself.
import { readFileSync } from 'node:fs';
import calculateSlot from 'cluster-key-slot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotscope } from '../helpers/cli.js';
import { captureTraffic, type RedisServer, startRedis } from '../helpers/redis.js';

type Gate = { gate: string; value: number | string; limit: number | string; passed: boolean; failures?: { what: string; count: number; example?: { command: string } }[] };
const check = (args: string[]): { status: number | null; gates: Gate[]; stdout: string; stderr: string } => {
  const r = slotscope(['check', '-f', 'json', ...args]);
  return { status: r.status, gates: r.status === 2 ? [] : (JSON.parse(r.stdout) as { gates: Gate[] }).gates, stdout: r.stdout, stderr: r.stderr };
};
const gate = (gs: Gate[], prefix: string): Gate => gs.find((g) => g.gate.startsWith(prefix))!;

describe('gates at their boundaries', () => {
  let server: RedisServer;
  let rated: string;
  let skewed: string;
  let published: string;
  const cold = Array.from({ length: 10 }, (_, i) => `cold:${i}`);
  beforeAll(async () => {
    server = await startRedis();
    // 10 keyed commands, one of them across slots: a cross-slot rate of exactly 0.1.
    rated = await captureTraffic(server, async () => {
      const c = server.client();
      for (let i = 0; i < 9; i++) await c.set(`{acct:${i}}:a`, '1');
      await c.mget('acct:1', 'acct:2');
      c.disconnect();
    });
    // 30 reads of one key, one read each of ten keys in other slots.
    skewed = await captureTraffic(server, async () => {
      const c = server.client();
      for (let i = 0; i < 30; i++) await c.get('hot');
      for (const k of cold) await c.get(k);
      c.disconnect();
    });
    published = await captureTraffic(server, async () => {
      const c = server.client();
      await c.set('{a}:1', '1');
      await c.publish('events', 'x'); // pubsub-broadcast: a warning
      c.disconnect();
    });
  }, 30000);
  afterAll(async () => {
    await server?.stop();
  });

  it('--max-cross-slot-rate: the share of keyed commands, naming the cross-slot command', () => {
    const at = (limit: string): Gate => gate(check(['--max-cross-slot', '1', '--max-cross-slot-rate', limit, rated]).gates, 'cross-slot rate');
    expect(at('0.1')).toMatchObject({ value: 0.1, passed: true });
    const failed = at('0.099');
    expect(failed).toMatchObject({ value: 0.1, passed: false });
    expect(failed.failures).toEqual([{ what: 'mget', count: 1, example: expect.objectContaining({ command: 'mget "acct:1" "acct:2"' }) }]);
    expect(check(['--max-cross-slot', '1', '--max-cross-slot-rate', '0.1', rated]).status).toBe(0);
    expect(check(['--max-cross-slot', '1', '--max-cross-slot-rate', '0.099', rated]).status).toBe(1);
  });

  it('--max-slot-skew: busiest slot over the mean of 16384 slots, and over the planned primaries with --shards', () => {
    const slots = new Set([calculateSlot('hot'), ...cold.map((k) => calculateSlot(k))]);
    expect(slots.size).toBe(11); // eleven keys in eleven slots
    const expected = (30 * 16384) / 40;
    const at = (args: string[]): Gate => gate(check([...args, skewed]).gates, 'skew');
    expect(at(['--max-slot-skew', String(expected)])).toMatchObject({ gate: 'skew (busiest slot / mean of 16384 slots)', value: expected, passed: true });
    const failed = at(['--max-slot-skew', String(expected - 0.5)]);
    expect(failed).toMatchObject({ passed: false, failures: [{ what: `slot ${calculateSlot('hot')} (busiest key hot)`, count: 30 }] });
    // Three primaries: the hot slot alone is 30 of 40 ops, 2.25 times the mean of 40/3; no layout does better,
    // and the planned one moves the cold slots off its node, so it reaches that floor.
    const planned = at(['--shards', '3', '--max-slot-skew', '2.25']);
    expect(planned).toMatchObject({ gate: 'skew (busiest of 3 primaries under the planned layout / mean)', value: 2.25, passed: true });
    expect(at(['--shards', '3', '--max-slot-skew', '2.24'])).toMatchObject({ passed: false, failures: [{ count: 30 }] });
  });

  it('--fail-on takes finding ids and severities (that severity or worse) besides the verdict values', () => {
    expect(check([published]).status).toBe(0); // a warning alone: ready with changes, not blocked
    const warning = check(['--fail-on', 'warning', published]);
    expect(warning.status).toBe(1);
    expect(gate(warning.gates, 'findings to fail on')).toMatchObject({ value: 1, limit: 'none of warning', failures: [{ what: 'pubsub-broadcast (warning)', count: 1, example: { command: 'publish ? ?' } }] });
    expect(gate(warning.gates, 'verdict')).toBeUndefined();
    expect(check(['--fail-on', 'info', published]).status).toBe(1);
    expect(check(['--fail-on', 'blocker', published]).status).toBe(0);
    expect(check(['--fail-on', 'pubsub-broadcast', published]).status).toBe(1);
    expect(check(['--fail-on', 'nonzero-db,blocked', published]).status).toBe(0);
    const both = check(['--fail-on', 'changes,pubsub-broadcast', published]);
    expect(both.gates.filter((g) => !g.passed).map((g) => g.gate)).toEqual(['verdict', 'findings to fail on']);
    const bad = slotscope(['check', '--fail-on', 'warning,nope', published]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe("slotscope: option '--fail-on <list>' argument 'warning,nope' is invalid. unknown nope: expected blocked, changes, a severity (blocker, warning, info) or finding ids, comma-separated\n");
  });

  it('a failed gate names what failed with one example; a passed one lists nothing', () => {
    const r = slotscope(['check', rated]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}cross-slot commands: 1 \(limit 0\)\n {8}mget: 1, e\.g\. app:\d+: mget "acct:1" "acct:2"\n/m);
    expect(check(['--max-cross-slot', '1', rated]).gates.every((g) => g.failures === undefined)).toBe(true);
  });

  it('-o writes the check/2 JSON to a file, opened before any input is read, while stdout keeps the text', () => {
    const out = `${rated}.check.json`;
    const r = slotscope(['check', '-o', out, rated]);
    expect(r.stdout).toMatch(/^Judged for /);
    const j = JSON.parse(slotscope(['check', '-f', 'json', rated]).stdout) as Record<string, unknown>;
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(j);
    expect(Object.keys(j)).toEqual(['schema', 'target', 'passed', 'gates', 'findings', 'allowed', 'stale', 'expired']);
    const missing = slotscope(['check', '-o', '/nonexistent/dir/x.json', '/nonexistent/input.monitor']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('slotscope: /nonexistent/dir/x.json: no such directory\n');
  });
});

describe('the example shown for a pattern a gate names', () => {
  it('is of the finding\'s kind: a script call for a script finding, a MULTI block for a transaction finding', () => {
    // The app sample uses user:<id>:balance both in MULTI blocks and in script calls.
    const { gates } = check(['samples/app.monitor']);
    const failures = (name: string) => gate(gates, name).failures!.filter((f) => f.what.includes(': '));
    const scripts = failures('cross-slot script calls');
    const blocks = failures('cross-slot transactions');
    expect(scripts.map((f) => f.what)).toContain('cross-slot-script: user:<id>:balance');
    expect(blocks.map((f) => f.what)).toContain('cross-slot-transaction: user:<id>:balance');
    for (const f of scripts) if (f.example) expect(f.example.command, f.what).toMatch(/^(eval|evalsha|fcall|fcall_ro|evalsha_ro|eval_ro) /);
    for (const f of blocks) if (f.example) expect(f.example.command, f.what).toMatch(/^multi; /);
    expect(scripts.filter((f) => f.example).length).toBeGreaterThan(0);
  });
});
