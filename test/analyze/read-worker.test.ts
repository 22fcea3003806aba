// A read worker (--jobs 2 or more on one input) must hand the sink what readInput() hands it on one
// thread: the same calls in the same order, and the same stats. Rings far smaller than the default put
// slab ends inside lines, carried lines past a slab's room, and lines too long for any slab.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The built modules: a worker thread runs dist's JavaScript, and its errors must be dist's classes.
import { Analyzer } from '../../dist/src/analyze/analyzer.js';
import type { InputStats } from '../../dist/src/ingest/input-stats.js';
import type { MonitorRecord } from '../../dist/src/ingest/monitor-parser.js';
import { type InputSpec, type ReadOptions, readInput } from '../../dist/src/ingest/read-input.js';
import type { KeyMeta, RecordSink } from '../../dist/src/ingest/records.js';
import { readInWorker } from '../../dist/src/analyze/parallel/read-in-worker.js';
import { captureTraffic, type RedisServer, startRedis } from '../helpers/redis.js';

const SAMPLES = new URL('../../samples/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'slotscope-read-worker-'));

/** A sink that writes down every call it gets, then passes it to a real Analyzer (which refuses cut lines). */
function recording(): { sink: RecordSink; calls: string[]; analyzer: Analyzer } {
  const analyzer = new Analyzer();
  const calls: string[] = [];
  const sink: RecordSink = {
    command(rec: MonitorRecord, node: string) {
      const args: string[] = [];
      for (let i = 0; i < rec.argc; i++) args.push(rec.buf.toString('latin1', rec.start[i], rec.end[i]));
      calls.push(`${node} ${rec.lineNo} ${rec.timeMicros} ${rec.db} ${rec.clientKind} ${rec.clientAddress()} ${JSON.stringify(args)}`);
      return analyzer.command(rec, node);
    },
    key(buf: Buffer, start: number, end: number, node: string, meta: KeyMeta | null) {
      calls.push(`${node} key ${JSON.stringify(buf.toString('latin1', start, end))} ${JSON.stringify(meta)}`);
      analyzer.key(buf, start, end, node, meta);
    },
  };
  return { sink, calls, analyzer };
}

function statsOf(s: InputStats): unknown {
  return { ...s, skippedByReason: [...s.skippedByReason] };
}

async function both(spec: InputSpec, capacity?: number, options: ReadOptions = {}): Promise<void> {
  const one = recording();
  const oneStats = await readInput(spec, one.sink, options);
  const worker = recording();
  const workerStats = await readInWorker(spec, worker.sink, options, capacity);
  expect(worker.calls.length).toBe(one.calls.length);
  expect(worker.calls).toEqual(one.calls);
  expect(statsOf(workerStats)).toEqual(statsOf(oneStats));
  one.analyzer.finish();
  worker.analyzer.finish();
  expect(worker.analyzer.toSummary()).toEqual(one.analyzer.toSummary());
}

const samples = readdirSync(SAMPLES).filter((f) => /\.(monitor|scan|csv)$/.test(f));

describe('a read worker against readInput on one thread', () => {
  let server: RedisServer;
  let capture: string;
  beforeAll(async () => {
    server = await startRedis();
    const redis = server.client();
    // Values from 1 byte to 200 KB: lines shorter and longer than the small rings' slabs.
    capture = await captureTraffic(server, async () => {
      for (let i = 0; i < 400; i++) {
        const p = redis.pipeline();
        p.set(`user:${i}:name`, 'x'.repeat(1 + ((i * 7919) % 3000)));
        p.mset(`{user:${i}}:a`, '1', `{user:${i}}:b`, '2', `order:${i}`, 'é\n"\\\x01');
        p.call('multi').incr(`ledger:${i}`).incr(`balance:${i}`).call('exec');
        if (i % 50 === 0) p.set(`blob:${i}`, 'b'.repeat(200_000));
        p.eval('return redis.call("GET", KEYS[1])', 1, `user:${i}:name`);
        await p.exec();
      }
    });
    redis.disconnect();
  });
  afterAll(async () => {
    await server?.stop();
  });

  for (const f of samples) {
    it(`${f}: the same calls and stats, with the default ring and a 4 KiB one`, async () => {
      await both({ path: join(SAMPLES, f), node: 'n1' });
      await both({ path: join(SAMPLES, f), node: 'n1' }, 4096);
    });
  }

  it('a real capture with values up to 200 KB: lines carried over slabs and lines too long for one', async () => {
    for (const capacity of [4096, 10_007, 65_536, undefined]) await both({ path: capture, node: 'app' }, capacity);
  });

  it('the same capture gzipped, with CRLF line endings, and cut and broken lines', async () => {
    const bytes = readFileSync(capture);
    const gz = join(dir, 'app.monitor.gz');
    writeFileSync(gz, gzipSync(bytes));
    await both({ path: gz, node: 'app' }, 4096);
    const crlf = join(dir, 'crlf.monitor');
    writeFileSync(crlf, bytes.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    await both({ path: crlf, node: 'app' }, 4096);
    // Lines cut after the command name (the Analyzer refuses them), garbage, empty lines, a last line without '\n'.
    const lines = bytes.toString('latin1').split('\n');
    const broken = lines.map((l, i) => (i % 97 === 5 ? l.slice(0, l.indexOf('"', l.indexOf('"') + 1) + 1) : i % 89 === 3 ? 'not a monitor line' : i % 83 === 0 ? '' : l)).join('\n').replace(/\n$/, '');
    const bad = join(dir, 'broken.monitor');
    writeFileSync(bad, broken, 'latin1');
    await both({ path: bad, node: 'app' }, 4096);
    // Lines over --max-line-bytes: skipped as overlong, inside a chunk and carried over chunks alike.
    await both({ path: capture, node: 'app' }, 4096, { maxLineBytes: 2000 });
  });

  it('a memory report whose slab fills with skipped lines right before keys too long for a slab, and dbs past 2^31', async () => {
    const [header, ...rows] = readFileSync(join(SAMPLES, 'app-memory.csv'), 'latin1').trim().split('\n');
    const big = (name: string): string => `0,string,${name}:${'k'.repeat(5000)},120,raw,,,`;
    // 4 KiB slabs hold 8,256 entry ints: 4,128 skipped lines fill one exactly.
    const csv = [header, ...Array<string>(4128).fill(''), big('a'), big('b'), ...rows.slice(0, 50), `4294967296,${rows[0].split(',').slice(1).join(',')}`, `2147483648,${rows[1].split(',').slice(1).join(',')}`];
    const file = join(dir, 'full-slab.csv');
    writeFileSync(file, `${csv.join('\n')}\n`, 'latin1');
    await both({ path: file, node: 'mem' }, 4096);
    for (let pad = 4120; pad < 4136; pad++) {
      writeFileSync(file, `${[header, ...Array<string>(pad).fill(''), big('a'), big('b')].join('\n')}\n`, 'latin1');
      await both({ path: file, node: 'mem' }, 4096);
    }
  });

  it('a capture whose skip reasons differ line by line, over many slabs', async () => {
    // `bad escape at byte N of argument M`: a reason a line, each slab with a table of its own.
    const lines = readFileSync(capture, 'latin1').split('\n');
    const bad = lines.map((l, i) => (i % 3 === 1 && l.length > 40 ? `${l.slice(0, 40 + (i % 50))}\\q${l.slice(40 + (i % 50))}` : l)).join('\n');
    const file = join(dir, 'escapes.monitor');
    writeFileSync(file, bad, 'latin1');
    await both({ path: file, node: 'app' }, 4096);
  });

  it('every line refused: the note that nothing could be read comes from the counts of both threads', async () => {
    const cut = readFileSync(capture, 'latin1').split('\n').filter((l) => l.includes('"set"')).map((l) => l.slice(0, l.indexOf('"set"') + 5)).join('\n');
    const file = join(dir, 'all-cut.monitor');
    writeFileSync(file, `${cut}\n`, 'latin1');
    const worker = recording();
    const stats = await readInWorker({ path: file, node: 'app' }, worker.sink, {}, 4096);
    expect(stats.records).toBe(0);
    expect(stats.skippedCount).toBeGreaterThan(400);
    expect(stats.notes).toEqual([`no line could be read as monitor: all ${stats.skippedCount} skipped`]);
    await both({ path: file, node: 'app' }, 4096);
  });

  it('an input refused at its head, or missing, fails as it does on one thread', async () => {
    const zstd = join(dir, 'capture.zst');
    writeFileSync(zstd, Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]));
    for (const path of [zstd, join(dir, 'missing.monitor')]) {
      const one = await readInput({ path, node: 'n' }, recording().sink).then(() => null, (e: Error) => e);
      const two = await readInWorker({ path, node: 'n' }, recording().sink).then(() => null, (e: Error) => e);
      expect(one).not.toBeNull();
      expect(two?.constructor).toBe(one!.constructor);
      expect(two?.message).toBe(one!.message);
    }
  });

  it('a sink that throws stops the worker and fails the read', async () => {
    let n = 0;
    const sink: RecordSink = {
      command() {
        if (++n === 1000) throw new Error('sink failed');
      },
      key() {},
    };
    await expect(readInWorker({ path: capture, node: 'app' }, sink, {}, 4096)).rejects.toThrow('sink failed');
  });
});
