// `capture scan` on a standalone server reads every db that holds keys (INFO keyspace), not only db 0:
// keys outside db 0 are the ones a cluster cannot hold.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { slotscope } from '../helpers/cli.js';
import { type RedisServer, startRedis } from '../helpers/redis.js';

describe('capture scan on a standalone server with several dbs', () => {
  let server: RedisServer;
  const layout: Record<number, string[]> = { 0: ['a', 'b', 'c'], 3: ['d3:1', 'd3:2'], 7: ['seven'] };
  beforeAll(async () => {
    server = await startRedis();
    const c = server.client();
    for (const [db, keys] of Object.entries(layout)) {
      await c.select(Number(db));
      for (const k of keys) await c.set(k, 'v');
    }
    c.disconnect();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('writes each key with its db, whatever db the URL names', () => {
    for (const url of [server.url, `${server.url}/3`]) {
      const out = mkdtempSync(join(tmpdir(), 'slotscope-dbs-'));
      const r = slotscope(['capture', 'scan', url, '--out', out]);
      expect(r.status).toBe(0);
      const rows = readFileSync(join(out, `127.0.0.1-${server.port}.csv`), 'utf8').trim().split('\n').slice(1);
      const found = rows.map((l) => `${l.split(',')[0]} ${JSON.parse(l.split(',')[2])}`).sort();
      expect(found).toEqual(Object.entries(layout).flatMap(([db, keys]) => keys.map((k) => `${db} ${k}`)).sort());
      const node = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).captures[0].nodes[0];
      expect(node).toMatchObject({ keys: 6, dbs: { 0: 3, 3: 2, 7: 1 }, partial: false });
      // Those keys are what a cluster cannot hold: the analysis of the dump says so, as for commands there.
      const report = JSON.parse(slotscope(['analyze', '-f', 'json', join(out, `127.0.0.1-${server.port}.csv`)]).stdout) as Report;
      expect(report.verdict).toEqual({ status: 'ready with changes', decidedBy: ['nonzero-db'] });
      // 3 of the dump's 6 keys, not a share of its commands (it has none).
      expect(report.findings.find((f) => f.id === 'nonzero-db')).toMatchObject({ count: 3, share: 0.5, of: 'keys', patterns: { 'd3:<id>': 2, seven: 1 } });
      expect(report.dbs).toEqual({ 3: { commands: 0, keys: 2, patterns: { 'd3:<id>': 2 } }, 7: { commands: 0, keys: 1, patterns: { seven: 1 } } });
    }
  });
});

describe('capture scan of keys that are not plain text', () => {
  let server: RedisServer;
  /** CLUSTER KEYSLOT answers only in cluster mode: a node of its own, holding nothing, is the oracle. */
  let oracle: RedisServer;
  // UTF-8 text, bytes that are not UTF-8, a quote, a comma and a newline: each must come back byte for byte.
  const keys = [Buffer.from('café:€'), Buffer.from([0x6b, 0xff, 0x00, 0xc3]), Buffer.from('say "hi",\nthere')];
  beforeAll(async () => {
    server = await startRedis();
    oracle = await startRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf']);
    const c = server.client();
    for (const k of keys) await c.set(k, 'v');
    c.disconnect();
  });
  afterAll(async () => {
    await server?.stop();
    await oracle?.stop();
  });

  it('writes every key with its exact bytes, so its slot reads back as CLUSTER KEYSLOT says', async () => {
    const out = mkdtempSync(join(tmpdir(), 'slotscope-bytes-'));
    expect(slotscope(['capture', 'scan', server.url, '--out', out]).status).toBe(0);
    const report = JSON.parse(slotscope(['analyze', '-f', 'json', join(out, `127.0.0.1-${server.port}.csv`)]).stdout) as Report;
    expect(report.inputs[0]).toMatchObject({ records: 3, skipped: { count: 0 } });
    const c = oracle.client();
    const expected = new Map<number, number>();
    for (const k of keys) {
      const slot = (await c.call('CLUSTER', 'KEYSLOT', k)) as number;
      expected.set(slot, (expected.get(slot) ?? 0) + 1);
    }
    c.disconnect();
    const found = new Map(report.slots.keys.flatMap((n, slot) => (n ? [[slot, n] as [number, number]] : [])));
    expect(found).toEqual(expected);
  });
});
