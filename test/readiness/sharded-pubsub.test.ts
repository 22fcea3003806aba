// Sharded pub/sub: SSUBSCRIBE/SUNSUBSCRIBE/SPUBLISH have no keys (COMMAND GETKEYS says so) yet a cluster
// routes them by their channels, so channels in two slots get CROSSSLOT. Verdicts checked against a real
// 3-primary cluster, each command sent to the node that owns its first channel.
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../src/analyze/analyze-inputs.js';
import { readTopology } from '../../src/replay/cluster-topology.js';
import { buildReport } from '../../src/report/report.js';
import { keySlot } from '../../src/slot/key-slot.js';
import { captureTraffic, type RedisCluster, type RedisServer, startCluster, startRedis } from '../helpers/redis.js';

const SUBSCRIPTIONS = [['a', 'b'], ['{t}1', '{t}2'], ['solo']];
const PUBLISHES = ['news:1', '{t}1'];

describe('sharded pub/sub', () => {
  let standalone: RedisServer;
  let cluster: RedisCluster;
  let capture: string;

  beforeAll(async () => {
    [standalone, cluster] = await Promise.all([startRedis(), startCluster(3)]);
    capture = await captureTraffic(standalone, async () => {
      const pub = standalone.client();
      for (const channel of PUBLISHES) await pub.spublish(channel, 'hi');
      pub.disconnect();
      for (const channels of SUBSCRIPTIONS) {
        const sub = standalone.client();
        await sub.ssubscribe(...channels);
        sub.disconnect();
      }
    });
  });

  afterAll(async () => {
    await Promise.all([standalone?.stop(), cluster?.stop()]);
  });

  it('judges SSUBSCRIBE and SPUBLISH by their channels, as a cluster answers them', async () => {
    const verdicts = new Map<number, boolean>();
    const report = buildReport(await analyzeInputs([{ path: capture, node: 'app' }], { observer: { command: (_node, line, crossSlot) => verdicts.set(line, crossSlot) } }));
    expect(report.commands.ssubscribe).toMatchObject({ calls: 3, keyed: 0, crossSlot: 1 });
    expect(report.commands.spublish).toMatchObject({ calls: 2, keyed: 0, crossSlot: 0 });
    expect(report.totals.distinctKeys).toBe(0); // channels are not keys
    expect(report.commands.ssubscribe.example?.command).toBe('ssubscribe "a" "b"');
    // Each channel's slot carries the command that went there.
    expect(report.slots.ops[keySlot('news:1')]).toBe(1);

    const topology = await readTopology({ host: '127.0.0.1', port: cluster.primaries[0].port });
    const lines = readFileSync(capture, 'latin1').split('\n').map((l, i) => [i + 1, l] as const).filter(([, l]) => /"(ssubscribe|spublish)"/.test(l));
    expect(lines).toHaveLength(SUBSCRIPTIONS.length + PUBLISHES.length);
    for (const [lineNo, line] of lines) {
      const args = [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
      const channels = args[0] === 'spublish' ? [args[1]] : args.slice(1);
      const owner = topology.primaries[topology.owner[keySlot(channels[0])]];
      const node = new Redis({ host: owner.host, port: owner.port, lazyConnect: true, maxRetriesPerRequest: 0 });
      await node.connect();
      const reply = await node.call(args[0], ...args.slice(1)).then(() => 'ok', (err: Error) => err.message.split(' ')[0]);
      node.disconnect();
      // Our verdict for that very line, against the cluster's reply.
      expect({ line: args.join(' '), reply }).toEqual({ line: args.join(' '), reply: verdicts.get(lineNo) ? 'CROSSSLOT' : 'ok' });
    }
  });
});
