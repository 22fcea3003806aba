// What slotscope reads off a FUNCTION LOAD library, against what the server itself registered (FUNCTION
// LIST), and patternHashSlot() against keyHashSlot() for patterns without wildcards.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLAG_ALLOW_CROSS_SLOT, FLAG_NO_CLUSTER, libraryFunctions } from '../../src/analyze/script-flags.js';
import { patternHashSlot } from '../../src/analyze/sort-patterns.js';
import { slotOfRange } from '../../src/slot/key-slot.js';
import { type RedisServer, startRedis } from '../helpers/redis.js';

const LIBRARIES = [
  `#!lua name=a
redis.register_function('plain', function(keys) return 1 end)
redis.register_function{function_name='nc', callback=function() return {1, {2}} end, flags={'no-cluster'}}`,
  `#!lua name=b
local function helper() return { x = 1 } end
redis.register_function{
  function_name = "both",
  callback = function(keys, args) local t = { a = { b = 1 } } return helper().x end,
  flags = { "no-writes", "allow-cross-slot-keys", "no-cluster" }
}
redis.register_function({function_name='ro', callback=function() return 1 end, flags={'no-writes'}})`,
];

describe('function libraries', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reads the same functions and cluster flags as the server registered', async () => {
    const c = server.client();
    for (const body of LIBRARIES) await c.function('LOAD', 'REPLACE', body);
    // FUNCTION LIST: [library_name, name, engine, LUA, functions, [[name, n, description, d, flags, [...]], ...]]
    const listed = new Map<string, number>();
    for (const lib of (await c.function('LIST')) as unknown[][]) {
      for (const f of lib[5] as unknown[][]) {
        const flags = f[5] as string[];
        listed.set(f[1] as string, (flags.includes('no-cluster') ? FLAG_NO_CLUSTER : 0) | (flags.includes('allow-cross-slot-keys') ? FLAG_ALLOW_CROSS_SLOT : 0));
      }
    }
    c.disconnect();
    const ours = new Map<string, number>();
    for (const body of LIBRARIES) for (const [name, flags] of libraryFunctions(body)) ours.set(name, flags & (FLAG_NO_CLUSTER | FLAG_ALLOW_CROSS_SLOT));
    expect(listed.size).toBe(4);
    expect(ours).toEqual(listed);
  });
});

describe('patternHashSlot', () => {
  it('is keyHashSlot for a pattern with no wildcard, class or escape', () => {
    const alphabet = fc.constantFrom('a', 'b', '{', '}', ':', 'x', '1');
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 12 }), (chars) => {
      const b = Buffer.from(chars.join(''), 'latin1');
      expect(patternHashSlot(b, 0, b.length)).toBe(slotOfRange(b, 0, b.length));
    }), { numRuns: 2000 });
  });

  it('is -1 (keys in any slot) when a wildcard comes before a complete tag, and the tag\'s slot after one', () => {
    const p = (s: string) => patternHashSlot(Buffer.from(s), 0, s.length);
    const tag = slotOfRange(Buffer.from('mylist'), 0, 6);
    expect(p('weight_*')).toBe(-1);
    expect(p('*{mylist}')).toBe(-1);
    expect(p('w{my*list}_x')).toBe(-1);
    expect(p('weight{mylist}_*')).toBe(tag);
    expect(p('x{mylist}?')).toBe(tag);
  });
});
