// verify writes only into the cluster it is given: a capture that moved keys to another server (MIGRATE,
// captured from real traffic, from a client and from a script) or joined nodes (CLUSTER MEET, which
// MONITOR never shows: a tampered capture; and a script that would run it on an empty cluster) replays
// without reaching either.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotscope } from '../helpers/cli.js';
import { NO_REPLY, replayStream } from '../../src/replay/cluster-replay.js';
import { readTopology } from '../../src/replay/cluster-topology.js';
import { readReplayStream } from '../../src/replay/replay-stream.js';
import { observe } from '../../src/replay/verify-plan.js';
import { captureTraffic, freePort, type RedisCluster, type RedisServer, startCluster, startRedis } from '../helpers/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'slotscope-replay-safety-'));

describe('verify sends only data commands that stay inside the target', () => {
  let cluster: RedisCluster;
  let source: RedisServer;
  let other: RedisServer;
  let outsider: RedisServer;
  let capture: string;
  let planFile: string;

  const size = async (s: RedisServer): Promise<number> => {
    const c = s.client();
    try {
      return await c.dbsize();
    } finally {
      c.disconnect();
    }
  };
  const clusterNodes = async (): Promise<number> => {
    const c = cluster.primaries[0].client();
    try {
      return ((await c.cluster('NODES')) as string).trim().split('\n').length;
    } finally {
      c.disconnect();
    }
  };

  beforeAll(async () => {
    [cluster, source, other, outsider] = await Promise.all([startCluster(3), startRedis(), startRedis(), startRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'])]);
    capture = await captureTraffic(source, async () => {
      const c = source.client();
      await c.set('migme', 'v');
      await c.migrate('127.0.0.1', String(other.port), 'migme', '0', '5000', 'COPY');
      await c.set('stays', '1');
      // Scripts may call MIGRATE and CLUSTER MEET (neither is noscript): one that ran MIGRATE, and one whose
      // CLUSTER MEET branch did not run here (its guard key existed) but would in an empty cluster.
      await c.set('scripted', 'v');
      await c.eval("return redis.call('migrate', '127.0.0.1', ARGV[1], KEYS[1], 0, 5000, 'COPY')", 1, 'scripted', String(other.port));
      await c.set('guard', 'v');
      await c.eval("if redis.call('get', KEYS[1]) == false then return redis.call('cluster', 'meet', '127.0.0.1', ARGV[1]) end return 1", 1, 'guard', String(outsider.port));
      c.disconnect();
    });
    // The real MIGRATE reached `other`; empty it so only the replay could fill it again.
    const o = other.client();
    expect(await o.get('migme')).toBe('v');
    expect(await o.get('scripted')).toBe('v');
    await o.flushall();
    o.disconnect();
    // Admin commands never reach MONITOR, so a CLUSTER MEET line can only come from a tampered capture.
    appendFileSync(capture, `1795370304.301218 [0 127.0.0.1:5000] "cluster" "meet" "127.0.0.1" "${outsider.port}"\n`);
    const r = slotscope(['plan', '-f', 'json', '-o', join(dir, 'plan.json'), capture]);
    expect(r.status).toBe(0);
    planFile = join(dir, 'plan.json');
  });

  afterAll(async () => {
    await Promise.all([cluster?.stop(), source?.stop(), other?.stop(), outsider?.stop()]);
  });

  it('replays the capture without MIGRATE or CLUSTER MEET, nor the scripts that run or name them, and counts them by name', async () => {
    expect(await clusterNodes()).toBe(3);
    const r = slotscope(['verify', '-f', 'json', '--plan', planFile, '--cluster', `redis://127.0.0.1:${cluster.primaries[0].port}`, capture]);
    // What the servers hold decides; the counts come after.
    expect(await size(other)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500)); // a MEET would show as a handshake node by now
    expect(await clusterNodes()).toBe(3);
    const c = outsider.client();
    expect(((await c.cluster('NODES')) as string).trim().split('\n')).toHaveLength(1);
    c.disconnect();
    const result = JSON.parse(r.stdout) as { notReplayed: Record<string, number> };
    expect(result.notReplayed).toMatchObject({ migrate: 1, 'cluster|meet': 1, eval: 2 });
    expect(r.stderr).toMatch(/not replayed: .*cluster\|meet 1.*migrate 1/);
    // The data commands were replayed.
    const owner = cluster.primaries.map((p) => p.client());
    const values = await Promise.all(owner.map((p) => p.call('GET', 'stays').catch(() => null)));
    for (const p of owner) p.disconnect();
    expect(values).toContain('1');
  });

  it('counts a redirect as a command not judged: a slot map that changed under the replay fails verify', async () => {
    const stream = await readReplayStream([{ path: 'samples/app.monitor', node: 'app' }]);
    const real = await readTopology({ host: '127.0.0.1', port: cluster.primaries[0].port });
    // Every slot sent to the next primary: what a reshard during the replay would do.
    const moved = { ...real, owner: real.owner.map((o) => (o + 1) % real.primaries.length) };
    const replay = await replayStream({ ...stream, commands: stream.commands.slice(0, 200) }, moved);
    const redirected = replay.commands.filter((c) => c.reply === 'MOVED' && !c.queued).length;
    expect(redirected).toBeGreaterThan(20);
    expect(observe(stream, replay).unanswered.size).toBe(redirected);
  });

  it('refuses a cluster node that does not serve every slot', () => {
    const r = slotscope(['verify', '--plan', planFile, '--cluster', `redis://127.0.0.1:${outsider.port}`, capture]);
    expect(r.stderr).toBe(`slotscope: 127.0.0.1:${outsider.port}: the cluster serves 0 of 16384 slots; verify needs every slot served\n`);
    expect(r.status).toBe(2);
  });
});

describe('a cluster that does not answer', () => {
  it('gives lines no verdict of their own, so verify cannot pass on silence', async () => {
    const dead = await freePort(); // nothing listens there
    const stream = await readReplayStream([{ path: 'samples/app.monitor', node: 'app' }]);
    const topology = { endpoint: { host: '127.0.0.1', port: dead, tls: false }, primaries: [{ host: '127.0.0.1', port: dead }], owner: new Int16Array(16384) };
    const replay = await replayStream({ ...stream, commands: stream.commands.slice(0, 40) }, topology);
    expect(replay.commands.length).toBeGreaterThan(10);
    expect(new Set(replay.commands.map((c) => c.reply))).toEqual(new Set([NO_REPLY]));
  });
});

describe('verify reads the plan strictly', () => {
  it('refuses a client change it cannot apply, in one line, before touching any server', () => {
    const plan = JSON.parse(slotscope(['plan', '-f', 'json', 'samples/app.monitor']).stdout) as Record<string, unknown>;
    plan.clientChanges = [{ kind: 'queue-name', library: 'bullmq', queue: 'emails' }];
    const planFile = join(dir, 'unknown-change.json');
    writeFileSync(planFile, JSON.stringify(plan));
    const r = slotscope(['verify', '--plan', planFile, '--cluster', 'redis://127.0.0.1:1', 'samples/app.monitor']);
    expect(r.stderr).toBe(`slotscope: ${planFile}: a client change verify cannot apply: "queue-name" (expected "prefix" with "from" and "to")\n`);
    expect(r.status).toBe(2);
  });
});

describe('verify needs a MONITOR capture', () => {
  it('refuses one with nothing to replay (MONITOR\'s OK alone, every line cut short), before touching any server', () => {
    const plan = slotscope(['plan', '-f', 'json', 'samples/app.monitor']);
    const planFile = join(dir, 'app-plan-empty.json');
    writeFileSync(planFile, plan.stdout);
    const [head, ...lines] = readFileSync('samples/app.monitor', 'latin1').trimEnd().split('\n');
    const okAlone = join(dir, 'ok-alone.monitor');
    writeFileSync(okAlone, `${head}\n`);
    const cut = join(dir, 'all-cut.monitor');
    writeFileSync(cut, [head, ...lines.map((l) => l.slice(0, l.lastIndexOf('"')))].join('\n') + '\n', 'latin1');
    const skipped = (JSON.parse(slotscope(['analyze', '-f', 'json', cut]).stdout) as { totals: { skippedLines: number } }).totals.skippedLines;
    expect(skipped).toBe(lines.length);
    for (const [input, n] of [[okAlone, 0], [cut, skipped]] as const) {
      const r = slotscope(['verify', '--plan', planFile, '--cluster', 'redis://127.0.0.1:1', input]);
      expect(r.stderr).toContain(`slotscope: ${input}: no command to replay (${n} lines skipped, 0 commands not replayable): nothing to compare with the plan\n`);
      expect(r.status).toBe(2);
    }
  });

  it('refuses a key dump or a memory report in one line, exit 2', () => {
    const plan = slotscope(['plan', '-f', 'json', 'samples/app.monitor']);
    const planFile = join(dir, 'app-plan.json');
    writeFileSync(planFile, plan.stdout);
    for (const input of ['samples/app.scan', 'samples/app-memory.csv']) {
      const r = slotscope(['verify', '--plan', planFile, '--cluster', 'redis://127.0.0.1:1', input]);
      expect(r.stderr).toMatch(new RegExp(`^slotscope: ${input.replace('.', '\\.')}: verify needs a MONITOR capture; this input is a (SCAN key dump|memory report)\n$`));
      expect(r.status).toBe(2);
    }
  });
});
