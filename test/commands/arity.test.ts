// A MONITOR line cut after any argument must give the keys COMMAND GETKEYS gives for what is left, and
// none when Redis's arity check refuses it, however long the previous line was (the argument list is
// reused from line to line: offsets past argc belong to the line before).
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandDef } from '../../src/commands/command-def.js';
import { CommandTable } from '../../src/commands/command-table.js';
import { wrongArity } from '../../src/commands/key-extractor.js';
import { MonitorParser } from '../../src/ingest/monitor-parser.js';
import { repr } from '../../src/ingest/sdsrepr.js';
import { type RedisServer, startRedis } from '../helpers/redis.js';

const table = new CommandTable();
const KEYWORDS = ['STORE', 'STOREDIST', 'STREAMS', 'KEYS', 'BY', 'GET', 'LIMIT', 'COUNT', 'BLOCK', 'GROUP', 'AUTH', 'COPY'];

/** Every command (or subcommand) that has key specs, or shard channels. */
function keyedDefs(): CommandDef[] {
  const out: CommandDef[] = [];
  const visit = (d: CommandDef): void => {
    if (d.subcommands?.length) d.subcommands.forEach(visit);
    else if (d.keySpecs.length > 0) out.push(d);
  };
  table.all.filter((c) => !c.name.includes('|')).forEach((c) => visit(c.def));
  return out;
}

/** A full argument vector for def: its name words, then keys, counts and keywords (a few shapes per seed). */
function fullArgs(def: CommandDef, seed: number): string[] {
  const words = def.name.split('|');
  const n = def.arity > 0 ? def.arity : -def.arity + 2 + seed * 2;
  const args = [...words];
  for (let i = words.length; i < n; i++) {
    const pick = (i * 7 + seed * 3) % 6;
    args.push(pick === 0 ? '2' : pick === 1 && seed > 0 ? KEYWORDS[(i + seed) % KEYWORDS.length] : `k${i}`);
  }
  return args;
}

function monitorLine(args: string[]): Buffer {
  return Buffer.from(`1795370304.000001 [0 127.0.0.1:5000] ${args.map((a) => repr(Buffer.from(a, 'latin1'))).join(' ')}`, 'latin1');
}

const LONG = monitorLine(['mset', ...Array.from({ length: 40 }, (_, i) => `stale-key-${i}`)]);

/** Our keys for args, parsed as a MONITOR line right after a long one; and whether arity refuses it. */
function ourKeys(parser: MonitorParser, args: string[]): { keys: string[]; refused: boolean } {
  parser.parse(Buffer.from(LONG), 0, LONG.length, 1);
  const line = monitorLine(args);
  expect(parser.parse(line, 0, line.length, 2)).toBe('record');
  const rec = parser.record;
  const cmd = table.lookup(rec);
  if (!cmd) return { keys: [], refused: false };
  const out = new Int32Array(64);
  const n = cmd.getKeys(rec, out);
  const keys = Array.from(out.subarray(0, n), (i) => line.toString('latin1', rec.start[i], rec.end[i]));
  return { keys, refused: wrongArity(cmd.def, rec.argc) !== null };
}

describe('cut MONITOR lines against COMMAND GETKEYS of a real redis-server', () => {
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

  it('agrees for every keyed command cut after each of its arguments: no keys when Redis refuses the count', async () => {
    const cases: string[][] = [];
    for (const def of keyedDefs()) {
      for (let seed = 0; seed < 3; seed++) {
        const full = fullArgs(def, seed);
        for (let k = 1; k <= full.length; k++) cases.push(full.slice(0, k));
      }
    }
    const pipeline = redis.pipeline();
    for (const args of cases) pipeline.call('COMMAND', 'GETKEYS', ...args);
    const replies = (await pipeline.exec())!;
    const parser = new MonitorParser();
    const disagreements: string[] = [];
    let refusedByArity = 0;
    let withKeys = 0;
    for (const [i, args] of cases.entries()) {
      const [err, reply] = replies[i];
      const arityError = err !== null && /Invalid number of arguments/i.test(err.message);
      const expected = err ? [] : (reply as string[]).map(String);
      const ours = ourKeys(parser, args);
      if (arityError) refusedByArity++;
      if (expected.length > 0) withKeys++;
      if (JSON.stringify([...ours.keys].sort()) !== JSON.stringify([...expected].sort()) || (arityError && !ours.refused)) {
        disagreements.push(`${args.join(' ')} => ours ${JSON.stringify(ours)} redis ${err ? err.message : JSON.stringify(expected)}`);
      }
    }
    expect(disagreements.slice(0, 20)).toEqual([]);
    expect(refusedByArity).toBeGreaterThan(500);
    expect(withKeys).toBeGreaterThan(500);
  });

  it('names the command from the table in the reason, never bytes of the line', () => {
    const parser = new MonitorParser();
    const line = monitorLine(['sEt']);
    parser.parse(line, 0, line.length, 1);
    const cmd = table.lookup(parser.record)!;
    expect(wrongArity(cmd.def, parser.record.argc)).toBe('wrong number of arguments for SET: 1 with its name, needs at least 3 (a cut line?)');
    expect(wrongArity(table.byName('object|encoding')!.def, 2)).toMatch(/^wrong number of arguments for OBJECT ENCODING: 2 with its name, needs 3/);
  });
});
