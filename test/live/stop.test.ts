// Stop signals during live captures: SIGINT, SIGTERM and SIGHUP alike keep complete files and a manifest
// marked stopped, and exit 128 + the signal's number. Real servers, a real capture process.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { slotscope, slotscopeAsync } from '../helpers/cli.js';
import { type RedisServer, startRedis, waitFor, waitForMonitor } from '../helpers/redis.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'slotscope-stop-'));
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

describe('stop signals', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`capture monitor --duration 0 runs until ${signal}, then keeps the file and a manifest marked stopped, and exits ${code}`, async () => {
      const out = fresh();
      const ready = join(out, 'ready');
      const cap = slotscopeAsync(['capture', 'monitor', server.url, '--duration', '0', '--out', join(out, 'cap'), '--ready-file', ready]);
      await waitFor('the ready file', async () => (existsSync(ready) ? true : undefined));
      const file = join(out, 'cap', `127.0.0.1-${server.port}.monitor`);
      const c = server.client();
      for (let i = 0; i < 30; i++) await c.set(`${signal}:${i}`, 'v');
      c.disconnect();
      await waitFor('the lines to arrive', async () => (readFileSync(file, 'latin1').includes(`"${signal}:29"`) ? true : undefined));
      // A --duration 0 taken as 0 ms would have ended the capture by now: it must still be running.
      await new Promise((r) => setTimeout(r, 300));
      process.kill(cap.pid, signal);
      const r = await cap.done;
      expect(r.status).toBe(code);
      expect(r.stderr).toMatch(/MONITOR attached on 1 node; capturing until stopped\n/);
      expect(r.stderr).toMatch(new RegExp(`slotscope: stopped by ${signal} at [0-9T:.Z-]+; the files in .* hold every complete line up to then, and manifest\\.json says so\\n$`));
      const text = readFileSync(file, 'latin1');
      expect(text.endsWith('\n')).toBe(true);
      const manifest = manifestOf(join(out, 'cap'));
      expect(manifest.stopped.signal).toBe(signal);
      expect(Date.parse(manifest.stopped.at)).toBeGreaterThan(0);
      expect(manifest.captures[0].nodes[0]).toMatchObject({ partial: false, file: `127.0.0.1-${server.port}.monitor`, lines: text.split('\n').length - 2 });
      const report = JSON.parse(slotscope(['analyze', '-f', 'json', file]).stdout) as Report;
      expect(report.commands.set.calls).toBe(30);
    });
  }

  it('analyze --live prints the report on SIGTERM and exits 143', async () => {
    const live = slotscopeAsync(['analyze', '--live', server.url, '--duration', '0', '-f', 'json']);
    let stderr = '';
    await waitForMonitor(server);
    const c = server.client();
    await c.mset('user:1', 'a', 'user:2', 'b');
    await c.echo('live-marker');
    c.disconnect();
    await new Promise((r) => setTimeout(r, 300));
    process.kill(live.pid, 'SIGTERM');
    const r = await live.done;
    stderr = r.stderr;
    expect(r.status).toBe(143);
    expect(stderr).toMatch(/slotscope: stopped by SIGTERM at \S+; the report covers the traffic up to then\n$/);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.commands.mset).toMatchObject({ calls: 1, crossSlot: 1 });
  });

  it('capture scan stops on Ctrl-C with the keys scanned so far, a manifest marked stopped, exit 130', async () => {
    const c = server.client();
    await c.flushall();
    const p = c.pipeline();
    for (let i = 0; i < 2000; i++) p.set(`scan:${i}`, 'v');
    await p.exec();
    c.disconnect();
    const out = fresh();
    const cap = slotscopeAsync(['capture', 'scan', server.url, '--count', '10', '--rate', '200', '--out', out]);
    const file = join(out, `127.0.0.1-${server.port}.csv`);
    await waitFor('some keys', async () => (existsSync(file) && readFileSync(file, 'utf8').split('\n').length > 50 ? true : undefined));
    process.kill(cap.pid, 'SIGINT');
    const r = await cap.done;
    expect(r.status).toBe(130);
    expect(r.stderr).toMatch(/slotscope: stopped by SIGINT at \S+; the files in .* hold the keys scanned up to then, and manifest\.json says so\n$/);
    const manifest = manifestOf(out);
    expect(manifest.stopped.signal).toBe('SIGINT');
    const node = manifest.captures[0].nodes[0];
    expect(node.partial).toBe(true);
    expect(node.error).toBeUndefined();
    const rows = readFileSync(file, 'utf8');
    expect(rows.endsWith('\n')).toBe(true);
    expect(rows.trim().split('\n').length - 1).toBe(node.keys);
    expect(node.keys).toBeGreaterThan(0);
    expect(node.keys).toBeLessThan(2000);
    const report = JSON.parse(slotscope(['analyze', '-f', 'json', file]).stdout) as Report;
    expect(report.totals.keyRecords).toBe(node.keys);
    expect(report.totals.skippedLines).toBe(0);
  });

  it('a second signal gives up a server that stopped answering, and still writes the manifest', async () => {
    const frozen = await startRedis();
    try {
      const c = frozen.client();
      const p = c.pipeline();
      for (let i = 0; i < 3000; i++) p.set(`f:${i}`, 'v');
      await p.exec();
      c.disconnect();
      const out = fresh();
      const cap = slotscopeAsync(['capture', 'scan', frozen.url, '--count', '10', '--rate', '500', '--out', out]);
      const file = join(out, `127.0.0.1-${frozen.port}.csv`);
      await waitFor('some keys', async () => (existsSync(file) && readFileSync(file, 'utf8').split('\n').length > 20 ? true : undefined));
      // The server freezes with a batch in flight: the first signal waits for it, in vain.
      process.kill(frozen.pid, 'SIGSTOP');
      await new Promise((r) => setTimeout(r, 200));
      process.kill(cap.pid, 'SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      expect(existsSync(join(out, 'manifest.json'))).toBe(false);
      const second = Date.now();
      process.kill(cap.pid, 'SIGTERM');
      const r = await cap.done;
      expect(Date.now() - second).toBeLessThan(2500);
      expect(r.status).toBe(143);
      const manifest = manifestOf(out);
      expect(manifest.stopped.signal).toBe('SIGTERM');
      expect(manifest.captures[0].nodes[0]).toMatchObject({ partial: true });
      expect(readFileSync(file, 'utf8').trim().split('\n').length - 1).toBe(manifest.captures[0].nodes[0].keys);
    } finally {
      process.kill(frozen.pid, 'SIGCONT');
      await frozen.stop();
    }
  });

  it('rejects a bad duration before MONITOR starts, in one line', () => {
    for (const bad of ['abc', '1h30x', '30m1h', '']) {
      const r = slotscope(['capture', 'monitor', server.url, '--duration', bad, '--out', fresh()]);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`slotscope: not a duration: ${JSON.stringify(bad)} (examples: 500ms, 30s, 2m, 1h30m; 0 captures until stopped)\n`);
      const live = slotscope(['analyze', '--live', server.url, '--duration', bad]);
      expect(live.status).toBe(2);
      expect(live.stderr).not.toMatch(/MONITOR/);
    }
  });
});
