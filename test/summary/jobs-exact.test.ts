// --jobs N must print what --jobs 1 prints, byte for byte, where merging per-node parts is hardest: an
// early node with a few hundred cross-slot commands, db-1 commands and cross-slot transactions, a later
// one crossing each 10,000-occurrence sample halfway (its own first 10,000 are not the run's), with
// patterns that change near the cap, and more than 1,000 hot keys so the top-keys sketch evicts.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { captureTraffic, type RedisServer, startRedis } from '../helpers/redis.js';
import { slotscope } from '../helpers/cli.js';
import { ok } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'slotscope-jobs-'));
const servers: RedisServer[] = [];
const inputs: string[] = [];

/** `n` occurrences of each capped sample; those numbered in [lateFrom, lateTo) use patterns of their own. */
async function samples(c: Redis, node: string, n: number, lateFrom: number, lateTo: number): Promise<void> {
  const prefix = (i: number): string => (i >= lateFrom && i < lateTo ? `cutoff${i % 7}` : `${node}${i % 5}`);
  for (let from = 0; from < n; from += 2000) {
    const p = c.pipeline();
    for (let i = from; i < Math.min(n, from + 2000); i++) {
      p.mget(`${prefix(i)}:a:${i}`, `${prefix(i)}:b:${i}`);
      p.call('multi').incr(`${prefix(i)}:x:${i}`).incr(`${prefix(i)}:y:${i}`).call('exec');
    }
    await p.exec();
  }
  await c.select(1);
  for (let from = 0; from < n; from += 2000) {
    const p = c.pipeline();
    for (let i = from; i < Math.min(n, from + 2000); i++) p.set(`${prefix(i)}:db1:${i}`, '1');
    await p.exec();
  }
  await c.select(0);
}

/** Keys hit with a skew, more distinct ones than the 1,000 counters; some in one hot slot. */
async function hotKeys(c: Redis, node: number, distinct: number): Promise<void> {
  const p = c.pipeline();
  for (let i = 0; i < 30_000; i++) {
    const k = Math.floor(distinct * Math.pow(((i * 7919) % 10007) / 10007, 3));
    p.get(k % 5 === 0 ? `{hot}:k${k}` : `key:${(k + node * 97) % distinct}`);
  }
  await p.exec();
}

describe('--jobs 2 against --jobs 1, a later node crossing every sample cap', () => {
  beforeAll(async () => {
    for (let n = 0; n < 3; n++) servers.push(await startRedis());
    const traffic: ((c: Redis) => Promise<void>)[] = [
      (c) => samples(c, 'early', 300, -1, -1).then(() => hotKeys(c, 0, 400)),
      (c) => samples(c, 'mid', 12_000, 9_600, 10_000).then(() => hotKeys(c, 1, 3000)),
      (c) => samples(c, 'last', 500, 0, 250).then(() => hotKeys(c, 2, 1500)),
    ];
    for (const [n, server] of servers.entries()) {
      const c = server.client();
      try {
        inputs.push(`node${n}=${await captureTraffic(server, () => traffic[n](c))}`);
      } finally {
        c.disconnect();
      }
    }
  }, 240_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('every format, check -f json and --summary-out are byte-identical', () => {
    const run = (jobs: string, args: string[]): string => ok(['analyze', '--jobs', jobs, ...args, ...inputs]);
    const json = run('1', ['-f', 'json']);
    const r = JSON.parse(json) as { findings: { id: string; count: number }[]; topKeys: { keys: { error: number }[] } };
    // The captures do what the test is about: the later node alone passes each sample.
    for (const id of ['cross-slot-command', 'cross-slot-transaction', 'nonzero-db']) expect(r.findings.find((f) => f.id === id)?.count).toBeGreaterThan(12_000);
    expect(r.topKeys.keys.some((k) => k.error > 0)).toBe(true);
    expect(run('2', ['-f', 'json'])).toBe(json);
    for (const f of ['table', 'markdown', 'html']) expect(run('2', ['-f', f]), f).toBe(run('1', ['-f', f]));
    const check = (jobs: string): string => slotscope(['check', '--jobs', jobs, '-f', 'json', ...inputs]).stdout;
    expect(check('2')).toBe(check('1'));
    const summary = (jobs: string): Buffer => {
      const file = join(dir, `jobs${jobs}.summary`);
      run(jobs, ['-f', 'json', '-o', '/dev/null', '--summary-out', file]);
      return readFileSync(file);
    };
    expect(summary('2').equals(summary('1'))).toBe(true);
  }, 300_000);

  it('past --exact-keys too: the switch to per-slot sketches does not depend on the parts', () => {
    const single = ok(['analyze', '--jobs', '1', '--exact-keys', '5000', '-f', 'json', ...inputs]);
    expect((JSON.parse(single) as { totals: { distinctKeysExact: boolean } }).totals.distinctKeysExact).toBe(false);
    expect(ok(['analyze', '--jobs', '2', '--exact-keys', '5000', '-f', 'json', ...inputs])).toBe(single);
  }, 300_000);

  it('one summary per node, merged, gives the same report too', () => {
    const files = inputs.map((input, n) => {
      const file = join(dir, `node${n}.summary`);
      ok(['analyze', '--jobs', '1', '-f', 'json', '-o', '/dev/null', '--summary-out', file, input]);
      return file;
    });
    expect(ok(['merge', '-f', 'json', ...files])).toBe(ok(['analyze', '--jobs', '1', '-f', 'json', ...inputs]));
  }, 300_000);
});
