// Replica reads from a real capture: a read-mostly catalog is a candidate; sessions read right after their
// own write and keys read only inside a script are not. The ioredis routing the plan writes is run as JS
// against a real cluster with replicas: a candidate key is read on a replica, an excluded one on its primary.
import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Plan, makePlan, DEFAULT_PLAN_OPTIONS } from '../../src/plan/make-plan.js';
import { keySlot } from '../../src/slot/key-slot.js';
import { type RedisCluster, type RedisServer, captureTraffic, startCluster, startRedis, waitFor } from '../helpers/redis.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const READ_STOCK = "return redis.call('GET', KEYS[1])";
const SESSIONS = Array.from({ length: 20 }, () => randomUUID());

let server: RedisServer;
let plan: Plan;

beforeAll(async () => {
  server = await startRedis();
  const capture = await captureTraffic(server, async () => {
    const writer = server.client();
    const reader = server.client();
    const app = server.client();
    for (let i = 0; i < 20; i++) await writer.set(`catalog:${i}`, `item ${i}`);
    for (let i = 0; i < 20; i++) await app.set(`stock:${i}`, i);
    await sleep(300); // past the 100 ms window: these reads follow no recent write
    for (let round = 0; round < 10; round++) for (let i = 0; i < 20; i++) await reader.get(`catalog:${i}`);
    // One item changes and is read at once by another client: stale exposure, not read-your-own-write.
    await writer.set('catalog:1', 'item 1 v2');
    for (let n = 0; n < 5; n++) await reader.get('catalog:1');
    // Sessions: each written, then read by the same client straight away.
    for (const id of SESSIONS) {
      await app.set(`session:${id}`, 'data');
      for (let n = 0; n < 5; n++) await app.get(`session:${id}`);
    }
    // Stock read only inside a script: the `lua` lines have no client, so they can never go to a replica.
    for (let round = 0; round < 3; round++) for (let i = 0; i < 20; i++) await app.eval(READ_STOCK, 1, `stock:${i}`);
    for (const c of [writer, reader, app]) c.disconnect();
  });
  plan = await makePlan([{ path: capture, node: 'app' }], DEFAULT_PLAN_OPTIONS);
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('replica-read candidates from client reads', () => {
  it('offers the read-mostly catalog, with its stale-read exposure', () => {
    const catalog = plan.replicaReads.candidates.find((c) => c.pattern === 'catalog:<id>')!;
    expect(catalog).toMatchObject({ reads: 205, writes: 21, scriptReads: 0, ownWriteReadShare: 0 });
    expect(catalog.staleReadShare).toBeCloseTo(5 / 205, 9);
  });

  it('keeps sessions read after their own write, and keys read only by a script, on the primaries', () => {
    const names = plan.replicaReads.candidates.map((c) => c.pattern);
    expect(names).toEqual(['catalog:<id>']);
    const session = plan.replicaReads.excluded.find((c) => c.pattern === 'session:<uuid>')!;
    expect(session).toMatchObject({ reason: 'reads-own-writes', reads: 100, writes: 20, ownWriteReadShare: 1 });
    const stock = plan.replicaReads.excluded.find((c) => c.pattern === 'stock:<id>')!;
    expect(stock).toMatchObject({ reason: 'script-only', reads: 0, scriptReads: 60 });
  });

  it('never states a share over 100%', () => {
    for (const c of [...plan.replicaReads.candidates, ...plan.replicaReads.excluded]) {
      for (const share of [c.ownWriteReadShare, c.staleReadShare]) expect(share).toBeGreaterThanOrEqual(0), expect(share).toBeLessThanOrEqual(1);
    }
  });

  it('routes by key in every client snippet, not with a global switch', () => {
    const r = plan.replicaReads.routing!;
    const re = new RegExp(r.regex);
    expect(['catalog:7', 'catalog:123'].every((k) => re.test(k))).toBe(true);
    expect([`session:${SESSIONS[0]}`, 'stock:3', 'catalog:7:x'].some((k) => re.test(k))).toBe(false);
    expect(r.ioredis).not.toMatch(/scaleReads: *["']slave/);
    expect(r.redisPy).toContain('read_from_replicas=True');
    expect(r.redisPy).toContain('def reader(key)');
    expect(r.goRedis).toContain('ReadOnly: true');
  });
});

describe("the ioredis scaleReads function, in a real cluster with replicas", () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startCluster(3, 1);
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  /** GET calls each node served since the last CONFIG RESETSTAT, by port. */
  async function getCalls(): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const n of cluster.nodes) {
      const c = n.client();
      const info = await c.info('commandstats');
      c.disconnect();
      out.set(n.port, Number(/cmdstat_get:calls=(\d+)/.exec(info)?.[1] ?? 0));
    }
    return out;
  }

  it('reads a candidate key on a replica and an excluded one on its primary', async () => {
    const seed = { host: '127.0.0.1', port: cluster.primaries[0].port };
    const session = `session:${SESSIONS[0]}`;
    const WARMUP = 30;
    const writer = new Cluster([seed], { redisOptions: { maxRetriesPerRequest: 1 } });
    writer.on('error', () => {}); // failures surface as rejected commands
    await writer.set('catalog:7', 'item 7');
    await writer.set(session, 'data');
    // CLUSTER SLOTS lists a replica only once it has replicated something (isReplicaAvailable() in
    // cluster.c): keys on every primary, then wait until each replica holds its share.
    for (let i = 0; i < WARMUP; i++) await writer.set(`warmup:${i}`, '1');
    writer.disconnect();
    const replicas = cluster.nodes.filter((n) => !cluster.primaries.includes(n));
    await waitFor('replication', async () => {
      let keys = 0;
      for (const r of replicas) {
        const rc = r.client();
        keys += await rc.dbsize();
        rc.disconnect();
      }
      return keys === 2 + WARMUP ? true : undefined;
    });
    await waitFor('replicas in CLUSTER SLOTS', async () => {
      for (const n of cluster.primaries) {
        const nc = n.client();
        const ranges = (await nc.call('CLUSTER', 'SLOTS')) as unknown[][];
        nc.disconnect();
        if (ranges.some((r) => r.length < 4)) return undefined;
      }
      return true;
    });
    const scaleReads = new Function(`return (${plan.replicaReads.routing!.ioredis})`)() as (nodes: unknown[], command: unknown) => unknown;
    const c = new Cluster([seed], { scaleReads: scaleReads as never, redisOptions: { maxRetriesPerRequest: 1 } });
    c.on('error', () => {}); // failures surface as rejected commands
    for (const n of cluster.nodes) {
      const nc = n.client();
      await nc.config('RESETSTAT');
      nc.disconnect();
    }

    for (let i = 0; i < 3; i++) {
      expect(await c.get('catalog:7')).toBe('item 7');
      expect(await c.get(session)).toBe('data');
    }
    c.disconnect();

    // Who serves each key's slot, from the cluster itself: [from, to, primary, replica...].
    const any = cluster.primaries[0].client();
    const slots = (await any.call('CLUSTER', 'SLOTS')) as [number, number, ...[string, number][]][];
    any.disconnect();
    const servers = (key: string): number[] => {
      const slot = keySlot(key);
      return slots.find(([f, t]) => slot >= f && slot <= t)!.slice(2).map((n) => (n as [string, number])[1]);
    };
    const [catalogPrimary, catalogReplica] = servers('catalog:7');
    const [sessionPrimary] = servers(session);
    const calls = await getCalls();
    expect(calls.get(catalogReplica)).toBe(3);
    expect(calls.get(sessionPrimary)).toBe(3);
    if (catalogPrimary !== sessionPrimary) expect(calls.get(catalogPrimary)).toBe(0);
    expect([...calls.values()].reduce((t, v) => t + v, 0)).toBe(6);
  }, 60_000);
});
