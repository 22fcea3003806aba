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
      expect(report.findings.find((f) => f.id === 'nonzero-db')).toMatchObject({ count: 3, patterns: { 'd3:<id>': 2, seven: 1 } });
      expect(report.dbs).toEqual({ 3: { commands: 0, keys: 2, patterns: { 'd3:<id>': 2 } }, 7: { commands: 0, keys: 1, patterns: { seven: 1 } } });
    }
  });
});
