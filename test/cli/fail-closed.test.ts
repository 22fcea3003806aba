// `check` fails closed, and every user-caused fault is one line with exit 2: the CLI run as a user runs it.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, slotscope } from '../helpers/cli.js';
import { captureTraffic, type RedisServer, startRedis, waitFor } from '../helpers/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'slotscope-fail-closed-'));
const file = (name: string, content: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const good = '1795370304.301218 [0 127.0.0.1:1] "get" "a"';
const header = 'database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry';
type Gate = { gate: string; value: number | string; limit: number | string; passed: boolean };
const gates = (args: string[]): { status: number | null; gates: Gate[]; passed: boolean; stderr: string } => {
  const r = slotscope(['check', '-f', 'json', ...args]);
  const out = JSON.parse(r.stdout) as { passed: boolean; gates: Gate[] };
  return { status: r.status, gates: out.gates, passed: out.passed, stderr: r.stderr };
};
const gate = (gs: Gate[], name: string): Gate => gs.find((g) => g.gate === name)!;
const oneLine = (stderr: string): void => {
  expect(stderr).not.toMatch(/\n\s+at |internal error/);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
};

describe('check fails closed', () => {
  it('fails an input that yields no commands: empty, only OK, only a CSV header', () => {
    for (const [name, content, failing] of [
      ['empty.monitor', '', 'client commands read'],
      ['ok.monitor', 'OK\n', 'client commands read'],
      ['header.csv', `${header}\n`, 'keys read'],
    ] as const) {
      const r = gates([file(name, content)]);
      expect(r.status, name).toBe(1);
      expect(r.passed).toBe(false);
      expect(gate(r.gates, failing)).toMatchObject({ value: 0, passed: false });
      expect(gate(r.gates, 'inputs with no records')).toMatchObject({ value: 1, passed: false });
      expect(gate(r.gates, 'verdict').passed).toBe(true); // nothing blocked: the verdict alone would pass
    }
  });

  it('fails when every line was skipped: random bytes, JSON read as MONITOR; refuses zstd outright', () => {
    const zstd = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.from('\n\x00\x01\n\xff\xfe\n')]);
    let seed = 7;
    const random = Buffer.from(Array.from({ length: 4000 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));
    // Compressed data is refused by its magic bytes before any line is read, whatever the format asked for.
    const z = slotscope(['check', '--input-format', 'monitor', file('a.zst', zstd)]);
    expect(z.status).toBe(2);
    expect(z.stderr).toMatch(/a\.zst: zstd-compressed; decompress it first/);
    for (const [name, content] of [
      ['a.bin', random],
      ['a.json', '{"schema": "x",\n "a": [1, 2]}\n'],
      ['a.json.gz', gzipSync('{"a": 1}\n{"b": 2}\n')],
    ] as const) {
      const r = gates(['--input-format', 'monitor', file(name, content)]);
      expect(r.status, name).toBe(1);
      expect(gate(r.gates, 'skipped share')).toMatchObject({ value: 1, passed: false });
      expect(gate(r.gates, 'client commands read').passed).toBe(false);
      expect(r.stderr).toMatch(new RegExp(`${name}:1: not a MONITOR line`));
    }
  });

  it('fails a skip share above --max-skipped-share, printing the skipped lines as analyze does', () => {
    const p = file('mostly.monitor', ['OK', good, good, 'garbage', good].join('\n'));
    const r = gates([p]);
    expect(r.status).toBe(1);
    expect(gate(r.gates, 'skipped share')).toEqual({ gate: 'skipped share', value: 0.25, limit: 0.01, passed: false });
    expect(r.stderr).toBe(`slotscope: ${p}:4: not a MONITOR line: expected <seconds>.<micros> timestamp\n`);
    expect(gates(['--max-skipped-share', '0.25', p]).status).toBe(0);
    expect(slotscope(['check', '--max-skipped-share', '1.5', p]).status).toBe(2);
  });

  it('fails when commands no key spec describes (a module\'s) pass --max-unknown-share, unless allow-listed', () => {
    // JSON.MGET across slots fails in a cluster too, but no key spec here describes it: its keys go unjudged.
    const p = file('module.monitor', ['1795370304.301218 [0 127.0.0.1:1] "json.mget" "a" "b" "$"', '1795370304.301219 [0 127.0.0.1:1] "json.mget" "c" "d" "$"', good].join('\n'));
    const r = gates([p]);
    expect(gate(r.gates, 'unknown commands share')).toEqual({ gate: 'unknown commands share', value: 0.666667, limit: 0.01, passed: false, failures: [{ what: 'json.mget', count: 2 }] });
    expect(r.status).toBe(1);
    expect(gates(['--max-unknown-share', '0.7', p]).status).toBe(0);
    const allow = file('allow.yml', 'allow:\n  - command: json.mget\n    reason: RedisJSON keys are tagged by hand\n    expires: 2999-12-31\n');
    expect(gate(gates(['--allowlist', allow, p]).gates, 'unknown commands share')).toMatchObject({ value: 0, passed: true });
  });

  it('honours --min-commands for commands and for keys', () => {
    const p = file('three.monitor', [good, good, good].join('\n'));
    expect(gates(['--min-commands', '3', p]).status).toBe(0);
    expect(gate(gates(['--min-commands', '4', p]).gates, 'client commands read')).toEqual({ gate: 'client commands read', value: 3, limit: 'at least 4', passed: false });
    const keys = file('two.scan', 'a\nb\n');
    expect(gates([keys]).status).toBe(0);
    expect(gate(gates(['--min-commands', '3', keys]).gates, 'keys read')).toMatchObject({ value: 2, passed: false });
    expect(gate(gates([keys]).gates, 'client commands read')).toBeUndefined();
  });
});

describe('check on captures from a real server', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('fails a MONITOR that saw no traffic, passes one that saw a real client, and gates keys of a --scan dump', async () => {
    // A real redis-cli MONITOR stopped before any client sent a command: the file holds only its OK.
    const idle = join(dir, 'idle.monitor');
    const out = openSync(idle, 'w');
    const monitor = spawn('redis-cli', ['-p', String(server.port), 'MONITOR'], { stdio: ['ignore', out, 'ignore'] });
    await waitFor('MONITOR to answer OK', async () => (readFileSync(idle, 'latin1').startsWith('OK') ? true : undefined));
    monitor.kill('SIGTERM');
    await new Promise((r) => monitor.once('exit', r));
    closeSync(out);
    expect(readFileSync(idle, 'latin1')).toBe('OK\n');
    const r = gates([idle]);
    expect(r.status).toBe(1);
    expect(gate(r.gates, 'client commands read')).toMatchObject({ value: 0, passed: false });
    const busy = await captureTraffic(server, async () => {
      const c = server.client();
      await c.set('{user:1}:a', '1');
      await c.mget('{user:1}:a', '{user:1}:b');
      c.disconnect();
    });
    const ok = gates([busy]);
    expect(ok.status).toBe(0);
    expect(gate(ok.gates, 'client commands read').value).toBeGreaterThanOrEqual(2);
    const scan = spawnSync('redis-cli', ['-p', String(server.port), '--scan'], { encoding: 'latin1' });
    const keys = gates([file('real.scan', scan.stdout)]);
    expect(keys.status).toBe(0);
    expect(gate(keys.gates, 'keys read')).toMatchObject({ value: 1, passed: true });
  });
});

describe('user-caused faults: one line, exit 2', () => {
  it('usage errors are one line in the same form', () => {
    const r = slotscope(['plan', '--shards', '0', 'samples/app.monitor']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("slotscope: option '--shards <n>' argument '0' is invalid. expected a positive integer\n");
    const unknown = slotscope(['analyze', '--bogus', 'samples/app.monitor']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe("slotscope: unknown option '--bogus'\n");
    // commander's suggestion on the same line, not a second one.
    const typo = slotscope(['analyze', '--stric', 'samples/app.monitor']);
    expect([typo.status, typo.stderr]).toEqual([2, "slotscope: unknown option '--stric' (Did you mean --strict?)\n"]);
    // merge takes summary files: stdin and a directory are refused as what they are.
    expect(slotscope(['merge', '-']).stderr).toBe('slotscope: -: merge reads summary files, not stdin: give the files `slotscope analyze --summary-out` wrote\n');
    expect(slotscope(['merge', 'samples']).stderr).toBe('slotscope: samples: is a directory: give the summaries in it (samples/*.summary)\n');
  });

  it('plan --rename-map into a missing directory, before reading any input', () => {
    const r = slotscope(['plan', '--rename-map', '/nonexistent/x.csv', join(dir, 'missing.monitor')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('slotscope: /nonexistent/x.csv: no such directory\n');
  });

  it('-o into a missing directory, onto a directory, or onto an input', () => {
    const missing = slotscope(['analyze', '-o', join(dir, 'no', 'r.json'), join(dir, 'missing.monitor')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`slotscope: ${join(dir, 'no', 'r.json')}: no such directory\n`);
    const onDir = slotscope(['plan', '-o', dir, 'samples/app.monitor']);
    expect(onDir.status).toBe(2);
    expect(onDir.stderr).toBe(`slotscope: ${dir}: is a directory\n`);
    const input = file('self.monitor', readFileSync('samples/app.monitor'));
    const self = slotscope(['analyze', '-o', input, `node1=${input}`]);
    expect(self.status).toBe(2);
    oneLine(self.stderr);
    expect(readFileSync(input).equals(readFileSync('samples/app.monitor'))).toBe(true);
  });

  it('writes -o and --rename-map files when all is well', () => {
    const out = join(dir, 'plan.json');
    const map = join(dir, 'map.csv');
    const r = slotscope(['plan', '-f', 'json', '-o', out, '--rename-map', map, 'samples/app.monitor', 'samples/app.scan']);
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).schema).toMatch(/^slotscope\.plan\//);
    expect(readFileSync(map, 'latin1')).toMatch(/^old_key,new_key\n"/);
  });

  it('stdout on a full disk: one line, exit 2', () => {
    const full = openSync('/dev/full', 'w');
    const r = spawnSync(process.execPath, [CLI, 'analyze', '-f', 'json', 'samples/app.monitor'], { stdio: ['ignore', full, 'pipe'], encoding: 'latin1' });
    closeSync(full);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('slotscope: stdout: no space left on device\n');
    const o = slotscope(['analyze', '-f', 'json', '-o', '/dev/full', 'samples/app.monitor']);
    expect(o.status).toBe(2);
    expect(o.stderr).toBe('slotscope: /dev/full: no space left on device\n');
  });

  it('a file that fills up (the size limit of ulimit -f) is left empty, not as a page or rename map that reads as whole', () => {
    const html = join(dir, 'cut.html');
    const map = join(dir, 'cut-map.csv');
    // A key dump whose rename map is far larger than the limit; the page is too.
    const scan = file('many.scan', Array.from({ length: 20000 }, (_, i) => `user:${i}:balance\nuser:${i}:ledger\n`).join(''));
    for (const [args, out] of [[['analyze', '-f', 'html', '-o', html, 'samples/app.monitor'], html], [['plan', '-f', 'json', '-o', join(dir, 'cut-plan.json'), '--rename-map', map, 'samples/app.monitor', scan], map]] as const) {
      const r = spawnSync('sh', ['-c', 'ulimit -f 64; exec "$@"', 'sh', process.execPath, CLI, ...args], { encoding: 'latin1' });
      expect(r.stderr).toBe(`slotscope: ${out}: file too large\n`);
      expect(r.status).toBe(2);
      expect(readFileSync(out, 'latin1')).toBe('');
    }
  });

  it('a signal stops analyze, check and plan as that signal (the shell reports 128 + n), not as a pass', async () => {
    for (const [command, signal] of [['analyze', 'SIGINT'], ['check', 'SIGTERM'], ['plan', 'SIGHUP']] as const) {
      const fifo = join(dir, `${command}.fifo`);
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      const child = spawn(process.execPath, [CLI, command, fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
      // Opening the FIFO for writing returns once the command has opened it: it is reading its input.
      const writer = await open(fifo, 'w');
      await writer.write(`${good}\n`);
      child.kill(signal);
      const [code, got] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('close', (c, s) => r([c, s])));
      await writer.close();
      expect([command, code, got]).toEqual([command, null, signal]);
    }
  });

  it('stdout closed early (| head): stops quietly with the exit code it had', () => {
    const pipe = (cmd: string) => spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" ${cmd} | head -c 10 >/dev/null`], { encoding: 'latin1' });
    const analyze = pipe('analyze -f json samples/app.monitor samples/benchmark.monitor');
    expect(analyze.stderr).toBe('');
    expect(analyze.status).toBe(0);
    const keys = file('many.keys', 'user:1000\n'.repeat(200_000));
    const keyslot = pipe(`keyslot --stdin < "${keys}"`);
    expect(keyslot.stderr).toBe('');
    expect(keyslot.status).toBe(0);
  });
});
