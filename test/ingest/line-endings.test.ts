// Raw keys are exact bytes up to the newline, so a key may end in CR. Only a dump whose every line ends in
// CRLF (a Windows copy of it) has its CRs read as line endings, and the report says which it was.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotscope } from '../helpers/cli.js';
import { type RedisServer, startRedis, waitFor } from '../helpers/redis.js';

interface ReportJson { totals: Record<string, number>; slots: { keys: number[] }; inputs: { lineEndings: string; lines: number; records: number; preamble: number; skipped: { count: number } }[] }

const dir = mkdtempSync(join(tmpdir(), 'slotscope-crlf-'));

function analyze(name: string, data: Buffer): ReportJson & { stderr: string } {
  const file = join(dir, name);
  writeFileSync(file, data);
  const r = slotscope(['analyze', '-f', 'json', file]);
  expect(r.status).toBe(0);
  const json = JSON.parse(r.stdout) as ReportJson;
  const input = json.inputs[0];
  expect(input.records + input.skipped.count + input.preamble).toBe(input.lines);
  return { ...json, stderr: r.stderr.replaceAll(`${file}: `, '') };
}

const crlf = (lf: Buffer): Buffer => Buffer.from(lf.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');

describe('CR at the end of raw keys', () => {
  let server: RedisServer;
  let redis: Redis;
  // Keys that end in CR (a client that wrote "key\r\n" by hand), next to the same keys without it.
  const keys = ['user:1', 'user:1\r', 'job:7\r', 'mid\rdle', 'a\r\r', 'plain'];
  let dump: Buffer;
  beforeAll(async () => {
    // A one-node cluster that owns every slot: it stores the keys and answers CLUSTER KEYSLOT.
    server = await startRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf']);
    redis = server.client();
    await redis.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    await waitFor('cluster_state:ok', async () => (String(await redis.call('CLUSTER', 'INFO')).includes('cluster_state:ok') ? true : undefined));
    for (const k of keys) await redis.set(k, '1');
    dump = execFileSync('redis-cli', ['-p', String(server.port), '--scan']);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  const slotOf = async (key: string): Promise<number> => Number(await redis.call('CLUSTER', 'KEYSLOT', Buffer.from(key, 'latin1')));

  it('keeps a CR before the newline in a raw dump: the key and its slot are exact', async () => {
    const r = analyze('dump.keys', dump);
    expect(r.inputs[0].lineEndings).toBe('mixed');
    expect(r.totals.distinctKeys).toBe(keys.length);
    const expected = new Array(16384).fill(0);
    for (const k of keys) expected[await slotOf(k)]++;
    expect(r.slots.keys).toEqual(expected);
    expect(r.stderr).toBe('slotscope: line endings are mixed (CRLF and LF): a CR before a newline is kept as the last byte of its key\n');
    const ks = slotscope(['keyslot', '--stdin'], dump);
    const got = ks.stdout.split('\n').filter(Boolean).map((l) => [Number(l.slice(0, l.indexOf('\t'))), l.slice(l.indexOf('\t') + 1)] as const);
    expect(got).toHaveLength(keys.length);
    for (const [slot, key] of got) expect({ key, slot }).toEqual({ key, slot: await slotOf(key) });
    expect(ks.stderr).toMatch(/^slotscope: stdin: line endings are mixed/);
  });

  it('reads a dump whose every line ends in CRLF as the same keys without the CR, and says so', async () => {
    const lf = Buffer.from(['user:1', 'job:7', 'plain', '{tag}x'].join('\n') + '\n');
    const plain = analyze('plain.keys', lf);
    const windows = analyze('windows.keys', crlf(lf));
    expect(windows.inputs[0].lineEndings).toBe('crlf');
    expect(windows.slots.keys).toEqual(plain.slots.keys);
    expect(windows.totals.distinctKeys).toBe(4);
    expect(windows.stderr).toBe('slotscope: every line ends in CRLF: the CR is read as part of the line ending, not of the key\n');
    const ks = slotscope(['keyslot', '--stdin'], crlf(lf));
    expect(ks.stdout).toBe(slotscope(['keyslot', '--stdin'], lf).stdout);
    expect(ks.stdout.split('\n')[0]).toBe(`${await slotOf('user:1')}\tuser:1`);
    expect(ks.stderr).toBe('slotscope: stdin: every line ends in CRLF: the CR is read as part of the line ending, not of the key\n');
  });

  it('keeps CR bytes in a mixed file, and says when the head was CRLF but later lines were not', async () => {
    const mixed = analyze('mixed2.keys', Buffer.from('user:1\r\nplain\n', 'latin1'));
    expect(mixed.inputs[0].lineEndings).toBe('mixed');
    expect(mixed.totals.distinctKeys).toBe(2);
    const expected = new Array(16384).fill(0);
    for (const k of ['user:1\r', 'plain']) expected[await slotOf(k)]++;
    expect(mixed.slots.keys).toEqual(expected);
    expect(mixed.stderr).toMatch(/line endings are mixed \(CRLF and LF\): a CR before a newline is kept/);
    // 1.7 MB of CRLF lines (past the first chunk read), then LF ones: the head said CRLF, the end did not.
    const late = Buffer.concat([crlf(Buffer.from(Array.from({ length: 150_000 }, (_, i) => `key:${i}`).join('\n') + '\n')), Buffer.from('tail:1\ntail:2\n')]);
    const r = analyze('late.keys', late);
    expect(r.inputs[0].lineEndings).toBe('mixed');
    expect(r.totals.distinctKeys).toBe(150_002);
    expect(r.stderr).toMatch(/the first lines end in CRLF but 2 later ones in LF only/);
  });

  it('always strips the CR of a CRLF MONITOR capture or quoted dump, where a CR is never data', () => {
    const quoted = execFileSync('redis-cli', ['-p', String(server.port), '--scan', '--no-raw']);
    const q = analyze('quoted.keys', crlf(quoted));
    expect(q.totals.distinctKeys).toBe(keys.length);
    expect(q.inputs[0].skipped.count).toBe(0);
    expect(q.totals).toEqual(analyze('quoted-lf.keys', quoted).totals);
  });
});
