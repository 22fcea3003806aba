// Packed with and unpacked by the real server's cmsgpack, as BullMQ's scripts unpack their ARGV.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { PrefixRewriter } from '../../src/plan/prefix-rewrite.js';
import { rewriteMsgpackStrings } from '../../src/replay/msgpack-strings.js';
import { type RedisServer, startRedis } from '../helpers/redis.js';

const bull = new PrefixRewriter([{ kind: 'prefix', library: 'bullmq', from: 'bull:', to: '{bull}:' }]);
const rewrite = (s: Buffer): Buffer => bull.rewrite(s);

describe('prefix rewriting inside MessagePack arguments', () => {
  let server: RedisServer;
  let c: Redis;
  beforeAll(async () => {
    server = await startRedis();
    c = server.client();
  });
  afterAll(async () => {
    c?.disconnect();
    await server?.stop();
  });

  const pack = async (lua: string): Promise<Buffer> => (await c.callBuffer('EVAL', `return cmsgpack.pack(${lua})`, '0')) as Buffer;
  const unpackJson = async (packed: Buffer): Promise<unknown> => JSON.parse((await c.eval('return cjson.encode(cmsgpack.unpack(ARGV[1]))', 0, packed)) as string);

  it('rewrites each string and re-encodes its length, whatever the types around it', async () => {
    const long = 'bull:emails:' + 'x'.repeat(300); // a str 16 after the rewrite
    const packed = await pack(`{'bull:emails:', 'job-1', 17, -3, 1.5, true, {parentKey = 'bull:emails:7', n = 2}, '${'y'.repeat(25)}', '${long}'}`);
    const out = rewriteMsgpackStrings(packed, rewrite)!;
    expect(await unpackJson(out)).toEqual(['{bull}:emails:', 'job-1', 17, -3, 1.5, true, { parentKey: '{bull}:emails:7', n: 2 }, 'y'.repeat(25), '{bull}:' + long.slice(5)]);
    // The plain byte rewrite breaks the string's header: cmsgpack reads something else.
    expect(await unpackJson(bull.rewrite(packed)).catch(() => 'unreadable')).not.toEqual(await unpackJson(out));
  });

  it('leaves anything that is not one whole MessagePack container to the plain rewrite', async () => {
    expect(rewriteMsgpackStrings(Buffer.from('bull:emails:1'), rewrite)).toBeNull();
    const packed = await pack("{'bull:a'}");
    expect(rewriteMsgpackStrings(packed.subarray(0, packed.length - 1), rewrite)).toBeNull();
    expect(rewriteMsgpackStrings(Buffer.concat([packed, Buffer.from([0x01])]), rewrite)).toBeNull();
  });
});
