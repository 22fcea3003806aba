// Inputs are told by their bytes: gzip is decoded (several members, trailing garbage as gzip -d keeps it),
// other compressed files, archives and RDB files are refused with the command that makes them readable,
// and data that is no format with confidence is refused rather than read as keys.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/api/analyze.js';
import { slotscope } from '../helpers/cli.js';
import { captureTraffic, type RedisServer, startRedis } from '../helpers/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'slotscope-input-'));

interface ReportJson { totals: Record<string, number>; inputs: { format: string; lines: number; records: number; preamble: number; skipped: { count: number } }[] }

function report(args: string[], input?: Buffer): ReportJson & { stderr: string } {
  const r = slotscope(['analyze', '-f', 'json', ...args], input);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.status).toBe(0);
  const json = JSON.parse(r.stdout) as ReportJson;
  for (const i of json.inputs) expect(i.records + i.skipped.count + i.preamble).toBe(i.lines);
  return { ...json, stderr: r.stderr };
}

function refused(file: string): string {
  const r = slotscope(['analyze', file]);
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  return r.stderr.trimEnd();
}

function write(name: string, data: Buffer | string): string {
  const file = join(dir, name);
  writeFileSync(file, data);
  return file;
}

const gzip = (data: Buffer): Buffer => execFileSync('gzip', ['-c'], { input: data });

describe('compressed and binary inputs', () => {
  let server: RedisServer;
  let monitor: Buffer;
  let monitorFile: string;
  let rdbFile: string;
  let logFile: string;
  beforeAll(async () => {
    server = await startRedis();
    const redis = server.client();
    monitorFile = await captureTraffic(server, async () => {
      for (let i = 0; i < 200; i++) await redis.set(`user:${i}:name`, `n${i}`);
      await redis.mget('user:1:name', 'user:2:name');
    });
    monitor = readFileSync(monitorFile);
    await redis.save();
    redis.disconnect();
    rdbFile = join(server.dir, 'dump.rdb');
    logFile = join(server.dir, 'redis.log');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reads gzip of one or several members as the plain capture', () => {
    const plain = report([monitorFile]);
    const half = monitor.lastIndexOf(10, monitor.length >> 1) + 1;
    const one = report([write('one.gz', gzip(monitor))]);
    const two = report([write('two.monitor.gz', Buffer.concat([gzip(monitor.subarray(0, half)), gzip(monitor.subarray(half))]))]);
    const cut = Math.floor(half / 2) + 3; // members that split a line between them
    const three = report([write('three.gz', Buffer.concat([gzip(monitor.subarray(0, cut)), gzip(monitor.subarray(cut, half)), gzip(monitor.subarray(half))]))]);
    for (const r of [one, two, three]) {
      expect(r.totals).toEqual(plain.totals);
      expect(r.inputs[0].lines).toBe(plain.inputs[0].lines);
      expect(r.stderr).toBe('');
    }
    expect(plain.totals.commands).toBeGreaterThan(200);
  });

  it('keeps the data before trailing garbage and says so once, as gzip -d does; zero padding is silent', () => {
    const plain = report([monitorFile]);
    const file = write('garbage.gz', Buffer.concat([gzip(monitor), Buffer.from('this is not gzip data\n'.repeat(3))]));
    expect(() => execFileSync('gzip', ['-dc', file], { stdio: 'pipe' })).toThrow(/trailing garbage ignored/);
    const r = report([file]);
    expect(r.totals).toEqual(plain.totals);
    expect(r.stderr).toBe(`slotscope: ${file}: 66 bytes of trailing garbage after the gzip data ignored (as gzip -d does)\n`);
    const padded = report([write('padded.gz', Buffer.concat([gzip(monitor), Buffer.alloc(512)]))]);
    expect(padded.totals).toEqual(plain.totals);
    expect(padded.stderr).toBe('');
  });

  it('refuses corrupt and truncated gzip in one line', () => {
    const gz = gzip(monitor);
    const flipped = Buffer.from(gz);
    flipped[gz.length - 6] ^= 0xff; // inside the CRC32
    expect(refused(write('crc.gz', flipped))).toMatch(/crc\.gz: corrupt gzip data \(CRC32 mismatch\)$/);
    expect(refused(write('short.gz', gz.subarray(0, gz.length >> 1)))).toMatch(/short\.gz: corrupt gzip data \(unexpected end of file\)$/);
  });

  it('refuses deflate data that zlib fails on mid-write, instead of waiting for it forever (exit 13)', () => {
    // A fuzzer's case: a damaged gzip of a memory report on which zlib destroys itself without calling back.
    for (const args of [['analyze', '-f', 'json'], ['check'], ['plan', '-f', 'json']]) {
      const r = slotscope([...args, 'test/fixtures/ingest/corrupt-deflate.csv.gz']);
      expect({ args, status: r.status, stderr: r.stderr }).toEqual({ args, status: 2, stderr: 'slotscope: test/fixtures/ingest/corrupt-deflate.csv.gz: corrupt gzip data (invalid distance too far back)\n' });
    }
  });

  it('refuses zstd, bzip2, xz, lz4, zip and 7z with the command that decompresses them', () => {
    const tools: [string, string[], string][] = [
      ['x.zst', ['zstd', '-q', '-c'], 'zstd-compressed; decompress it first: zstd -dc {} | slotscope analyze -'],
      ['x.bz2', ['bzip2', '-c'], 'bzip2-compressed; decompress it first: bzip2 -dc {} | slotscope analyze -'],
      ['x.xz', ['xz', '-c'], 'xz-compressed; decompress it first: xz -dc {} | slotscope analyze -'],
      ['x.lz4', ['lz4', '-q', '-c'], 'lz4-compressed; decompress it first: lz4 -dc {} | slotscope analyze -'],
    ];
    for (const [name, cmd, message] of tools) {
      const file = write(name, execFileSync(cmd[0], cmd.slice(1), { input: monitor }));
      expect(refused(file)).toBe(`slotscope: ${file}: ${message.replace('{}', file)}`);
    }
    const zip = join(dir, 'x.zip');
    execFileSync('zip', ['-q', '-j', zip, monitorFile]);
    expect(refused(zip)).toBe(`slotscope: ${zip}: a zip archive; extract it first: unzip -p ${zip} | slotscope analyze -`);
    // No 7z tool here: its signature (7zFormat.txt) then the start of a header.
    const sevenZ = write('x.7z', Buffer.concat([Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), monitor]));
    expect(refused(sevenZ)).toBe(`slotscope: ${sevenZ}: a 7z archive; extract it first: 7z x -so ${sevenZ} | slotscope analyze -`);
    // From stdin, and inside gzip, the same.
    const r = slotscope(['check', '-'], execFileSync('zstd', ['-q', '-c'], { input: monitor }));
    expect([r.status, r.stderr]).toEqual([2, 'slotscope: -: zstd-compressed; decompress it first: ... | zstd -dc | slotscope analyze -\n']);
  });

  it('closes each refused file at once in a long-lived caller, not at a garbage collection', async () => {
    const zst = write('leak.zst', execFileSync('zstd', ['-q', '-c'], { input: monitor }));
    const bad = write('leak.gz', gzip(monitor).subarray(0, 40));
    const open = (): number => readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 20; i++) {
      for (const path of [zst, bad]) await expect(analyze([{ path }])).rejects.toThrow(path);
    }
    expect(open()).toBeLessThanOrEqual(before);
  });

  it('refuses a real RDB file with what to do instead', () => {
    expect(readFileSync(rdbFile).subarray(0, 5).toString()).toBe('REDIS');
    expect(refused(rdbFile)).toBe(`slotscope: ${rdbFile}: an RDB file: make a memory report first (rdb -c memory / rdb --command memory) or use capture scan`);
    const valkey = write('valkey.rdb', Buffer.concat([Buffer.from('VALKEY080'), readFileSync(rdbFile).subarray(9)]));
    expect(refused(valkey)).toMatch(/: an RDB file: /);
  });

  it('refuses what is no format with confidence: random bytes, a tar.gz, JSON, a server log, prose', () => {
    const random = write('random.bin', execFileSync('head', ['-c', '20000', '/dev/urandom']));
    expect(refused(random)).toMatch(/^slotscope: cannot tell the format of .*random\.bin \(binary data[^)]*\); pass --input-format monitor\|scan\|scan-quoted\|memory-csv$/);
    // Binary without a NUL (and with newlines): most lines are not text.
    const noNul = Buffer.from(execFileSync('head', ['-c', '20000', '/dev/urandom']).map((b) => (b === 0 ? 1 : b)));
    expect(refused(write('nonul.bin', noNul))).toMatch(/cannot tell the format of .*nonul\.bin \(binary data: \d+ of the first \d+ lines are not text\)/);
    const tgz = join(dir, 'capture.tar.gz');
    execFileSync('tar', ['-czf', tgz, '-C', dir, 'garbage.gz']);
    expect(refused(tgz)).toMatch(/cannot tell the format of .*capture\.tar\.gz \(binary data/);
    const jsonReport = write('report.json', slotscope(['analyze', '-f', 'json', monitorFile]).stdout);
    expect(refused(jsonReport)).toMatch(/cannot tell the format of .*report\.json \(it looks like JSON\)/);
    expect(refused(write('lines.ndjson', '{"level":"info","msg":"started"}\n{"level":"warn","msg":"slow"}\n'))).toMatch(/looks like JSON/);
    expect(refused(logFile)).toMatch(/cannot tell the format of .*redis\.log \(\d+ of the first \d+ lines hold words separated by spaces/);
    expect(refused(write('notes.txt', 'We move to Redis Cluster next month.\nThe plan is in the ticket.\n'))).toMatch(/words separated by spaces/);
    // Told what it is, slotscope reads it: every line skipped, and said so.
    const r = slotscope(['analyze', '-f', 'json', '--input-format', 'monitor', logFile]);
    expect(r.status).toBe(0);
    const input = (JSON.parse(r.stdout) as ReportJson).inputs[0];
    expect(input.records).toBe(0);
    expect(input.skipped.count).toBe(input.lines);
    expect(r.stderr).toContain(`slotscope: ${logFile}: no line could be read as monitor: all ${input.lines} skipped\n`);
    expect(slotscope(['check', '--input-format', 'monitor', logFile]).stderr).toContain('no line could be read as monitor');
  });
});

describe('real SCAN dumps are never refused', () => {
  let server: RedisServer;
  const keys = [
    ...Array.from({ length: 120 }, (_, i) => `user:${i}:profile`),
    ...Array.from({ length: 40 }, (_, i) => `{user${i}}.following`),
    ...Array.from({ length: 30 }, (_, i) => `bull:emails:${i}`),
    'bull:emails:wait', 'bull:emails:meta', 'sess:Xk3_9aQ-zz', 'cache:{"id":17}', 'cache:/api/v1/items?page=2',
    'product name:42', 'caf\u00e9:menu', '\u7528\u6237:1', 'key\twith tab', 'rate-limit:203.0.113.9',
  ];
  beforeAll(async () => {
    server = await startRedis();
    const redis = server.client();
    const pipeline = redis.pipeline();
    for (const k of keys) pipeline.set(k, '1');
    pipeline.set(Buffer.from([0x62, 0x69, 0x6e, 0x3a, 0xff, 0xfe, 0x01, 0x80]), '1');
    await pipeline.exec();
    redis.disconnect();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reads redis-cli --scan (raw) and --scan --no-raw output as keys, from a file and from stdin', () => {
    const raw = execFileSync('redis-cli', ['-p', String(server.port), '--scan']);
    const quoted = execFileSync('redis-cli', ['-p', String(server.port), '--scan', '--no-raw']);
    for (const [data, format] of [[raw, 'scan'], [quoted, 'scan-quoted']] as const) {
      const fromFile = report([write(`dump-${format}.keys`, data)]);
      expect(fromFile.inputs[0].format).toBe(format);
      expect(fromFile.totals.keyRecords).toBe(keys.length + 1);
      expect(report(['-'], data).totals).toEqual(fromFile.totals);
    }
    // The dump with its keys sorted (spaces and braces first) and gzipped still reads.
    const sorted = Buffer.from(raw.toString('latin1').trimEnd().split('\n').sort().join('\n') + '\n', 'latin1');
    expect(report([write('sorted.keys.gz', gzip(sorted))]).totals.keyRecords).toBe(keys.length + 1);
  });
});
