import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { CLI, slotscope } from '../helpers/cli.js';
import { captureTraffic, type RedisServer, startRedis } from '../helpers/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'slotscope-cli-'));
const file = (name: string, content: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const json = (args: string[], input?: string | Buffer): Report => {
  const r = slotscope(['analyze', '-f', 'json', ...args], input);
  expect(r.stderr).not.toMatch(/\n\s+at /); // never a stack trace
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Report;
};
const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);

describe('analyze on the bundled samples', () => {
  it('counts client and script commands exactly as the capture holds them', () => {
    const text = readFileSync('samples/app.monitor', 'latin1');
    const lines = text.split('\n').filter((l) => /^\d+\.\d{6} \[/.test(l));
    const lua = lines.filter((l) => / lua\] "/.test(l)).length;
    const r = json(['samples/app.monitor']);
    expect(r.schema).toBe('slotscope.report/1');
    expect(r.totals.commands).toBe(lines.length - lua);
    expect(r.totals.scriptCommands).toBe(lua);
    expect(r.inputs[0]).toMatchObject({ node: 'app', format: 'monitor', records: lines.length, skipped: { count: 0 } });
    expect(sum(Object.values(r.commands).map((c) => c.calls))).toBe(r.totals.commands);
    expect(sum(Object.values(r.commands).map((c) => c.crossSlot))).toBe(r.totals.crossSlotCommands);
    expect(r.slots.keys).toHaveLength(16384);
    expect(sum(r.slots.keys)).toBe(r.totals.distinctKeys);
    expect(r.nodes.app.commands).toBe(r.totals.commands);
  });

  it('reads SCAN dumps raw and quoted, and a memory CSV, to the same keys', () => {
    const raw = json(['samples/app.scan']);
    const quoted = json(['samples/app-quoted.scan']);
    const csv = json(['samples/app-memory.csv']);
    expect(raw.inputs[0].format).toBe('scan');
    expect(quoted.inputs[0].format).toBe('scan-quoted');
    expect(csv.inputs[0].format).toBe('memory-csv');
    expect(quoted.slots.keys).toEqual(raw.slots.keys);
    expect(csv.slots.keys).toEqual(raw.slots.keys);
    expect(raw.totals.distinctKeys).toBe(readFileSync('samples/app.scan', 'latin1').trim().split('\n').length);
    expect(csv.totals.bytes).toBeGreaterThan(0);
    expect(sum(csv.slots.bytes!)).toBe(csv.totals.bytes);
  });

  it('reads gzip (by magic bytes, whatever the name) and stdin, tagging nodes', () => {
    const gz = file('capture.log', gzipSync(readFileSync('samples/app.monitor')));
    const plain = json(['samples/app.monitor']);
    const fromGz = json([`--node`, `east=${gz}`]);
    const fromStdin = json(['-'], readFileSync('samples/app.monitor'));
    expect(fromGz.totals).toEqual(plain.totals);
    expect(Object.keys(fromGz.nodes)).toEqual(['east']);
    expect(fromStdin.totals).toEqual(plain.totals);
    expect(Object.keys(fromStdin.nodes)).toEqual(['stdin']);
    const both = json(['samples/app.monitor', 'samples/benchmark.monitor']);
    expect(both.totals.commands).toBe(plain.totals.commands + json(['samples/benchmark.monitor']).totals.commands);
    expect(Object.keys(both.nodes)).toEqual(['app', 'benchmark']);
  });

  it('prints a table for people', () => {
    const r = slotscope(['analyze', 'samples/app.monitor']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/cross-slot commands/);
    expect(r.stdout).toMatch(/Slot skew/);
  });
});

describe('bad input', () => {
  const good = '1795370304.301218 [0 127.0.0.1:1] "get" "a"';
  it('counts each malformed line with file:line and a reason, and goes on', () => {
    const p = file('bad.monitor', [
      'OK',
      good,
      '1795370304.301218 [0 127.0.0.1:1] "get" "a\\q"',
      '1795370304.301218 [0 127.0.0.1:1] "get" "abc',
      '\x00\xff\xfe garbage \x01',
      good,
      '1795370304.301218 [0 127.0.0.1:1] "set" "tru',
    ].join('\n'));
    const r = slotscope(['analyze', '-f', 'json', p]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.totals.commands).toBe(2);
    expect(report.inputs[0].skipped.count).toBe(4);
    expect(report.inputs[0].skipped.first.map((s) => s.line)).toEqual([3, 4, 5, 7]);
    expect(r.stderr).toContain(`${p}:3: bad escape at byte 2 of argument 2`);
    expect(r.stderr).toContain(`${p}:4: unterminated quote in argument 2`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(slotscope(['analyze', '--strict', p]).status).toBe(2);
  });

  it('still reads a capture as MONITOR when its first line is damaged', () => {
    const p = file('damaged-top.monitor', ['\x00\x01garbage', good, good, good].join('\n'));
    const r = json([p]);
    expect(r.inputs[0].format).toBe('monitor');
    expect(r.totals.commands).toBe(3);
    expect(r.inputs[0].skipped.first).toEqual([{ line: 1, reason: 'not a MONITOR line: expected <seconds>.<micros> timestamp' }]);
  });

  it('reports an empty file and a missing file in one line each', () => {
    const empty = file('empty.monitor', '');
    const r = slotscope(['analyze', '-f', 'json', empty]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`slotscope: ${empty}: empty input\n`);
    expect((JSON.parse(r.stdout) as Report).inputs[0].format).toBe('empty');
    const missing = slotscope(['analyze', join(dir, 'nope.monitor')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`slotscope: ${join(dir, 'nope.monitor')}: no such file\n`);
    expect(slotscope(['analyze']).status).toBe(2);
    expect(slotscope(['analyze', '--format', 'xml', 'samples/app.monitor']).status).toBe(2);
  });

  it('skips a memory CSV row that an unquoted comma broke, and a bad size', () => {
    const p = file('mem.csv', 'database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry\n0,string,a,10,raw,1,1,\n0,string,b,c,10,raw,1,1,\n0,string,d,lots,raw,1,1,\n0,hash,e,30,ziplist,2,4,2026-01-01T00:00:00\n');
    const r = json([p]);
    expect(r.totals.keyRecords).toBe(2);
    expect(r.totals.bytes).toBe(40);
    expect(r.inputs[0].skipped.first.map((s) => s.line)).toEqual([3, 4]);
    expect(r.inputs[0].skipped.first[0].reason).toMatch(/expected 8 columns, got 9/);
  });

  it('treats a quoted SCAN line with a bad escape as skipped, not as a key', () => {
    const p = file('keys.scan', '"a"\n"b\\q"\n"c\\x41"\n');
    const r = json([p]);
    expect(r.totals.keyRecords).toBe(2);
    expect(r.inputs[0].skipped.first).toEqual([{ line: 2, reason: 'bad escape at byte 2' }]);
  });
});

describe('analyze on traffic captured from a real server', () => {
  let server: RedisServer;
  let oracle: RedisServer;
  let capture: string;
  const keys = ['user:1', 'user:2', '{user:1}:cart', '\u00e9t\u00e9', 'bin\x00\xff', 'k{}x', 'a{b}c', 'b'];
  beforeAll(async () => {
    [server, oracle] = await Promise.all([startRedis(), startRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'])]);
    capture = await captureTraffic(server, async () => {
      const c = server.client();
      for (const k of keys) await c.set(Buffer.from(k, 'latin1'), 'v');
      await c.mset(Buffer.from('user:1'), 'a', Buffer.from('{user:1}:cart'), 'b'); // one slot
      await c.mget(...keys.map((k) => Buffer.from(k, 'latin1'))); // many slots
      c.disconnect();
    });
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), oracle?.stop()]);
  });

  it('puts every key in the slot CLUSTER KEYSLOT gives and counts multi-slot commands', async () => {
    const r = json([capture]);
    const o = oracle.client();
    const expected = new Array<number>(16384).fill(0);
    const slots = new Set<number>();
    for (const k of keys) {
      const slot = (await o.cluster('KEYSLOT', Buffer.from(k, 'latin1'))) as number;
      expected[slot]++;
      slots.add(slot);
    }
    o.disconnect();
    expect(r.slots.keys).toEqual(expected);
    expect(r.commands.set.calls).toBe(keys.length);
    expect(r.commands.mset).toMatchObject({ calls: 1, crossSlot: 0 });
    expect(r.commands.mget).toMatchObject({ calls: 1, crossSlot: slots.size > 1 ? 1 : 0 });
    expect(r.totals.crossSlotCommands).toBe(slots.size > 1 ? 1 : 0);
  });
});

describe('keyslot', () => {
  it('prints slot<TAB>key for arguments and for raw stdin lines', () => {
    expect(slotscope(['keyslot', '123456789', '{user1000}.following']).stdout).toBe('12739\t123456789\n' + '7926\t{user1000}.following\n'.replace('7926', String(slotscope(['keyslot', 'user1000']).stdout.split('\t')[0])));
    const r = slotscope(['keyslot', '--stdin'], '123456789\r\nfoo{bar}\r\n');
    expect(r.stdout).toBe(`12739\t123456789\n${slotscope(['keyslot', 'bar']).stdout.split('\t')[0]}\tfoo{bar}\n`);
    expect(slotscope(['keyslot']).status).toBe(2);
  });

  it('refuses a key that is not UTF-8 on the command line (its bytes are lost in argv), which --stdin reads whole', () => {
    const argv = spawnSync('sh', ['-c', 'exec "$0" "$1" keyslot ok "$(printf "a\\377b")"', process.execPath, CLI], { encoding: 'latin1' });
    expect(argv.stdout).toBe('');
    expect(argv.stderr).toBe("slotscope: key 2 is not valid UTF-8, so its bytes are lost on the command line: give it with --stdin (printf '\\xff...' | slotscope keyslot --stdin)\n");
    expect(argv.status).toBe(2);
    // From stdin the byte is read as it is: the slot of a\xffb, not of a\uFFFDb.
    const raw = slotscope(['keyslot', '--stdin'], Buffer.from('a\xffb\n', 'latin1'));
    expect(raw.stdout).not.toBe(slotscope(['keyslot', '--stdin'], Buffer.from('a\uFFFDb\n', 'utf8')).stdout);
  });
});

describe('check', () => {
  it('passes a clean capture and fails a cross-slot one with exit 1, saying which gate moved', () => {
    const clean = file('clean.monitor', ['1795370304.000001 [0 1.1.1.1:1] "mset" "{u:1}:a" "1" "{u:1}:b" "2"', '1795370304.000002 [0 1.1.1.1:1] "get" "x"'].join('\n'));
    const ok = slotscope(['check', clean]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^PASS  verdict: ready \(limit not blocked\)$/m);
    const r = slotscope(['check', 'samples/app.monitor']);
    expect(r.status).toBe(1);
    const crossSlot = (JSON.parse(slotscope(['analyze', '-f', 'json', 'samples/app.monitor']).stdout) as Report).totals.crossSlotCommands;
    expect(r.stdout).toContain(`FAIL  cross-slot commands: ${crossSlot} (limit 0)`);
    expect(r.stdout).toMatch(/^FAIL  verdict: blocked/m);
    const loose = slotscope(['check', '-f', 'json', '--max-cross-slot', String(crossSlot), 'samples/app.monitor']);
    expect(JSON.parse(loose.stdout).gates.find((g: { gate: string }) => g.gate === 'cross-slot commands').passed).toBe(true);
    expect(slotscope(['check', '--fail-on', 'changes', '--max-cross-slot', '-1', clean]).status).toBe(2);
  });
});
