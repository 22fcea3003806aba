// What the library is for in a test suite: MONITOR a real server into memory while the code under test
// runs, then analyse those bytes in process. Only the public entry is used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, captureMonitor, discover, type LineSink, parseRedisUrl } from '../../src/index.js';
import { type RedisServer, startRedis, waitFor } from '../helpers/redis.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(() => server.stop());

describe('captureMonitor() into memory, then analyze()', () => {
  it('counts the cross-slot commands and transactions an ioredis client sent', async () => {
    const ep = parseRedisUrl(server.url);
    const { nodes } = await discover(ep);
    const chunks: Buffer[] = [];
    const sink: LineSink = { write: (c) => void chunks.push(c), end: async () => {} };
    const stop = new AbortController();
    let attached!: () => void;
    const ready = new Promise<void>((resolve) => (attached = resolve));
    const captured = captureMonitor(ep, nodes, { durationMs: 0, signal: stop.signal, onAttached: () => attached(), sinkFor: () => ({ sink }) });
    await ready;

    const client = server.client();
    await client.mset('user:1', 'a', 'user:2', 'b'); // two slots: CROSSSLOT in a cluster
    await client.mset('{user}:1', 'a', '{user}:2', 'b'); // one hash tag, one slot
    await client.multi().set('cart:1', 'x').set('order:1', 'y').exec(); // a transaction over two slots
    await client.echo('end-of-traffic');
    client.disconnect();
    await waitFor('the last command in the capture', async () => (Buffer.concat(chunks).includes('"end-of-traffic"') ? true : undefined));
    stop.abort();
    const [node] = await captured;

    const report = await analyze([{ node: node.address, data: Buffer.concat(chunks) }]);
    expect(report.inputs[0]).toMatchObject({ format: 'monitor', lines: node.lines + 1, skipped: { count: 0 } });
    expect(report.totals.crossSlotCommands).toBe(1);
    expect(report.commands.mset).toMatchObject({ calls: 2, crossSlot: 1 });
    expect(report.totals.crossSlotTransactions).toBe(1);
    expect(report.verdict.status).not.toBe('ready');
  });
});
