// The proof: traffic from real clients against a standalone server, captured with redis-cli MONITOR,
// analysed, then replayed per client and in order against a real 3-primary cluster. Every command and
// every MULTI block the analysis calls cross-slot must be refused by the cluster for its slots, and no
// other.
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../src/analyze/analyze-inputs.js';
import type { TransactionEnd } from '../../src/analyze/transactions.js';
import type { ScriptCallEnd } from '../../src/analyze/scripts.js';
import { CommandTable } from '../../src/commands/command-table.js';
import { COMMAND_DEFS } from '../../src/commands/key-specs.generated.js';
import { buildReport } from '../../src/report/report.js';
import { readTopology } from '../../src/replay/cluster-topology.js';
import { type ReplayResult, replayCapture } from '../../src/replay/cluster-replay.js';
import { captureTraffic, type RedisCluster, type RedisServer, startCluster, startRedis } from '../helpers/redis.js';

const TRANSFER = "local v = redis.call('DECRBY', KEYS[1], ARGV[1]); redis.call('INCRBY', KEYS[2], ARGV[1]); return v";
const AUDIT = "redis.call('INCR', 'audit:counter'); return redis.call('GET', KEYS[1])";
const LOCAL = "return redis.call('INCR', KEYS[1])";
const STRICT = "#!lua\nredis.call('INCR', 'audit:counter'); return redis.call('GET', KEYS[1])";

/** A BullMQ queue and worker with the default `bull:` prefix, as most apps run them. */
async function bullmqTraffic(port: number): Promise<void> {
  const connection = { host: '127.0.0.1', port };
  const queue = new Queue('emails', { connection });
  for (let i = 0; i < 4; i++) await queue.add('send', { to: `user${i}` });
  let done = 0;
  const worker = new Worker('emails', async () => {
    done++;
  }, { connection });
  while (done < 4) await new Promise((r) => setTimeout(r, 20));
  await worker.close();
  await queue.close();
}

/** An app-like workload on three connections, interleaved. */
async function traffic(a: Redis, b: Redis, c: Redis): Promise<void> {
  for (let i = 0; i < 12; i++) {
    const u = i + 1;
    const v = (i * 7) % 12 + 1;
    await Promise.all([
      a.multi().incrby(`user:${u}:balance`, 5).lpush(`user:${u}:ledger`, `+5 #${i}`).exec(), // cross-slot
      b.multi().incrby(`{user:${u}}:balance`, 1).lpush(`{user:${u}}:ledger`, 'x').exec(), // one slot
      c.mget(`product:${u}`, `product:${v}`, `product:${u + 20}`), // cross-slot
    ]);
    await a.mset(`{cart:${u}}:items`, '3', `{cart:${u}}:total`, '9'); // one slot
    await b.sadd(`user:${u}:friends`, String(v));
    await c.sinter(`user:${u}:friends`, `user:${v}:friends`);
    await a.set(`session:${u}`, 'x', 'EX', 600);
    await b.get(`session:${u}`);
  }
  await a.watch('stock:1');
  await a.multi().decr('stock:1').rpush('orders', '1').exec(); // the block spans slots
  await b.watch('{order:7}:state');
  await b.multi().set('{order:7}:state', 'paid').incr('{order:7}:version').exec(); // one slot, watched
  await c.multi().set('a:1', '1').discard();
  await c.watch('inventory:9');
  await c.multi().set('{order:8}:state', 'x').incr('{order:8}:version').exec(); // one slot, WATCH elsewhere
  await c.multi().ping().exec(); // no keys
  await a.rename('session:1', 'session:archived:1');
  await a.set('{k}:a', '1');
  await a.rename('{k}:a', '{k}:b');
  await b.lpush('queue:in', 'job1', 'job2');
  await b.lmove('queue:in', 'queue:done', 'LEFT', 'RIGHT');
  await b.rpoplpush('queue:in', 'queue:done');
  await c.smove('user:1:friends', 'user:2:friends', '2');
  await c.zadd('z:1', 1, 'a');
  await c.zadd('z:2', 2, 'b');
  await c.zunionstore('z:all', 2, 'z:1', 'z:2');
  await c.zunionstore('{z}:all', 1, '{z}:1');
  await a.lpush('jobs:high', 'j');
  await a.blpop('jobs:high', 'jobs:low', 0.1);
  await a.lpush('{jobs}:high', 'j');
  await a.blpop('{jobs}:high', '{jobs}:low', 0.1);
  await b.eval(TRANSFER, 2, 'acct:1', 'acct:2', 3); // declared keys span slots
  await b.eval(TRANSFER, 2, '{acct:9}:a', '{acct:9}:b', 3); // one slot
  await b.eval(AUDIT, 1, 'page:1'); // touches an undeclared key in another slot (the same node in a 3-primary layout)
  await b.eval(AUDIT, 1, 'acct:1'); // ... and on another node
  await b.eval(STRICT, 1, 'page:1'); // a #! script: no second slot, even on one node
  await b.eval(LOCAL, 1, 'counter:1'); // clean
  await c.xadd('s:1', '*', 'f', 'v');
  await c.xadd('s:2', '*', 'f', 'v');
  await c.xread('COUNT', 1, 'STREAMS', 's:1', 's:2', '0', '0');
  await c.del('s:1', 's:2');
  await c.del('{s}:1', '{s}:2');
}

describe('cross-slot verdicts against a real 3-primary cluster', () => {
  let standalone: RedisServer;
  let cluster: RedisCluster;
  let capture: string;
  let replay: ReplayResult;

  beforeAll(async () => {
    [standalone, cluster] = await Promise.all([startRedis(), startCluster(3)]);
    capture = await captureTraffic(standalone, async () => {
      const [a, b, c] = [standalone.client(), standalone.client(), standalone.client()];
      await traffic(a, b, c);
      for (const x of [a, b, c]) x.disconnect();
      await bullmqTraffic(standalone.port);
    });
    const topology = await readTopology({ host: '127.0.0.1', port: cluster.primaries[0].port });
    expect(topology.primaries).toHaveLength(3);
    replay = await replayCapture({ path: capture, node: 'app' }, topology);
  });

  afterAll(async () => {
    await Promise.all([standalone?.stop(), cluster?.stop()]);
  });

  async function analyse(table?: CommandTable) {
    const commands = new Map<number, boolean>();
    const transactions: TransactionEnd[] = [];
    const scripts: ScriptCallEnd[] = [];
    const result = await analyzeInputs([{ path: capture, node: 'app' }], {
      table,
      observer: { command: (_n, line, cross) => commands.set(line, cross), transaction: (t) => transactions.push(t), scriptCall: (s) => scripts.push(s) },
    });
    return { commands, transactions, scripts, report: buildReport(result) };
  }

  function disagreements(ours: Awaited<ReturnType<typeof analyse>>): string[] {
    const out: string[] = [];
    for (const r of replay.commands) {
      const refused = r.reply === 'CROSSSLOT';
      const predicted = ours.commands.get(r.line);
      if (predicted === undefined) out.push(`line ${r.line}: replayed but not analysed`);
      else if (predicted !== refused) out.push(`line ${r.line}: analysis ${predicted ? 'cross-slot' : 'single-slot'}, cluster ${r.reply} ${r.message ?? ''}`);
    }
    const txByExec = new Map(ours.transactions.map((t) => [t.execLine, t]));
    for (const t of replay.transactions) {
      const ourTx = txByExec.get(t.execLine);
      if (!ourTx) out.push(`transaction ${t.multiLine}-${t.execLine}: not analysed`);
      else if (ourTx.crossSlot !== t.crossSlot) out.push(`transaction ${t.multiLine}-${t.execLine}: analysis ${ourTx.crossSlot}, cluster ${t.crossSlot} (exec ${t.execReply})`);
    }
    if (ours.transactions.length !== replay.transactions.length) out.push(`transactions: analysis ${ours.transactions.length}, replay ${replay.transactions.length}`);
    return out;
  }

  it('agrees exactly on every command and every transaction', async () => {
    const ours = await analyse();
    expect(disagreements(ours)).toEqual([]);
    // Non-trivial on both sides.
    const refused = replay.commands.filter((r) => r.reply === 'CROSSSLOT').length;
    expect(refused).toBeGreaterThanOrEqual(25);
    expect(replay.commands.filter((r) => r.reply === 'ok').length).toBeGreaterThanOrEqual(100);
    expect(replay.transactions.filter((t) => t.crossSlot).length).toBeGreaterThanOrEqual(13);
    expect(replay.transactions.filter((t) => !t.crossSlot).length).toBeGreaterThanOrEqual(13);
    expect(ours.report.totals.crossSlotCommands).toBe(refused);
    // A block WATCHing another slot runs, but its WATCH guards nothing there: counted with the cross-slot ones.
    const watchElsewhere = ours.transactions.filter((t) => t.watchElsewhere).length;
    expect(watchElsewhere).toBe(1);
    expect(ours.report.totals.crossSlotTransactions).toBe(replay.transactions.filter((t) => t.crossSlot).length + watchElsewhere);
  });

  it('predicts exactly which script calls the cluster fails, given its layout', async () => {
    const ours = await analyse();
    const topology = await readTopology({ host: '127.0.0.1', port: cluster.primaries[0].port });
    for (const s of ours.scripts) {
      const r = replay.commands.find((c) => c.line === s.line)!;
      if (r.reply === 'NOSCRIPT') continue; // an EVALSHA before its body was seen: it never ran (the client retries with EVAL)
      const failed = r.reply === 'CROSSSLOT' || /Script attempted to access/.test(r.message ?? '');
      const routed = s.declaredSlots.length ? topology.owner[s.declaredSlots[0]] : 0;
      const predicted = s.declaredCrossSlot || (s.strict && s.slots.length > 1) || s.slots.some((slot) => topology.owner[slot] !== routed);
      expect({ line: s.line, failed }).toEqual({ line: s.line, failed: predicted });
    }
    const app = ours.scripts.filter((s) => !s.touchedKeys.some((k) => k.startsWith('bull:')));
    expect(app.filter((s) => s.crossSlot)).toHaveLength(4);
    expect(app.filter((s) => s.strict)).toHaveLength(1);
    // Every BullMQ call with the default prefix spans slots.
    const bull = ours.scripts.filter((s) => s.touchedKeys.some((k) => k.startsWith('bull:')));
    expect(bull.length).toBeGreaterThanOrEqual(4);
    expect(bull.every((s) => s.crossSlot)).toBe(true);
    expect(ours.report.findings.find((f) => f.id === 'script-undeclared-keys')?.patterns).toMatchObject({ 'audit:counter': 3, 'bull:emails:<id>': expect.any(Number) });
    expect(ours.report.verdict.status).toBe('blocked');
  });

  it('reports the other blockers it saw', async () => {
    const { report } = await analyse();
    const ids = report.findings.map((f) => f.id);
    for (const id of ['cross-slot-command', 'cross-slot-transaction', 'cross-slot-script', 'blocking-cross-slot', 'cross-slot-move', 'watch-cross-slot'] as const) expect(ids).toContain(id);
    expect(report.findings.find((f) => f.id === 'cross-slot-move')?.count).toBe(5); // rename, lmove, rpoplpush, smove, zunionstore
  });

  it('would catch a wrong analysis: a table that thinks MGET takes one key disagrees with the cluster', async () => {
    const defs = COMMAND_DEFS.map((d) => (d.name === 'mget' ? { ...d, keySpecs: [{ ...d.keySpecs[0], fk: { range: { lastkey: 0, step: 1, limit: 0 } } }] } : d));
    const wrong = await analyse(new CommandTable(defs));
    const found = disagreements(wrong);
    expect(found.length).toBe(12);
    expect(found[0]).toMatch(/analysis single-slot, cluster CROSSSLOT/);
  });
});
