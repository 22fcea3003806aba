// `analyze --jobs 2` on one large capture reads it in a read worker; what it prints must be what --jobs 1
// prints, byte for byte, in every format. The capture is a real one past the worker's size threshold:
// redis-benchmark (MSET across slots, random keys) and an ioredis client's MULTI blocks and scripts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { worthAWorker } from '../../dist/src/analyze/parallel/read-in-worker.js';
import { slotscope } from '../helpers/cli.js';
import { monitorToFile, type RedisServer, startRedis } from '../helpers/redis.js';
import { slotscopeWithoutThreads, threadLimitAvailable } from '../helpers/thread-limit.js';

describe('--jobs 2 on one capture large enough for a read worker', () => {
  let server: RedisServer;
  const file = join(mkdtempSync(join(tmpdir(), 'slotscope-read-worker-cli-')), 'big.monitor');
  beforeAll(async () => {
    server = await startRedis();
    const mon = await monitorToFile(server, file);
    const redis = server.client();
    try {
      while (statSync(file).size < 72 << 20) {
        const p = redis.pipeline();
        for (let i = 0; i < 500; i++) {
          p.call('multi').incr(`ledger:${i}`).incr(`balance:${i}`).call('exec');
          p.eval('return redis.call("INCR", KEYS[1]) + redis.call("INCR", KEYS[2])', 2, `{user:${i}}:a`, `user:${i}:b`);
        }
        await p.exec();
        const bench = spawnSync('redis-benchmark', ['-p', String(server.port), '-t', 'set,get,incr,lpush,mset', '-n', '40000', '-r', '100000', '-P', '16', '-q'], { encoding: 'utf8' });
        expect(bench.status).toBe(0);
      }
    } finally {
      redis.disconnect();
    }
    await mon.stop();
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('prints what --jobs 1 prints', () => {
    expect(worthAWorker({ path: file, node: 'big' })).toBe(true);
    for (const format of ['json', 'table', 'markdown']) {
      const one = slotscope(['analyze', '--jobs', '1', '-f', format, file]);
      const two = slotscope(['analyze', '--jobs', '2', '-f', format, file]);
      expect(one.status).toBe(0);
      expect(two.status).toBe(0);
      expect(two.stderr).not.toMatch(/internal error/);
      expect(two.stdout).toBe(one.stdout);
    }
    // Redacted, the run is a merge of its own summary: the same worker reads the file.
    const redacted = ['analyze', '--redact-keys', '-f', 'json', file];
    expect(slotscope([...redacted, '--jobs', '2']).stdout).toBe(slotscope([...redacted, '--jobs', '1']).stdout);
    const r = JSON.parse(slotscope(['analyze', '--jobs', '2', '-f', 'json', file]).stdout) as { totals: Record<string, number> };
    expect(r.totals.crossSlotCommands).toBeGreaterThan(1000);
  }, 300_000);

  it.skipIf(!threadLimitAvailable)('where no thread can be made (a pids cgroup), it is read on this thread: the same report, and a line on stderr', () => {
    const one = slotscope(['analyze', '--jobs', '1', '-f', 'json', file]);
    const two = slotscopeWithoutThreads(['analyze', '--jobs', '2', '-f', 'json', file]);
    expect(two.stderr).toBe('slotscope: no worker thread could start (EAGAIN): reading on this thread, as --jobs 1 does\n');
    expect(two.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
  }, 300_000);

  it('gzipped, smaller on disk than the threshold, it gets a worker too, and prints the same', () => {
    const gz = `${file}.gz`;
    writeFileSync(gz, gzipSync(readFileSync(file), { level: 1 }));
    expect(statSync(gz).size).toBeLessThan(64 << 20);
    expect(worthAWorker({ path: gz, node: 'big' })).toBe(true);
    const one = slotscope(['analyze', '--jobs', '1', '-f', 'json', gz]);
    const two = slotscope(['analyze', '--jobs', '2', '-f', 'json', gz]);
    expect(one.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
  }, 300_000);
});
