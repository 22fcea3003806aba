// A 3+3 cluster captured on all six nodes: each replica's MONITOR also shows its replication stream (the
// primary's address as the client), which must be counted once, as what it is; and a failover during the
// capture is said as one. Traffic from real cluster clients (ioredis Cluster and redis-cli -c).
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { CLI, slotscope, slotscopeAsync, unwrapped } from '../helpers/cli.js';
import { type RedisCluster, startCluster, waitFor, waitForSync } from '../helpers/redis.js';

const exec = promisify(execFile);
const fresh = (): string => mkdtempSync(join(tmpdir(), 'slotscope-replicas-'));
const monitors = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.monitor')).sort().map((f) => join(dir, f));
const analyze = (files: string[], cwd?: string): { report: Report; stderr: string; status: number | null } => {
  const r = spawnSync(process.execPath, [CLI, 'analyze', '-f', 'json', ...files], { cwd, encoding: 'latin1', maxBuffer: 256 << 20 });
  return { report: JSON.parse(r.stdout) as Report, stderr: r.stderr, status: r.status };
};

/** Starts a capture of every node until SIGINT; resolves once MONITOR is attached everywhere. */
async function startCapture(seedPort: number): Promise<{ out: string; stop: () => Promise<{ status: number | null; stderr: string }> }> {
  const out = fresh();
  const ready = join(out, 'ready');
  const cap = slotscopeAsync(['capture', 'monitor', `redis://127.0.0.1:${seedPort}`, '--duration', '0', '--out', join(out, 'cap'), '--ready-file', ready]);
  await waitFor('MONITOR on every node', async () => (existsSync(ready) ? true : undefined));
  return {
    out: join(out, 'cap'),
    stop: async () => {
      process.kill(cap.pid, 'SIGINT');
      return cap.done;
    },
  };
}

/** Waits until every capture file holds the marker: each node (replicas by replication) has seen it all. */
async function settle(dir: string, marker: string): Promise<void> {
  await waitFor('every file to hold the marker', async () => (monitors(dir).every((f) => readFileSync(f, 'latin1').includes(marker)) ? true : undefined), 20000);
}

describe('capture monitor on a 3+3 cluster', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startCluster(3, 1);
    // A replica's first sync waits repl-diskless-sync-delay (5 s): until then its MONITOR shows nothing.
    for (const n of cluster.nodes.filter((x) => !cluster.primaries.includes(x))) {
      await waitForSync(n);
    }
  }, 60000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('counts every write once: replicas\' replication streams apart, with the manifest or by address without it', async () => {
    const seed = cluster.primaries[0].port;
    const cap = await startCapture(seed);
    const client = new Cluster([{ host: '127.0.0.1', port: seed }]);
    await Promise.all(Array.from({ length: 500 }, (_, i) => client.set(`once:${i}`, 'v')));
    // redis-cli -c follows MOVED itself, one connection, as a user's script would.
    await exec('sh', ['-c', `for i in $(seq 0 99); do echo "SET cli:$i v"; done | redis-cli -c -p ${seed} > /dev/null`]);
    // A key per slot range marks the end on every node, since a replica sees only its own primary's writes.
    const markers = ['{a}', '{b}', '{c}', '{d}', '{e}', '{f}'].map((t) => `${t}end`);
    for (const m of markers) await client.set(m, 'v');
    await client.quit();
    await waitFor('every file to hold its end marker', async () => (monitors(cap.out).every((f) => markers.some((m) => readFileSync(f, 'latin1').includes(`"${m}"`))) ? true : undefined), 20000);
    const r = await cap.stop();
    expect(r.status).toBe(130);
    const files = monitors(cap.out);
    expect(files).toHaveLength(6);

    const { report, stderr } = analyze(files);
    expect(stderr).toBe('');
    expect(report.commands.set.calls).toBe(600 + markers.length);
    const replicas = report.inputs.filter((i) => i.replicationLines);
    expect(replicas).toHaveLength(3);
    // Each replica's stream carries at least its primary's SETs; the primaries' files none.
    expect(replicas.reduce((t, i) => t + i.replicationLines!, 0)).toBeGreaterThanOrEqual(600 + markers.length);
    const manifest = JSON.parse(readFileSync(join(cap.out, 'manifest.json'), 'utf8'));
    for (const i of replicas) {
      const node = manifest.captures[0].nodes.find((n: { file: string }) => i.path.endsWith(n.file));
      expect(node.role).toBe('replica');
      expect(i.replicationFrom).toEqual([node.primary]);
    }
    expect(report.topology?.primaries).toHaveLength(3);

    // The planner reads through the same filter: each write counted once, and on the primary that took it.
    const planned = slotscope(['plan', '-f', 'json', ...files]);
    expect(planned.stderr).toBe('');
    const patterns = (JSON.parse(planned.stdout) as { patterns: { pattern: string; writes: number; nodes: string[] }[] }).patterns;
    const primaries = report.inputs.filter((i) => !i.replicationLines).map((i) => i.node);
    for (const [pattern, writes] of [['once:<id>', 500], ['cli:<id>', 100]] as const) {
      const p = patterns.find((x) => x.pattern === pattern);
      expect(p?.writes, pattern).toBe(writes);
      expect(p?.nodes.every((n) => primaries.includes(n)), pattern).toBe(true);
    }

    // The same files without their manifest: found by address, said so, still counted once.
    const bare = fresh();
    for (const f of files) copyFileSync(f, join(bare, f.slice(cap.out.length + 1)));
    const guessed = analyze(monitors(bare));
    expect(guessed.report.commands.set.calls).toBe(600 + markers.length);
    expect(guessed.report.warnings).toHaveLength(3);
    expect(guessed.report.warnings?.[0]).toMatch(/lines have another captured node \(127\.0\.0\.1:\d+\) as their client: a replica's replication stream, counted apart/);
    expect(guessed.stderr.trim().split('\n')).toHaveLength(3);
    expect(guessed.report.topology).toBeUndefined();

    // The folder moved (a downloaded CI artifact) and read from inside: the topology is still known.
    const moved = join(fresh(), 'artifact');
    cpSync(cap.out, moved, { recursive: true });
    rmSync(cap.out, { recursive: true });
    const inside = analyze(readdirSync(moved).filter((f) => f.endsWith('.monitor')), moved);
    expect(inside.stderr).toBe('');
    expect(inside.report.topology?.primaries.map((x) => x.address)).toEqual(report.topology?.primaries.map((x) => x.address));
    expect(inside.report.commands.set.calls).toBe(600 + markers.length);
  });

  it('says a failover during the capture is one, and names the primaries at the end', async () => {
    const seed = cluster.primaries[0].port;
    const seedClient = cluster.primaries[0].client();
    const lines = ((await seedClient.cluster('NODES')) as string).trim().split('\n').map((l) => l.split(' '));
    seedClient.disconnect();
    // Fail over a primary other than the seed: the seed answers the look at the cluster after the capture.
    const oldPrimary = lines.find((f) => f[2].includes('master') && !f[1].startsWith(`127.0.0.1:${seed}@`))!;
    const replica = lines.find((f) => f[3] === oldPrimary[0])!;
    const [from, to] = [oldPrimary[1].split('@')[0], replica[1].split('@')[0]];

    const cap = await startCapture(seed);
    const client = new Cluster([{ host: '127.0.0.1', port: seed }]);
    for (let i = 0; i < 200; i++) await client.set(`fo:${i}`, 'v');
    const promoted = cluster.nodes.find((n) => `127.0.0.1:${n.port}` === to)!.client();
    await promoted.cluster('FAILOVER');
    await waitFor('the seed to see the failover', async () => {
      const c = cluster.primaries[0].client();
      try {
        const now = ((await c.cluster('NODES')) as string).split('\n').find((l) => l.includes(` ${to}@`));
        return now?.includes('master') ? true : undefined;
      } finally {
        c.disconnect();
      }
    }, 20000);
    promoted.disconnect();
    for (let i = 200; i < 400; i++) await client.set(`fo:${i}`, 'v');
    const marker = 'failover-end';
    await client.quit();
    const everyNode = cluster.nodes.map((n) => n.client());
    await Promise.all(everyNode.map((c) => c.echo(marker)));
    everyNode.forEach((c) => c.disconnect());
    await settle(cap.out, marker);
    const r = await cap.stop();
    expect(r.status).toBe(130);
    expect(r.stderr).toContain(`: ${from} failed over to ${to} during the capture (the replica is the primary now)`);
    expect(r.stderr).not.toContain('moved during the capture');
    const manifest = JSON.parse(readFileSync(join(cap.out, 'manifest.json'), 'utf8'));
    expect(manifest.captures[0].failovers).toEqual([{ from, to }]);
    expect(manifest.captures[0].slotsMoved).toEqual([]);

    const { report } = analyze(monitors(cap.out));
    expect(report.commands.set.calls).toBe(400);
    expect(report.topology?.failovers).toEqual([{ from, to }]);
    expect(report.topology?.slotsMoved).toBeUndefined();
    const addresses = report.topology!.primaries.map((p) => p.address);
    expect(addresses).toContain(to);
    expect(addresses).not.toContain(from);
    expect(unwrapped(slotscope(['analyze', ...monitors(cap.out)]).stdout)).toContain(`${from} failed over to ${to} during the capture: the primaries shown are those at the end`);
  });
});

describe('manifests that do not fit', () => {
  const capture = (dir: string): string => {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, '127.0.0.1-7000.monitor');
    writeFileSync(file, 'OK\n1796165174.424697 [0 127.0.0.1:37170] "set" "a" "b"\n');
    return file;
  };

  it('warns once and goes on without a manifest that is not JSON, not ours, or has no captures', () => {
    for (const [text, why] of [
      ['{not json', 'not a JSON capture manifest; ignored'],
      ['{"name":"some-npm-package"}', 'not a slotscope capture manifest (schema slotscope.capture/1); ignored'],
      ['{"schema":"slotscope.capture/1","kind":"monitor","captures":null}', 'its captures list is missing or malformed; ignored'],
      ['{"schema":"slotscope.capture/1","kind":"monitor","captures":[{"nodes":[null]}]}', 'its captures list is missing or malformed; ignored'],
    ]) {
      const dir = fresh();
      const file = capture(dir);
      writeFileSync(join(dir, 'manifest.json'), text);
      const r = slotscope(['analyze', '-f', 'json', file]);
      expect(r.status).toBe(0);
      expect(r.stderr).toBe(`slotscope: ${join(dir, 'manifest.json')}: ${why}\n`);
      const report = JSON.parse(r.stdout) as Report;
      expect(report.commands.set.calls).toBe(1);
      expect(report.warnings).toEqual([`${join(dir, 'manifest.json')}: ${why}`]);
    }
  });

  it('says when the manifest beside an input does not list it', () => {
    const dir = fresh();
    const file = capture(dir);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ schema: 'slotscope.capture/1', kind: 'monitor', captures: [{ mode: 'cluster', nodes: [{ address: '127.0.0.1:7001', role: 'primary', slots: [[0, 16383]], file: '127.0.0.1-7001.monitor' }] }] }));
    const r = slotscope(['analyze', '-f', 'json', file]);
    expect(r.status).toBe(0);
    const why = `${join(dir, 'manifest.json')} does not list ${file}: its node and role are unknown`;
    expect(r.stderr).toBe(`slotscope: ${why}\n`);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.warnings).toEqual([why]);
    expect(report.topology).toBeUndefined();
    expect(unwrapped(slotscope(['analyze', file]).stdout)).toContain(why);
  });

  it('reads a manifest of the old form, with paths as given to --out', () => {
    const dir = fresh();
    const file = capture(join(dir, 'cap'));
    writeFileSync(join(dir, 'cap', 'manifest.json'), JSON.stringify({ schema: 'slotscope.capture/1', kind: 'monitor', captures: [{ mode: 'cluster', nodes: [{ address: '127.0.0.1:7000', role: 'primary', slots: [[0, 16383]], file: 'cap/127.0.0.1-7000.monitor' }] }] }));
    const r = slotscope(['analyze', '-f', 'json', file]);
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as Report).topology?.primaries.map((p) => p.address)).toEqual(['127.0.0.1:7000']);
  });
});
