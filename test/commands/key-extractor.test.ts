import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArgList } from '../../src/commands/args.js';
import type { CommandDef } from '../../src/commands/command-def.js';
import { CommandTable } from '../../src/commands/command-table.js';
import { type RedisServer, startRedis } from '../helpers/redis.js';

const table = new CommandTable();

function argView(args: Buffer[]): ArgList {
  const list = new ArgList();
  list.buf = Buffer.concat(args);
  let off = 0;
  for (const a of args) {
    list.push(off, off + a.length);
    off += a.length;
  }
  return list;
}

/** Our keys for a command line, as strings, in the order found. */
function ourKeys(args: Buffer[]): string[] {
  const view = argView(args);
  const cmd = table.lookup(view);
  if (!cmd) return [];
  const out = new Int32Array(args.length);
  const n = cmd.getKeys(view, out);
  return Array.from(out.subarray(0, n), (i) => args[i].toString('latin1'));
}

// Words that steer key searches in Redis's key specs and getkeys procedures.
const KEYWORDS = ['streams', 'store', 'storedist', 'keys', 'limit', 'get', 'by', 'block', 'count', 'group', 'noack', 'copy', 'replace', 'auth', 'auth2', 'weights', 'withscores'];

function generateCorpus(seed: number, perCommand: number): Buffer[][] {
  let x = seed;
  const rnd = (n: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
  const token = (i: number): string => {
    switch (rnd(8)) {
      case 0:
      case 1: {
        const w = KEYWORDS[rnd(KEYWORDS.length)];
        return rnd(2) ? w.toUpperCase() : w;
      }
      case 2:
        return String(rnd(5));
      case 3:
        return rnd(4) === 0 ? '' : `-${rnd(3)}`;
      default:
        return `k${i}x${rnd(1000)}`;
    }
  };
  const defs: CommandDef[] = [];
  for (const d of table.all.map((c) => c.def)) if (!d.subcommands?.length) defs.push(d);
  const corpus: Buffer[][] = [];
  for (const def of defs) {
    const words = def.name.split('|');
    const minArgs = Math.abs(def.arity);
    for (let n = 0; n < perCommand; n++) {
      const argc = def.arity > 0 ? def.arity : minArgs + rnd(7);
      const args = [...words];
      for (let i = words.length; i < argc; i++) args.push(token(i));
      // Most numkeys-style commands should get a plausible count where their spec reads it.
      for (const spec of def.keySpecs) {
        if (spec.bs && 'index' in spec.bs && spec.fk && 'keynum' in spec.fk && rnd(4) !== 0) {
          const at = spec.bs.index + spec.fk.keynum.keynumidx;
          if (at < args.length) args[at] = String(rnd(Math.max(1, args.length - at)));
        }
      }
      corpus.push(args.map((a) => Buffer.from(a, 'latin1')));
    }
  }
  return corpus;
}

describe('key extraction against COMMAND GETKEYS of a real redis-server', () => {
  let server: RedisServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedis();
    redis = server.client();
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('the table was generated from the same major version the tests run against', async () => {
    const info = await redis.info('server');
    const { KEY_SPECS_REDIS_VERSION } = await import('../../src/commands/key-specs.generated.js');
    expect(/redis_version:(\d+)\./.exec(info)?.[1]).toBe(KEY_SPECS_REDIS_VERSION.split('.')[0]);
  });

  it('agrees on a generated corpus covering every command with keys', async () => {
    const corpus = generateCorpus(1234, 40);
    const pipeline = redis.pipeline();
    for (const args of corpus) pipeline.call('COMMAND', 'GETKEYS', ...args);
    const replies = (await pipeline.exec())!;
    let compared = 0;
    let withKeys = 0;
    const disagreements: string[] = [];
    for (const [i, args] of corpus.entries()) {
      const [err, reply] = replies[i];
      if (err && /Invalid number of arguments/i.test(err.message)) continue; // arity: never executed, never in MONITOR
      const expected = err ? [] : (reply as Buffer[] | string[]).map((k) => Buffer.from(k as string, 'latin1').toString('latin1'));
      const ours = ourKeys(args);
      compared++;
      if (expected.length > 0) withKeys++;
      if (JSON.stringify([...ours].sort()) !== JSON.stringify([...expected].sort())) {
        disagreements.push(`${args.map((a) => a.toString('latin1')).join(' ')} => ours ${JSON.stringify(ours)} redis ${JSON.stringify(expected)}`);
      }
    }
    expect(disagreements.slice(0, 20)).toEqual([]);
    expect(compared).toBeGreaterThan(5000);
    expect(withKeys).toBeGreaterThan(3000);
  });

  it('gets the commands that are not a simple range right', async () => {
    const cases = [
      'EVAL "return 1" 2 a b c',
      'EVALSHA abc 1 x y',
      'FCALL f 1 k arg',
      'ZUNIONSTORE dest 2 s1 s2 WEIGHTS 1 2',
      'ZINTER 2 a b',
      'SINTERCARD 2 a b LIMIT 3',
      'LMPOP 2 l1 l2 LEFT',
      'BLMPOP 0 2 l1 l2 LEFT',
      'ZMPOP 1 z MIN',
      'XREAD COUNT 2 STREAMS s1 s2 0 0',
      'XREADGROUP GROUP g c STREAMS s1 >',
      'SORT src BY w_* GET o_* STORE dst',
      'SORT_RO src BY w_*',
      'GEORADIUS g 0 0 1 km STORE d',
      'GEORADIUSBYMEMBER g m 1 km STOREDIST d',
      'MIGRATE h 1 "" 0 5 KEYS a b',
      'MIGRATE h 1 k 0 5',
      'OBJECT ENCODING k',
      'MEMORY USAGE k',
      'BITOP AND d s1 s2',
      'XINFO STREAM s',
      'SET k v GET',
    ];
    for (const line of cases) {
      const args = line.split(' ').map((a) => Buffer.from(a === '""' ? '' : a));
      const expected = ((await redis.call('COMMAND', 'GETKEYS', ...args)) as string[]).map(String);
      expect({ line, keys: ourKeys(args).sort() }).toEqual({ line, keys: expected.sort() });
      expect(expected.length).toBeGreaterThan(0);
    }
  });

  it('resolves command names case-insensitively and leaves unknown commands unresolved', () => {
    expect(table.lookup(argView([Buffer.from('GeT'), Buffer.from('k')]))?.name).toBe('get');
    expect(table.lookup(argView([Buffer.from('object'), Buffer.from('ENCODING'), Buffer.from('k')]))?.name).toBe('object|encoding');
    expect(table.lookup(argView([Buffer.from('json.set'), Buffer.from('k')]))).toBeUndefined();
  });
});
