// Progress of the live commands in a real terminal, against real servers: capture monitor's countdown and
// lines/s per node, capture scan's keys/s, verify's commands replayed/s, each ending in its summary.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/report/terminal-width.js';
import { CLI, slotscope } from '../helpers/cli.js';
import { type RedisCluster, type RedisServer, startCluster, startRedis } from '../helpers/redis.js';
import { inTerminal, redraws } from './tmux.js';

const node = (args: string[]): string[] => [process.execPath, CLI, ...args];

describe('capture in a terminal', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** Runs the command in a terminal while a client keeps writing to the server. */
  async function withTraffic(args: string[]): ReturnType<typeof inTerminal> {
    const client = server.client();
    let sending = true;
    const traffic = (async () => {
      for (let i = 0; sending; i++) await client.set(`k:${i % 100}`, 'v');
    })();
    try {
      return await inTerminal(node(args));
    } finally {
      sending = false;
      await traffic;
      client.disconnect();
    }
  }

  it('monitor: counts down with lines/s per node, then says what it captured', async () => {
    const out = mkdtempSync(join(tmpdir(), 'slotscope-cap-'));
    const tty = await withTraffic(['capture', 'monitor', server.url, '--duration', '3s', '--out', out]);
    expect(tty.status).toBe(0);
    const lines = redraws(tty.raw);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(new RegExp(`^capturing 1 node, [0-3] s left: 127\\.0\\.0\\.1:${server.port} [\\d,]+/s$`));
    expect(lines.some((l) => !/ 0\/s$/.test(l))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { captures: { nodes: { lines: number }[] }[] };
    const captured = manifest.captures[0].nodes[0].lines;
    expect(captured).toBeGreaterThan(10);
    expect(tty.screen).toContain(`captured ${captured.toLocaleString('en-US')} lines from 1 node in 3.`);
    expect(tty.screen).not.toMatch(/capturing 1 node,/);
  });

  it('analyze --live: the same countdown, then how many lines it analysed', async () => {
    const tty = await withTraffic(['analyze', '--live', server.url, '--duration', '3s']);
    expect(tty.status).toBe(0);
    const lines = redraws(tty.raw);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(new RegExp(`^capturing 1 node, [0-3] s left: 127\\.0\\.0\\.1:${server.port} [\\d,]+/s$`));
    expect(tty.screen).toMatch(/^analysed [\d,]+ lines from 1 node in 3\.\d s$/m);
    expect(tty.screen).toMatch(/^Verdict: READY/m);
    expect(tty.screen).not.toMatch(/capturing 1 node,/);
  });

  it('scan: keys and keys/s, then how many keys from how many nodes', async () => {
    const client = server.client();
    await client.flushall();
    for (let i = 0; i < 400; i++) await client.set(`user:${i}`, 'x');
    client.disconnect();
    const out = mkdtempSync(join(tmpdir(), 'slotscope-scan-'));
    const tty = await inTerminal(node(['capture', 'scan', server.url, '--rate', '200', '--count', '50', '--out', out]));
    expect(tty.status).toBe(0);
    const lines = redraws(tty.raw);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l).toMatch(new RegExp(`^scanning 1/1 127\\.0\\.0\\.1:${server.port}: [\\d,]+ keys, [\\d,]+ keys/s, [01]/1 nodes done \\(\\d s\\)$`));
    expect(tty.screen).toMatch(/scanned 400 keys from 1 node in [\d.]+ s into /);
    expect(tty.screen).not.toMatch(/scanning 1\/1/);
  });
});

describe('verify in a terminal', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startCluster(3);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('shows commands replayed and the rate, then the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slotscope-verify-'));
    const plan = slotscope(['plan', '-f', 'json', 'samples/app.monitor']);
    expect(plan.status).toBe(0);
    writeFileSync(join(dir, 'plan.json'), plan.stdout);
    const tty = await inTerminal(node(['verify', '--plan', join(dir, 'plan.json'), '--cluster', `redis://127.0.0.1:${cluster.primaries[0].port}`, 'samples/app.monitor']), { timeoutMs: 120_000 });
    expect(tty.status).toBe(0);
    const lines = redraws(tty.raw);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(l).toMatch(/^replaying: [\d,]+ of [\d,]+ commands \(\d+%\), [\d,]+\/s$/);
      expect(displayWidth(l)).toBeLessThan(80);
    }
    const replayed = /^PASS verify: (\d+) commands replayed/m.exec(tty.screen)![1]; // the table, on stdout
    expect(tty.screen).toMatch(new RegExp(`^replayed ${Number(replayed).toLocaleString('en-US')} commands into 3 primaries in [\\d.]+ s \\([\\d,]+/s\\)$`, 'm'));
    expect(tty.screen).not.toMatch(/replaying:/);
  });
});
