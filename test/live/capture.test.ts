import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { slotOfString } from '../../src/slot/key-slot.js';
import { slotscope, slotscopeAsync } from '../helpers/cli.js';
import { monitorToFile, type RedisCluster, type RedisServer, startCluster, startRedis, waitFor, waitForMonitor, waitForSync } from '../helpers/redis.js';

const run = promisify(execFile);
const fresh = (): string => mkdtempSync(join(tmpdir(), 'slotscope-live-'));
const startsWithOk = (file: string): boolean => existsSync(file) && readFileSync(file, 'latin1').startsWith('OK\n');

describe('capture monitor on a standalone primary with a replica', () => {
  let primary: RedisServer;
  let replica: RedisServer;
  beforeAll(async () => {
    primary = await startRedis();
    replica = await startRedis(['--replicaof', '127.0.0.1', String(primary.port)]);
    await waitForSync(replica);
  });
  afterAll(async () => {
    await Promise.all([primary?.stop(), replica?.stop()]);
  });

  it('writes every node a file byte for byte as redis-cli MONITOR prints it, and a manifest', async () => {
    const out = fresh();
    const cap = slotscopeAsync(['capture', 'monitor', primary.url, '--duration', '4s', '--out', out]);
    const pFile = join(out, `127.0.0.1-${primary.port}.monitor`);
    const rFile = join(out, `127.0.0.1-${replica.port}.monitor`);
    await waitFor('capture to start', async () => (startsWithOk(pFile) && startsWithOk(rFile) ? true : undefined));
    const reference = join(out, 'redis-cli.txt');
    const cli = await monitorToFile(primary, reference);
    const c = primary.client();
    await c.set(Buffer.from([0x6b, 0, 0xff, 0x22, 0x5c, 0x0a]), Buffer.from('v"\\'));
    await c.mset('a', '1', 'b', '2');
    await c.hset('h\u00e9', 'f', 'caf\u00e9');
    await c.call('SET', 'x y', 'q " r');
    c.disconnect();
    await cli.stop();
    const r = await cap.done;
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/MONITOR costs/);
    const body = readFileSync(reference, 'latin1').slice('OK\n'.length);
    expect(body).toMatch(/\\x00\\xff\\"\\\\\\n/);
    expect(readFileSync(pFile, 'latin1')).toContain(body);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const nodes = manifest.captures[0].nodes;
    expect(nodes.map((n: { role: string }) => n.role)).toEqual(['primary', 'replica']);
    // Named relative to the manifest: the folder can be moved or read from inside.
    expect(nodes[0]).toMatchObject({ address: `127.0.0.1:${primary.port}`, partial: false, file: `127.0.0.1-${primary.port}.monitor` });
    expect(nodes[0].lines).toBe(readFileSync(pFile, 'latin1').split('\n').length - 2);
    expect(nodes[1].primary).toBe(`127.0.0.1:${primary.port}`);
    // A replica's MONITOR shows the replication stream, with the primary's address as the client.
    expect(readFileSync(rFile, 'latin1')).toMatch(new RegExp(`\\[0 127\\.0\\.0\\.1:${primary.port}\\] "mset" "a" "1" "b" "2"`));
    const report = JSON.parse(slotscope(['analyze', '-f', 'json', pFile]).stdout) as Report;
    expect(report.commands.mset.crossSlot).toBe(1);
  });

  it('stops cleanly when the node dies, keeping complete lines and saying so', async () => {
    const victim = await startRedis();
    const out = fresh();
    const cap = slotscopeAsync(['capture', 'monitor', victim.url, '--duration', '20s', '--out', out]);
    const file = join(out, `127.0.0.1-${victim.port}.monitor`);
    await waitFor('capture to start', async () => (startsWithOk(file) ? true : undefined));
    const c = victim.client();
    for (let i = 0; i < 50; i++) await c.set(`k${i}`, 'v');
    c.disconnect();
    await waitFor('the lines to arrive', async () => (readFileSync(file, 'latin1').includes('"k49"') ? true : undefined));
    process.kill(victim.pid, 'SIGKILL');
    const r = await cap.done;
    await victim.stop();
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`slotscope: 127\\.0\\.0\\.1:${victim.port}: connection lost after \\d+ lines; the capture is complete up to there\\n`));
    const text = readFileSync(file, 'latin1');
    expect(text.endsWith('\n')).toBe(true);
    const report = JSON.parse(slotscope(['analyze', '-f', 'json', file]).stdout) as Report;
    expect(report.totals.skippedLines).toBe(0);
    expect(report.commands.set.calls).toBe(50);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).captures[0].nodes[0].partial).toBe(true);
  });

  it('stops on Ctrl-C with complete files and a manifest', async () => {
    const out = fresh();
    const cap = slotscopeAsync(['capture', 'monitor', primary.url, '--duration', '60s', '--out', out]);
    const file = join(out, `127.0.0.1-${primary.port}.monitor`);
    await waitFor('capture to start', async () => (startsWithOk(file) ? true : undefined));
    const c = primary.client();
    for (let i = 0; i < 20; i++) await c.incr('counter');
    c.disconnect();
    await waitFor('the lines to arrive', async () => ((readFileSync(file, 'latin1').match(/"incr"/g) ?? []).length === 20 ? true : undefined));
    process.kill(cap.pid, 'SIGINT');
    const r = await cap.done;
    expect(r.status).toBe(130); // 128 + SIGINT: a stopped run, told apart from a completed one
    expect(readFileSync(file, 'latin1').endsWith('\n')).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.captures[0].nodes[0]).toMatchObject({ partial: false });
    expect(manifest.captures[0].nodes[0].lines).toBeGreaterThanOrEqual(20);
  });

  it('says a wrong password in one line, without the password', async () => {
    const locked = await startRedis(['--requirepass', 'right-horse-battery'], { password: 'right-horse-battery' });
    try {
      const r = slotscope(['capture', 'monitor', `redis://:wrong-staple-42@127.0.0.1:${locked.port}`, '--duration', '1s', '--out', fresh()]);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`slotscope: 127.0.0.1:${locked.port}: authentication failed (check the user and password)\n`);
      const ok = slotscopeAsync(['capture', 'monitor', `redis://127.0.0.1:${locked.port}`, '--duration', '1s', '--out', fresh()], { ...process.env, REDISCLI_AUTH: 'right-horse-battery' });
      expect((await ok.done).status).toBe(0);
    } finally {
      await locked.stop();
    }
  });

  it('analyses live traffic without files', async () => {
    const live = slotscopeAsync(['analyze', '--live', primary.url, '--duration', '3s', '-f', 'json']);
    await waitForMonitor(primary);
    const c = primary.client();
    await c.mset('user:1', 'a', 'user:2', 'b');
    await c.get('user:1');
    c.disconnect();
    const r = await live.done;
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.commands.mset).toMatchObject({ calls: 1, crossSlot: 1 });
    expect(report.inputs.map((i) => i.path)).toContain(`live:127.0.0.1:${primary.port}`);
  });
});

describe('capture on a 3-primary cluster with replicas', () => {
  let cluster: RedisCluster;
  const keys = Array.from({ length: 60 }, (_, i) => `item:${i}`);
  beforeAll(async () => {
    cluster = await startCluster(3, 1);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('refuses two seeds of one cluster, and one node given twice, before capturing: the second would write over the first', () => {
    const [a, b] = cluster.primaries.map((p) => `127.0.0.1:${p.port}`);
    for (const seeds of [[a, b], [a, a]]) {
      const out = join(fresh(), 'cap');
      for (const cmd of ['monitor', 'scan']) {
        const r = slotscope(['capture', cmd, ...seeds, ...(cmd === 'monitor' ? ['--duration', '1s'] : []), '--out', out]);
        expect(r.stderr, `${cmd} ${seeds.join(' ')}`).toMatch(new RegExp(`^slotscope: ${seeds[0]} and ${seeds[1]} are one deployment \\(both list 127\\.0\\.0\\.1:\\d+\\): give each deployment once, as any one of its nodes\n$`));
        expect(r.status, cmd).toBe(2);
        expect(existsSync(out), cmd).toBe(false);
      }
    }
  });

  it('captures every node, each command on the primary that owns its slot', async () => {
    const out = fresh();
    const seed = `redis://127.0.0.1:${cluster.primaries[0].port}`;
    const cap = slotscopeAsync(['capture', 'monitor', seed, '--duration', '4s', '--out', out]);
    await waitFor('all six captures to start', async () => (readdirSync(out).filter((f) => f.endsWith('.monitor') && startsWithOk(join(out, f))).length === 6 ? true : undefined));
    const client = new Cluster([{ host: '127.0.0.1', port: cluster.primaries[0].port }]);
    for (const k of keys) await client.set(k, 'v', 'EX', 3600);
    await client.quit();
    const r = await cap.done;
    expect(r.status).toBe(0);
    const nodes = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).captures[0].nodes as { role: string; slots: [number, number][]; file: string }[];
    expect(nodes.filter((n) => n.role === 'primary')).toHaveLength(3);
    expect(nodes.filter((n) => n.role === 'replica')).toHaveLength(3);
    for (const k of keys) {
      const slot = slotOfString(k);
      const owner = nodes.find((n) => n.role === 'primary' && n.slots.some(([f, t]) => slot >= f && slot <= t))!;
      expect(readFileSync(join(out, owner.file), 'latin1')).toContain(`"set" "${k}" "v"`);
    }
    // Analysed from the files, the report knows the cluster they came from (from manifest.json).
    const primaryFiles = nodes.filter((n) => n.role === 'primary').map((n) => join(out, n.file));
    const report = JSON.parse(slotscope(['analyze', '-f', 'json', ...primaryFiles]).stdout) as Report;
    expect(report.topology?.primaries.map((p) => p.slots)).toEqual(nodes.filter((n) => n.role === 'primary').map((n) => n.slots));
    const perPrimary = report.topology!.primaries.map((p) => p.ops);
    expect(perPrimary.reduce((t, v) => t + v, 0)).toBe(keys.length);
    for (const [i, n] of nodes.filter((x) => x.role === 'primary').entries()) {
      expect(perPrimary[i]).toBe(keys.filter((k) => n.slots.some(([f, t]) => slotOfString(k) >= f && slotOfString(k) <= t)).length);
    }
    // The HTML page shades each primary's slot ranges behind the slot charts.
    const html = slotscope(['analyze', '-f', 'html', ...primaryFiles]).stdout;
    const shaded = [...html.split('<figure>')[1].matchAll(/<title>(127\.0\.0\.1:\d+): slots (\d+)-(\d+)<\/title>/g)].map((m) => [m[1], Number(m[2]), Number(m[3])]);
    expect(shaded).toEqual(report.topology!.primaries.flatMap((p) => p.slots.map(([f, t]) => [p.address, f, t])));
    // Today's boundaries are known, so no planned ones are drawn over them, nor guessed in the JSON.
    expect(html).not.toContain('class="planned"');
    expect(html).not.toContain('planned boundaries');
    expect(report.planSummary?.layout).toBeUndefined();
    // The same files away from their manifest: the plan's boundaries are drawn instead.
    const bare = fresh();
    for (const f of primaryFiles) copyFileSync(f, join(bare, basename(f)));
    const guessed = slotscope(['analyze', '-f', 'html', ...primaryFiles.map((f) => join(bare, basename(f)))]).stdout;
    expect(guessed).toContain('class="planned"');
    // The plan, too, sets today's primaries beside its proposed layout.
    const plan = JSON.parse(slotscope(['plan', '-f', 'json', ...primaryFiles]).stdout) as { today: { ops: number }[]; layout: { nodes: unknown[] } };
    expect(plan.today.map((t) => t.ops)).toEqual(perPrimary);
    expect(plan.layout.nodes).toHaveLength(3);
  });

  it('scans exactly the keys redis-cli --cluster call KEYS finds, with sizes and expiry', async () => {
    const seed = `127.0.0.1:${cluster.primaries[0].port}`;
    const { stdout } = await run('redis-cli', ['--cluster', 'call', seed, 'KEYS', '*']);
    // `host:port: key` on the first line of each node's reply, then one key per line; replicas answer too.
    const expected = [...new Set(stdout.split('\n').filter((l) => l && !/Calling/.test(l)).map((l) => l.replace(/^127\.0\.0\.1:\d+: ?/, '')).filter(Boolean))].sort();
    const out = fresh();
    const r = slotscope(['capture', 'scan', `redis://${seed}`, '--memory', '--ttl', '--count', '7', '--out', out]);
    expect(r.status).toBe(0);
    const csvs = readdirSync(out).filter((f) => f.endsWith('.csv'));
    expect(csvs).toHaveLength(3);
    const found = csvs.flatMap((f) => readFileSync(join(out, f), 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l.split(',')[2]) as string)).sort();
    expect(found).toEqual(expected);
    expect(found).toEqual([...keys].sort());
    const report = JSON.parse(slotscope(['analyze', '-f', 'json', ...csvs.map((f) => join(out, f))]).stdout) as Report;
    expect(report.totals.distinctKeys).toBe(keys.length);
    expect(report.totals.bytes).toBeGreaterThan(0);
    expect(report.inputs.every((i) => i.skipped.count === 0)).toBe(true);
    // Today's primaries come from the scan's manifest too, each with the keys of its own slots.
    expect(report.topology?.primaries.map((p) => p.keys).reduce((t, v) => t + v, 0)).toBe(keys.length);
  });

  it('says which slots moved when a reshard runs during the scan', async () => {
    const seedPort = cluster.primaries[0].port;
    const client = new Cluster([{ host: '127.0.0.1', port: seedPort }]);
    const moving = Array.from({ length: 200 }, (_, i) => `{mv}:${i}`);
    for (const k of moving) await client.set(k, 'v');
    await client.quit();
    const slot = slotOfString('mv');
    // Owner and target from the cluster itself: CLUSTER SHARDS would do too, but 7.0's NODES is enough.
    const seed = cluster.primaries[0].client();
    const lines = ((await seed.cluster('NODES')) as string).trim().split('\n').map((l) => l.split(' ')).filter((f) => f[2].includes('master'));
    seed.disconnect();
    const owns = (f: string[]) => f.slice(8).some((r) => !r.startsWith('[') && slot >= Number(r.split('-')[0]) && slot <= Number(r.split('-')[1] ?? r));
    const [from, to] = [lines.find(owns)!, lines.find((f) => !owns(f))!];
    const node = (f: string[]) => cluster.primaries.find((p) => f[1].startsWith(`127.0.0.1:${p.port}@`))!;

    const out = fresh();
    // A slow scan (100 keys/s per node), so the reshard lands in the middle of it.
    const cap = slotscopeAsync(['capture', 'scan', `redis://127.0.0.1:${seedPort}`, '--count', '10', '--rate', '100', '--out', out]);
    // The reshard must begin after the scan read the topology: a fixed sleep raced a slow start under load.
    await waitFor('the scan to start', async () => (readdirSync(out).some((f) => f.endsWith('.csv')) ? true : undefined));
    const [src, dst] = [node(from).client(), node(to).client()];
    await dst.cluster('SETSLOT', slot, 'IMPORTING', from[0]);
    await src.cluster('SETSLOT', slot, 'MIGRATING', to[0]);
    for (;;) {
      const keys = (await src.cluster('GETKEYSINSLOT', slot, 50)) as string[];
      if (keys.length === 0) break;
      await src.migrate('127.0.0.1', node(to).port, '', 0, 5000, 'KEYS', ...keys);
    }
    for (const p of cluster.primaries) {
      const c = p.client();
      await c.cluster('SETSLOT', slot, 'NODE', to[0]);
      c.disconnect();
    }
    src.disconnect();
    dst.disconnect();
    const r = await cap.done;
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`slots ${slot} moved during the capture`);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { captures: { slotsMoved: [number, number][] }[] };
    expect(manifest.captures[0].slotsMoved).toEqual([[slot, slot]]);
    // The analysis of those files says so too.
    const csvs = readdirSync(out).filter((f) => f.endsWith('.csv')).map((f) => join(out, f));
    const report = JSON.parse(slotscope(['analyze', '-f', 'json', ...csvs]).stdout) as Report;
    expect(report.topology?.slotsMoved).toEqual([[slot, slot]]);
    expect(slotscope(['analyze', ...csvs]).stdout).toContain(`slots ${slot} moved while the inputs were captured`);
  });

  it('keeps the files and the manifest when the seed node dies mid-capture', async () => {
    const victim = cluster.primaries[0];
    const out = fresh();
    const cap = slotscopeAsync(['capture', 'monitor', `redis://127.0.0.1:${victim.port}`, '--duration', '3s', '--out', out]);
    await waitFor('all six captures to start', async () => (readdirSync(out).filter((f) => f.endsWith('.monitor') && startsWithOk(join(out, f))).length === 6 ? true : undefined));
    process.kill(victim.pid, 'SIGKILL');
    const r = await cap.done;
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`127.0.0.1:${victim.port}: connection lost`);
    expect(r.stderr).toContain("could not read the cluster's slots again after the capture");
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { captures: { slotsMoved?: unknown; nodes: { address: string; partial: boolean }[] }[] };
    expect(manifest.captures[0].slotsMoved).toBeUndefined(); // unknown, not "none"
    expect(manifest.captures[0].nodes.find((n) => n.address === `127.0.0.1:${victim.port}`)?.partial).toBe(true);
  });
});
