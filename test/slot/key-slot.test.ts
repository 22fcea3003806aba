import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc16, crc16Utf8 } from '../../src/slot/crc16.js';
import { keySlot, slotOfRange, slotOfString } from '../../src/slot/key-slot.js';
import { type RedisServer, startRedis } from '../helpers/redis.js';

describe('CRC16-XMODEM', () => {
  it('matches the check value of the XMODEM parameters', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
  });

  it('hashes strings exactly as their UTF-8 bytes (lone surrogates as U+FFFD, like Buffer.from)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(crc16Utf8(s)).toBe(crc16(Buffer.from(s, 'utf8')));
      }),
      { numRuns: 2000 },
    );
    expect(crc16Utf8('\ud800x')).toBe(crc16(Buffer.from('\ud800x')));
    expect(crc16Utf8('a\udc00')).toBe(crc16(Buffer.from('a\udc00')));
  });
});

describe('hash tags (keyHashSlot)', () => {
  it('follows the documented edge cases', () => {
    expect(keySlot('123456789')).toBe(12739);
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('foo{}{bar}')).toBe(crc16(Buffer.from('foo{}{bar}')) & 16383);
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
    expect(keySlot('foo{bar}{zap}')).toBe(keySlot('bar'));
    expect(keySlot('foo{bar')).toBe(crc16(Buffer.from('foo{bar')) & 16383);
  });

  it('gives the same slot for a string and its bytes, and for a range inside a larger buffer', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.uint8Array(), fc.uint8Array(), (s, pre, post) => {
        const bytes = Buffer.from(s);
        const framed = Buffer.concat([pre, bytes, post]);
        const slot = slotOfString(s);
        expect(keySlot(bytes)).toBe(slot);
        expect(slotOfRange(framed, pre.length, pre.length + bytes.length)).toBe(slot);
        // Again: an array seen twice running takes the 4-bytes-a-load DataView path.
        expect(slotOfRange(framed, pre.length, pre.length + bytes.length)).toBe(slot);
      }),
      { numRuns: 2000 },
    );
  });
});

/** Random keys that exercise hash tags: braces placed often, binary bytes, UTF-8. */
function randomKeys(count: number, seed: number): Buffer[] {
  let x = seed;
  const rnd = (n: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
  const alphabet = Buffer.from('{}{}:ab09_-.\u00e9');
  const keys: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const len = rnd(24);
    const key = Buffer.alloc(len);
    for (let k = 0; k < len; k++) key[k] = rnd(3) === 0 ? rnd(256) : alphabet[rnd(alphabet.length)];
    keys.push(key);
  }
  keys.push(Buffer.alloc(0), Buffer.from('{}'), Buffer.from('{'), Buffer.from('}{'), Buffer.from('{a}'), Buffer.from('\u00e9{\u00e9}', 'utf8'));
  return keys;
}

describe('against CLUSTER KEYSLOT of a real cluster-mode redis-server', () => {
  let server: RedisServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf']);
    redis = server.client();
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('agrees on 20,000 random binary keys', async () => {
    const keys = randomKeys(20000, 42);
    const pipeline = redis.pipeline();
    for (const k of keys) pipeline.cluster('KEYSLOT', k);
    const replies = (await pipeline.exec())!;
    const mismatches = keys.filter((k, i) => replies[i][1] !== keySlot(k));
    expect(mismatches.map((k) => k.toString('hex'))).toEqual([]);
    expect(replies.length).toBe(keys.length);
  });

  it('agrees on random Unicode string keys', async () => {
    const keys = fc.sample(fc.string({ unit: 'grapheme', maxLength: 20 }), { numRuns: 3000, seed: 7 });
    const pipeline = redis.pipeline();
    for (const k of keys) pipeline.cluster('KEYSLOT', k);
    const replies = (await pipeline.exec())!;
    expect(keys.filter((k, i) => replies[i][1] !== slotOfString(k))).toEqual([]);
  });
});
