// A primary's memory report and its replica's list the same keys: one run counts each key's bytes once
// (the first listing's), and so must a merge of one summary per node. Both reports come from real
// redis-servers (the replica synced by real replication, plus keys written to it alone) through
// samples/memory-csv.ts, the tool that made samples/app-memory.csv.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis, waitFor } from '../helpers/redis.js';
import { ok } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'slotscope-sized-'));
const MEMORY_CSV = new URL('../../dist/samples/memory-csv.js', import.meta.url).pathname;
const FORMATS = ['json', 'table', 'markdown', 'html'];
const ONE_THREAD = 'slotscope: reading the inputs again on one thread, so the report is the one --jobs 1 makes: memory reports of two nodes list the same keys, or more than --exact-keys between them';
let primary: RedisServer;
let replica: RedisServer;
const csv = { primary: '', replica: '' };

function memoryReport(server: RedisServer, name: string): string {
  const file = join(dir, `${name}.csv`);
  writeFileSync(file, execFileSync(process.execPath, [MEMORY_CSV, String(server.port)]));
  return file;
}

/** key -> bytes of a memory CSV (the sizes here have no commas in their keys). */
function sizes(file: string): Map<string, number> {
  const rows = readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  return new Map(rows.map((r) => [r[2], Number(r[3])]));
}

describe('bytes of keys listed in two summaries', () => {
  beforeAll(async () => {
    primary = await startRedis();
    // Writable, so keys written to it alone stand for a replica's own (its report lists more than the primary's).
    replica = await startRedis(['--replicaof', '127.0.0.1', String(primary.port), '--replica-read-only', 'no']);
    const p = primary.client();
    const pipe = p.pipeline();
    for (let i = 0; i < 300; i++) pipe.set(`user:${i}:name`, 'x'.repeat(i % 90));
    for (let i = 0; i < 40; i++) pipe.rpush(`queue:${i}`, ...Array.from({ length: 20 + i }, (_, j) => `job-${j}`));
    for (let i = 0; i < 30; i++) pipe.hset(`cart:{${i}}`, Object.fromEntries(Array.from({ length: 10 + 3 * i }, (_, j) => [`item${j}`, 'y'.repeat(j)])));
    await pipe.exec();
    const r = replica.client();
    await waitFor('the replica in sync', async () => ((await r.dbsize()) === 370 ? true : undefined), 30_000);
    for (let i = 0; i < 25; i++) await r.set(`replica-only:${i}`, 'z'.repeat(10 * i));
    p.disconnect();
    r.disconnect();
    csv.primary = memoryReport(primary, 'primary');
    csv.replica = memoryReport(replica, 'replica');
  }, 60_000);
  afterAll(async () => {
    await replica?.stop();
    await primary?.stop();
  });

  it('count once when merged, as in one run: every format byte-identical, --jobs 2 too', () => {
    const inputs = [`primary=${csv.primary}`, `replica=${csv.replica}`];
    const summaries = inputs.map((input, i) => {
      const file = join(dir, `s${i}.summary`);
      ok(['analyze', '--jobs', '1', '-f', 'json', '-o', '/dev/null', '--summary-out', file, input]);
      return file;
    });
    console.log(`summary sizes (bytes): ${summaries.map((f) => statSync(f).size).join(', ')}`);
    for (const f of FORMATS) {
      const single = ok(['analyze', '--jobs', '1', '-f', f, ...inputs]);
      expect(ok(['merge', '-f', f, ...summaries]), f).toBe(single);
      // Two workers would each count the shared keys' bytes: --jobs says so and reads them on one thread.
      expect(ok(['analyze', '--jobs', '2', '-f', f, ...inputs], [ONE_THREAD]), `--jobs 2 -f ${f}`).toBe(single);
    }

    // The shared keys' bytes are the primary's (its report came first), the replica's own keys add theirs.
    const [mine, theirs] = [sizes(csv.primary), sizes(csv.replica)];
    const first = new Map([...theirs, ...mine]);
    const listedTwice = [...theirs].filter(([key]) => mine.has(key)).reduce((t, [, n]) => t + n, 0);
    const r = JSON.parse(ok(['merge', '-f', 'json', ...summaries])) as { totals: { bytes: number; distinctKeys: number }; nodes: Record<string, { bytes: number }>; biggestKeys: { key: string; node: string }[] };
    expect(r.totals.distinctKeys).toBe(395);
    expect(r.totals.bytes).toBe([...first.values()].reduce((a, b) => a + b, 0));
    expect(r.nodes.primary.bytes + r.nodes.replica.bytes - r.totals.bytes).toBe(listedTwice);
    expect(listedTwice).toBeGreaterThan(r.totals.bytes / 2);
    // Each key once among the biggest, named by the report that listed it first.
    expect(new Set(r.biggestKeys.map((k) => k.key)).size).toBe(r.biggestKeys.length);
    for (const k of r.biggestKeys) expect(k.node).toBe(k.key.startsWith('replica-only:') ? 'replica' : 'primary');
  }, 120_000);
});
