// `slotscope record -- COMMAND`: real redis-server processes, a real ioredis app as COMMAND. Every command
// the app sends, from its first (ioredis's HELLO) to the burst it pipelines just before exiting, is in the
// files; exit codes and signals reach the app and come back; a second signal stops at once.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { CLI, slotscope, slotscopeAsync } from '../helpers/cli.js';
import { type RedisCluster, type RedisServer, startCluster, startRedis, waitFor } from '../helpers/redis.js';

const APP = new URL('./app-under-test.mjs', import.meta.url).pathname;
const USERS = 200;
const BURST = 2000;
/** What the app sends besides ioredis's own HELLO/INFO: SET app:first, USERS SET+HSET, USERS/10 MGETs, the burst. */
const SETS = 1 + USERS + BURST;

const fresh = (): string => mkdtempSync(join(tmpdir(), 'slotscope-record-'));
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const monitorFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.monitor')).map((f) => join(dir, f));
const appEnv = (url: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ ...process.env, REDIS_URL: url, APP_USERS: String(USERS), APP_BURST: String(BURST), ...extra });
const reportOf = (dir: string): Report => JSON.parse(slotscope(['analyze', '--strict', '-f', 'json', dir]).stdout) as Report;

/**
 * A slow link in front of a server: bytes either way arrive delayMs later, as with a distant server, so
 * MONITOR attaches late and its stream lags behind the commands the server runs. Bytes pass unchanged.
 */
async function laggingLink(port: number, delayMs: number): Promise<{ url: string; server: Server }> {
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    const later = (fn: () => void): void => void setTimeout(fn, delayMs);
    client.on('data', (d) => later(() => upstream.write(d)));
    upstream.on('data', (d) => later(() => client.write(d)));
    upstream.on('end', () => later(() => client.end()));
    client.on('close', () => later(() => upstream.destroy()));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `redis://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function record(args: string[], env: NodeJS.ProcessEnv) {
  const run = slotscopeAsync(['record', ...args], env);
  return run.done;
}

describe('slotscope record', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('captures every command of the wrapped app, from its first to the burst sent just before it exits, then runs the gates', async () => {
    const out = join(fresh(), 'rec');
    const r = await record(['--redis', server.url, '--out', out, '--', process.execPath, APP], appEnv(server.url));
    expect(r.stderr).toBe('slotscope: MONITOR attached on 1 node; running ' + process.execPath + '\n');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^PASS {2}cross-slot commands: 0 \(limit 0\)$/m);
    const [file] = monitorFiles(out);
    const lines = readFileSync(file, 'latin1').split('\n');
    // The app's connection opens with ioredis's HELLO: nothing of the app came before MONITOR was attached.
    expect(lines[0]).toBe('OK');
    expect(lines[1]).toMatch(/\] "hello" "3"$/);
    expect(lines.at(-1)).toBe('');
    expect(lines.at(-2)).toMatch(new RegExp(`"set" "app:last:\\{${(BURST - 1) % 16}\\}" "${BURST - 1}"$`));
    // The end marker (an ECHO on a connection of our own, opened before MONITOR) is not in the file.
    expect(lines.filter((l) => /"echo"|"ping"|slotscope-record-end/i.test(l))).toEqual([]);
    const report = reportOf(out);
    expect(report.commands.set.calls).toBe(SETS);
    expect(report.commands.hset.calls).toBe(USERS);
    expect(report.commands.mget.calls).toBe(USERS / 10);
    const node = manifestOf(out).captures[0].nodes[0];
    expect(node).toMatchObject({ partial: false, file: `127.0.0.1-${server.port}.monitor`, lines: lines.length - 2 });
    expect(node.bytes).toBe(readFileSync(file).length);
  });

  describe('over a link 150 ms each way (MONITOR attaches late, its stream lags)', () => {
    let link: Awaited<ReturnType<typeof laggingLink>>;
    beforeAll(async () => {
      link = await laggingLink(server.port, 150);
    });
    afterAll(() => {
      link?.server.close();
    });

    it('the first command of a command that starts fast (redis-cli, straight to the server) is captured', async () => {
      const out = join(fresh(), 'rec');
      const r = await record(['--redis', link.url, '--out', out, '--', 'redis-cli', '-p', String(server.port), 'SET', 'record:first', '1'], process.env);
      expect(r.status).toBe(0);
      expect(readFileSync(monitorFiles(out)[0], 'latin1')).toMatch(/^OK\n\S+ \[0 127\.0\.0\.1:\d+\] "SET" "record:first" "1"\n$/);
    });

    it('the commands the app sent just before it exited are in the file', async () => {
      const out = join(fresh(), 'rec');
      // The app talks to the server directly; only slotscope's connections go over the slow link.
      const r = await record(['--redis', link.url, '--out', out, '--', process.execPath, APP], appEnv(server.url));
      expect(r.status).toBe(0);
      const report = reportOf(out);
      expect(report.commands.set.calls).toBe(SETS);
      expect(report.commands.hset.calls).toBe(USERS);
    });
  });

  it('on a 3-primary cluster: MONITOR on every node before the app starts, every command in the node that ran it', async () => {
    const cluster: RedisCluster = await startCluster(3);
    try {
      const url = cluster.nodes[0].url;
      const out = join(fresh(), 'rec');
      const r = await record(['--redis', url, '--out', out, '--', process.execPath, APP], appEnv(url, { REDIS_CLUSTER: '1' }));
      expect(r.stderr).toMatch(/^slotscope: MONITOR attached on 3 nodes; running /);
      expect(r.status).toBe(0);
      const files = monitorFiles(out);
      expect(files).toHaveLength(3);
      const manifest = manifestOf(out);
      expect(manifest.captures[0]).toMatchObject({ mode: 'cluster', slotsMoved: [] });
      expect(manifest.captures[0].nodes.map((n: { role: string }) => n.role)).toEqual(['primary', 'primary', 'primary']);
      const report = reportOf(out);
      expect(report.commands.set.calls).toBe(SETS);
      expect(report.commands.hset.calls).toBe(USERS);
      // Each node's file holds that node's share: the burst's 16 tags spread over all three.
      for (const f of files) expect(readFileSync(f, 'latin1')).toMatch(/"set" "app:last:/);
      expect(report.totals.crossSlotCommands).toBe(0);
    } finally {
      await cluster.stop();
    }
  });

  it('--redis twice: both deployments captured at once, one manifest entry each', async () => {
    const other = await startRedis();
    try {
      const out = join(fresh(), 'rec');
      const r = await record(['--redis', server.url, '--redis', other.url, '--out', out, '--', 'sh', '-c', `redis-cli -p ${server.port} SET one 1 && redis-cli -p ${other.port} SET two 2`], process.env);
      expect(r.stderr).toMatch(/^slotscope: MONITOR attached on 2 nodes; running sh\n/);
      expect(r.status).toBe(0);
      expect(manifestOf(out).captures.map((c: { url: string }) => c.url)).toEqual([`127.0.0.1:${server.port}`, `127.0.0.1:${other.port}`]);
      expect(readFileSync(join(out, `127.0.0.1-${server.port}.monitor`), 'latin1')).toMatch(/^OK\n\S+ \[0 \S+\] "SET" "one" "1"\n$/);
      expect(readFileSync(join(out, `127.0.0.1-${other.port}.monitor`), 'latin1')).toMatch(/^OK\n\S+ \[0 \S+\] "SET" "two" "2"\n$/);
    } finally {
      await other.stop();
    }
  });

  it("exits with the app's own code when it fails, after running the gates on its traffic", async () => {
    const out = join(fresh(), 'rec');
    const r = await record(['--redis', server.url, '--out', out, '--', process.execPath, APP], appEnv(server.url, { APP_EXIT: '3', APP_CROSS_SLOT: '1' }));
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/^FAIL {2}cross-slot commands: 1 \(limit 0\)$/m);
    expect(r.stderr).toMatch(new RegExp(`slotscope: ${process.execPath} exited 3; the gates above ran on its traffic, but the exit code is ${process.execPath}'s \\(3\\)\\n$`));
    expect(reportOf(out).commands.mget.crossSlot).toBe(1);
  });

  it('fails the gate (exit 1) when the app is fine but its traffic is not', async () => {
    const out = join(fresh(), 'rec');
    const r = await record(['--redis', server.url, '--out', out, '--', process.execPath, APP], appEnv(server.url, { APP_CROSS_SLOT: '1' }));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}cross-slot commands: 1 \(limit 0\)$/m);
  });

  it('exits 127 for a command that does not exist and 126 for one that cannot be run, in one line', async () => {
    const dir = fresh();
    const missing = await record(['--redis', server.url, '--out', join(dir, 'a'), '--', 'slotscope-no-such-command'], process.env);
    expect(missing).toMatchObject({ status: 127, stdout: '' });
    expect(missing.stderr).toBe('slotscope: MONITOR attached on 1 node; running slotscope-no-such-command\nslotscope: slotscope-no-such-command: command not found\n');
    const notExecutable = await record(['--redis', server.url, '--out', join(dir, 'b'), '--', APP], process.env);
    expect(notExecutable.status).toBe(126);
    expect(notExecutable.stderr).toMatch(/slotscope: .*app-under-test\.mjs: permission denied\n$/);
  });

  it('refuses an unreachable server before starting the command', async () => {
    const dir = fresh();
    const marker = join(dir, 'ran');
    const r = await record(['--redis', 'redis://127.0.0.1:1', '--out', join(dir, 'rec'), '--', 'sh', '-c', `touch ${marker}`], process.env);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^slotscope: 127\.0\.0\.1:1: cannot connect \(.*\)\n$/);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses an output it cannot write or a bad allow-list before starting the command, and writes each output once', async () => {
    const dir = fresh();
    const marker = join(dir, 'ran');
    const badList = join(dir, 'allow.yml');
    writeFileSync(badList, 'allow:\n  - finding: cross-slot-command\n');
    for (const [args, message] of [
      [['-o', join(dir, 'no-such-dir', 'check.json')], `slotscope: ${join(dir, 'no-such-dir', 'check.json')}: no such directory\n`],
      [['--junit', join(dir, 'no-such-dir', 'junit.xml')], `slotscope: ${join(dir, 'no-such-dir', 'junit.xml')}: no such directory\n`],
      [['--allowlist', badList], `slotscope: ${badList}:2: entry has no reason: say why it is accepted\n`],
    ] as const) {
      const r = await record(['--redis', server.url, '--out', join(dir, 'rec'), ...args, '--', 'sh', '-c', `touch ${marker}`], process.env);
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 2, stderr: message });
      expect(existsSync(marker)).toBe(false);
    }
    // Opened before the run and written after it, by the same descriptor: strace sees one open per file.
    const junit = join(dir, 'junit.xml');
    const trace = join(dir, 'trace');
    const r = spawnSync('strace', ['-f', '-e', 'trace=openat', '-o', trace, process.execPath, CLI, 'record', '--redis', server.url, '--out', join(dir, 'rec2'), '--junit', junit, '-o', join(dir, 'check.json'), '--', 'redis-cli', '-p', String(server.port), 'set', 'a', 'b'], { encoding: 'utf8' });
    expect(r.stderr).toMatch(/MONITOR attached/);
    expect(r.status).toBe(0);
    const opens = (file: string): number => readFileSync(trace, 'utf8').split('\n').filter((l) => l.includes(`"${file}"`) && l.includes('O_WRONLY')).length;
    expect([opens(junit), opens(join(dir, 'check.json'))]).toEqual([1, 1]);
    expect(readFileSync(junit, 'utf8')).toContain('<testsuites');
  });

  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`forwards ${signal} to the app, captures its shutdown, keeps the files and exits ${code}`, async () => {
      const dir = fresh();
      const out = join(dir, 'rec');
      const [pidFile, signalFile] = [join(dir, 'pid'), join(dir, 'signal')];
      const run = slotscopeAsync(['record', '--redis', server.url, '--out', out, '--', process.execPath, APP], appEnv(server.url, { APP_PID_FILE: pidFile, APP_SIGNAL_FILE: signalFile }));
      await waitFor('the app to run', async () => (existsSync(pidFile) ? true : undefined));
      process.kill(run.pid, signal);
      const r = await run.done;
      expect(readFileSync(signalFile, 'utf8')).toBe(signal);
      expect(r.status).toBe(code);
      expect(r.stderr).toMatch(new RegExp(`slotscope: stopped by ${signal} at \\S+; the files in .* hold every complete line up to then, and manifest\\.json says so; the gates were not run\\n$`));
      expect(r.stdout).toBe('');
      // What the app did after the signal reached it is in the file: the capture ran until it exited.
      expect(readFileSync(monitorFiles(out)[0], 'latin1')).toMatch(new RegExp(`"set" "app:shutdown" "${signal}"\\n$`));
      expect(manifestOf(out).stopped.signal).toBe(signal);
    });
  }

  it('a second SIGINT stops at once, with complete files, and kills the app that ignored the first', async () => {
    const dir = fresh();
    const out = join(dir, 'rec');
    const pidFile = join(dir, 'pid');
    const run = slotscopeAsync(['record', '--redis', server.url, '--out', out, '--', process.execPath, APP], appEnv(server.url, { APP_PID_FILE: pidFile, APP_SIGNAL_FILE: join(dir, 'signal'), APP_IGNORE_SIGNALS: '1' }));
    await waitFor('the app to run', async () => (existsSync(pidFile) ? true : undefined));
    const appPid = Number(readFileSync(pidFile, 'utf8'));
    try {
      process.kill(run.pid, 'SIGINT');
      await new Promise((r) => setTimeout(r, 300));
      // The app ignored it and goes on: so does the capture.
      expect(existsSync(join(out, 'manifest.json'))).toBe(false);
      const second = Date.now();
      process.kill(run.pid, 'SIGINT');
      const r = await run.done;
      expect(Date.now() - second).toBeLessThan(2000);
      expect(r.status).toBe(130);
      const manifest = manifestOf(out);
      expect(manifest.stopped.signal).toBe('SIGINT');
      const [file] = monitorFiles(out);
      const text = readFileSync(file, 'latin1');
      expect(text.endsWith('\n')).toBe(true);
      expect(manifest.captures[0].nodes[0].lines).toBe(text.split('\n').length - 2);
      // Every line parses: --strict exits 2 on any skipped line.
      const analyzed = slotscope(['analyze', '--strict', '-f', 'json', out]);
      expect(analyzed.status).toBe(0);
      expect((JSON.parse(analyzed.stdout) as Report).commands.set.calls).toBeGreaterThan(1);
      // ... and the app with it: left running, it would go on sending traffic nobody records.
      await waitFor('the app to be gone', async () => (alive(appPid) ? undefined : true), 2000);
    } finally {
      if (alive(appPid)) process.kill(appPid, 'SIGKILL');
    }
  });
});
