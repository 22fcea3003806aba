// The readiness rules, each on traffic a real client sent to a real server and redis-cli MONITOR
// captured; what a cluster does with each was checked on redis-server 7.0.15 in cluster mode (see
// refusals.test.ts for the replay that proves it).
import { readFileSync, writeFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../src/analyze/analyze-inputs.js';
import { findTarget } from '../../src/analyze/targets.js';
import { buildReport, type Report } from '../../src/report/report.js';
import { slotscope } from '../helpers/cli.js';
import { captureTraffic, type RedisServer, startRedis } from '../helpers/redis.js';

let server: RedisServer;

beforeAll(async () => {
  server = await startRedis();
});

afterAll(async () => {
  await server?.stop();
});

/** Captures what `traffic` sends on one fresh connection, and analyses it for a target. */
async function captured(traffic: (c: Redis) => Promise<unknown>, target = 'redis-8'): Promise<{ report: Report; file: string }> {
  const c = server.client();
  await c.ping();
  const file = await captureTraffic(server, async () => {
    await traffic(c);
  });
  c.disconnect();
  return { report: buildReport(await analyzeInputs([{ path: file, node: 'n' }], { target: findTarget(target) })), file };
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.id === id);

const NO_CLUSTER_LIB = `#!lua name=nclib
redis.register_function{function_name='nc', callback=function() return 'hello' end, flags={'no-cluster'}}
redis.register_function{function_name='cross', callback=function(keys) return redis.call('get', keys[1]) end, flags={'allow-cross-slot-keys'}}
redis.register_function('plain', function() return 1 end)`;

describe("Redis 8's cluster_incompatible_ops, case by case as tests/unit/other.tcl pins it", () => {
  // Each case is the traffic of one test there, with the increment it asserts.
  const cases: [string, number, (c: Redis) => Promise<unknown>][] = [
    ['SELECT 0 is compatible, SELECT 1 is not', 1, async (c) => {
      await c.select(0);
      await c.select(1);
      await c.select(0);
    }],
    ['SWAPDB', 1, (c) => c.swapdb(0, 1)],
    ['COPY to the same db is compatible, to db 1 is not; MOVE is not', 2, async (c) => {
      await c.set('key1', 'value1');
      await c.copy('key1', 'key2{key1}', 'REPLACE');
      await c.copy('key2{key1}', 'key1', 'DB', 1, 'REPLACE');
      await c.set('key3', 'value3');
      await c.move('key3', 1);
    }],
    ['a function flagged no-cluster counts, one without does not', 1, async (c) => {
      await c.function('LOAD', 'REPLACE', NO_CLUSTER_LIB);
      await c.fcall('nc', 0);
      await c.fcall('plain', 0);
    }],
    ['a script flagged no-cluster counts, a #!lua one without does not', 1, async (c) => {
      await c.eval('#!lua flags=no-cluster\nreturn 1', 0);
      await c.eval('#!lua\nreturn 1', 0);
    }],
    ['SORT BY and GET patterns count when their slot differs from the key\'s', 2, async (c) => {
      await c.del('mylist');
      await c.lpush('mylist', 1, 2, 3);
      await c.sort('mylist', 'BY', 'weight_*');
      await c.sort('mylist', 'BY', 'weight{mylist}_*');
      await c.sort('mylist', 'BY', 'weight{mylist}_*', 'GET', 'object_*');
      await c.sort('mylist', 'BY', 'weight{mylist}_*', 'GET', 'object{mylist}_*');
      await c.sort('mylist', 'GET', '#'); // the element itself: never counted
    }],
    ['cross-slot commands', 2, async (c) => {
      await c.mset('foo', 'bar', 'bar', 'foo');
      await c.del('foo', 'bar');
    }],
    ['a transaction spanning slots counts once, at EXEC', 1, async (c) => {
      await c.multi().exec();
      await c.multi().set('foo', 'bar').del('bar').exec();
    }],
    ['scripts: declared keys, touched keys, one command across slots, allow-cross-slot-keys', 3, async (c) => {
      await c.eval("#!lua\nredis.call('mset', KEYS[1], 0, KEYS[2], 0)", 2, 'foo', 'bar');
      await c.eval("#!lua\nredis.call('mset', 'foo', 0, 'bar', 0)", 0);
      await c.eval("#!lua flags=allow-cross-slot-keys\nredis.call('mset', 'foo', 0, 'bar', 0)\nredis.call('mset', KEYS[1], 0, KEYS[2], 0)", 2, 'foo', 'bar{foo}');
      await c.eval("#!lua flags=allow-cross-slot-keys\nredis.call('set', 'foo', 0)\nredis.call('set', 'bar', 0)\nredis.call('mset', KEYS[1], 0, KEYS[2], 0)", 2, 'foo', 'bar{foo}');
    }],
    ['SSUBSCRIBE to channels in two slots', 1, async (c) => {
      await c.ssubscribe('foo', 'bar');
    }],
  ];

  for (const [name, expected, traffic] of cases) {
    it(name, async () => {
      const { report } = await captured(traffic);
      expect(report.redis8IncompatibleOps).toBe(expected);
    });
  }
});

describe('readiness rules on captured traffic', () => {
  it('counts a block WATCHing another slot as a cross-slot transaction, and a discarded block in the total', async () => {
    const { report } = await captured(async (c) => {
      await c.watch('inventory:9');
      await c.multi().set('{order:8}:state', 'x').incr('{order:8}:version').exec();
      await c.watch('{order:9}:state');
      await c.multi().set('{order:9}:state', 'x').exec(); // watched in its own slot
      // A pipelined multi().discard() never reaches the server: the commands go one by one.
      await c.multi({ pipeline: false });
      await c.set('a:1', '1');
      await c.discard();
    });
    expect(report.totals.transactions).toBe(3);
    expect(report.totals.crossSlotTransactions).toBe(1);
    expect(finding(report, 'watch-cross-slot')).toMatchObject({ severity: 'blocker', count: 1, of: 'transactions' });
    expect(finding(report, 'cross-slot-transaction')).toBeUndefined();
    expect(report.verdict.status).toBe('ready with changes');
  });

  it('calls XREAD blocking only with BLOCK', async () => {
    const { report } = await captured(async (c) => {
      await c.xadd('s:1', '*', 'f', 'v');
      await c.xadd('s:2', '*', 'f', 'v');
      await c.xread('COUNT', 1, 'STREAMS', 's:1', 's:2', '0', '0');
      await c.xread('COUNT', 1, 'BLOCK', 10, 'STREAMS', 's:1', 's:2', '$', '$');
    });
    expect(finding(report, 'cross-slot-command')?.count).toBe(2);
    expect(finding(report, 'blocking-cross-slot')?.count).toBe(1);
    expect(finding(report, 'blocking-cross-slot')?.example?.command).toMatch(/^xread \? \? \? \? \? "s:1" "s:2"/);
  });

  it('finds scripts and functions flagged no-cluster, and functions whose flags it never saw', async () => {
    const loader = server.client();
    await loader.function('LOAD', 'REPLACE', '#!lua name=before\nredis.register_function{function_name=\'unseen\', callback=function() return 1 end, flags={\'no-cluster\'}}');
    loader.disconnect();
    const { report } = await captured(async (c) => {
      await c.function('LOAD', 'REPLACE', NO_CLUSTER_LIB);
      await c.fcall('nc', 0);
      await c.fcall('plain', 0);
      await c.eval('#!lua flags=no-writes,no-cluster\nreturn 1', 0);
      await c.eval('return 1', 0); // no shebang: flags do not apply
      await c.fcall('unseen', 0); // loaded before the capture: its no-cluster flag is not known
    });
    expect(finding(report, 'no-cluster-script')).toMatchObject({ severity: 'blocker', fix: 'app', count: 2, of: 'script calls' });
    expect(finding(report, 'function-flags-unknown')).toMatchObject({ count: 1, example: { command: 'fcall ? ?' } });
    expect(report.verdict.status).toBe('blocked');
  });

  it('judges SORT patterns by the target: Redis 7.0 refuses every BY pattern and GET, Redis 8 only those in another slot', async () => {
    const traffic = async (c: Redis): Promise<void> => {
      await c.lpush('{l}:ids', 1, 2, 3);
      await c.sort('{l}:ids', 'BY', 'nosort'); // no `*`: not a pattern, never checked
      await c.sort('{l}:ids', 'BY', '{l}:w_*', 'GET', '{l}:o_*'); // patterns in the key's slot
      await c.sort('{l}:ids', 'BY', 'nosort', 'GET', '#');
      await c.sort('{l}:ids', 'BY', 'w_*'); // another slot
      await c.sort_ro('{l}:ids', 'GET', 'o_*');
    };
    const old = (await captured(traffic, 'redis-7.0')).report;
    const r74 = (await captured(traffic, 'redis-7.4')).report;
    const r8 = (await captured(traffic, 'redis-8')).report;
    expect(finding(old, 'sort-pattern-refused')).toMatchObject({ fix: 'app', count: 4 });
    expect(finding(old, 'sort-pattern')).toBeUndefined();
    expect(old.verdict.status).toBe('blocked');
    expect(finding(r74, 'sort-pattern')?.count).toBe(3); // GET # is a pattern to 7.4
    expect(finding(r8, 'sort-pattern')).toMatchObject({ fix: 'rename', count: 2 });
    expect(finding(r8, 'sort-pattern-refused')).toBeUndefined();
    expect(r8.verdict.status).toBe('ready with changes');
    expect(old.target).toEqual({ id: 'redis-7.0', label: 'Redis 7.0 Cluster' });
    expect(r8.redis8IncompatibleOps).toBe(old.redis8IncompatibleOps); // the count does not depend on the target
  });

  it('refuses COPY to another db, but not COPY ... DB 0', async () => {
    const { report } = await captured(async (c) => {
      await c.set('{c}:a', '1');
      await c.copy('{c}:a', '{c}:b', 'DB', 0, 'REPLACE');
      await c.copy('{c}:a', '{c}:b', 'DB', 3, 'REPLACE');
    });
    expect(finding(report, 'move-swapdb')).toMatchObject({ count: 1, example: { command: 'copy "{c}:a" "{c}:b" ? ? ?' } });
  });

  it('judges allow-cross-slot-keys scripts by their commands, and undeclared keys by their slot', async () => {
    const { report } = await captured(async (c) => {
      // Separate commands in two slots: allowed by the flag (on one node).
      await c.eval("#!lua flags=allow-cross-slot-keys\nredis.call('set', KEYS[1], 0); redis.call('set', 'other:1', 0)", 1, 'k:1');
      // One command across two slots: refused whatever the flags.
      await c.eval("#!lua flags=allow-cross-slot-keys\nredis.call('mset', KEYS[1], 0, 'other:2', 0)", 1, 'k:2');
      // A queue's keys built from a hash-tagged prefix: undeclared, in the declared key's slot.
      await c.eval("redis.call('incr', KEYS[1]); redis.call('incr', ARGV[1] .. ':id')", 1, '{bq}:emails:meta', '{bq}:emails');
    });
    expect(report.scripts.find((s) => s.id.startsWith('function:'))).toBeUndefined();
    expect(finding(report, 'cross-slot-script')?.count).toBe(2);
    expect(finding(report, 'script-undeclared-keys')?.count).toBe(2); // other:1, other:2
    expect(finding(report, 'script-undeclared-same-slot')).toMatchObject({ severity: 'warning', count: 1, patterns: { '{bq}:emails:id': 1 } });
    // Redis 8 counts only the call whose one command spans slots.
    expect(report.redis8IncompatibleOps).toBe(1);
  });

  it('counts cross-slot lua lines whose script call is not in the capture (a capture cut mid-script)', async () => {
    const { file } = await captured(async (c) => {
      await c.eval("redis.call('set', 'a:1', 1); redis.call('mset', 'a:2', 1, 'b:2', 1)", 0);
      await c.get('x');
    });
    // The capture as a rotated file would begin: after the EVAL line.
    const lines = readFileSync(file, 'latin1').split('\n');
    const cut = file.replace(/\.monitor$/, '-cut.monitor');
    writeFileSync(cut, lines.filter((l) => !l.includes('"eval"')).join('\n'), 'latin1');
    const report = buildReport(await analyzeInputs([{ path: cut, node: 'n' }]));
    expect(finding(report, 'script-unknown-caller')).toMatchObject({ severity: 'blocker', count: 1, example: { command: 'mset "a:2" ? "b:2" ?' } });
    expect(report.scripts.find((s) => s.id === '(unknown caller)')).toMatchObject({ calls: 1, crossSlot: 1 });
    expect(report.redis8IncompatibleOps).toBe(1);
  });

  it('says which target it judged for in every format, and refuses an unknown target', async () => {
    const { file } = await captured((c) => c.mget('a', 'b'));
    expect(slotscope(['analyze', '--target', 'redis-7.0', file]).stdout).toMatch(/Judged for Redis 7\.0 Cluster \(--target redis-7\.0\)/);
    expect(slotscope(['analyze', '-f', 'markdown', file]).stdout).toMatch(/Judged for Redis 8 Cluster/);
    expect(slotscope(['analyze', '-f', 'html', file]).stdout).toMatch(/cluster_incompatible_ops would count 1 /);
    expect(JSON.parse(slotscope(['analyze', '-f', 'json', '--target', 'redis-software', file]).stdout)).toMatchObject({ target: { id: 'redis-software' }, redis8IncompatibleOps: 1 });
    expect(slotscope(['check', '--target', 'valkey-8', file]).stdout).toMatch(/^Judged for Valkey 8 Cluster \(--target valkey-8\)$/m);
    expect(JSON.parse(slotscope(['check', '-f', 'json', file]).stdout).target).toEqual({ id: 'redis-8', label: 'Redis 8 Cluster' });
    const bad = slotscope(['check', '--target', 'redis-6', file]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/redis-6/);
  });

  it('lets a proxy target split what its page says it splits, and nothing more', async () => {
    const traffic = async (c: Redis): Promise<void> => {
      await c.mget('a', 'b');
      await c.del('a', 'b');
      await c.sunion('a', 'b');
      await c.keys('user:*');
    };
    const oss = (await captured(traffic, 'redis-8')).report;
    const rs = (await captured(traffic, 'redis-software')).report;
    const aa = (await captured(traffic, 'redis-software-active-active')).report;
    expect(finding(oss, 'cross-slot-command')?.count).toBe(3);
    expect(finding(oss, 'single-node-keyspace')?.count).toBe(1);
    expect(finding(rs, 'proxy-split')?.count).toBe(2); // MGET, DEL
    expect(finding(rs, 'cross-slot-command')?.count).toBe(1); // SUNION
    expect(finding(rs, 'single-node-keyspace')).toBeUndefined(); // KEYS runs on all shards there
    expect(finding(aa, 'cross-slot-command')?.count).toBe(2); // DEL is single-slot on Active-Active
    expect(rs.totals.crossSlotCommands).toBe(3); // the fact stays: keys in several slots
  });
});
