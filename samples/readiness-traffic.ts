// Traffic that meets every refusal rule a cluster enforces beyond CROSSSLOT, driven by ioredis: scripts
// made with defineCommand (one allowing cross-slot keys), a function library with a no-cluster function,
// SORT with BY/GET patterns, COPY ... DB, MOVE, SWAPDB, and WATCH + MULTI on two slots. Used to make
// samples/readiness.monitor, and replayed into a real cluster by test/readiness/refusals.test.ts.
//   node dist/samples/readiness-traffic.js PORT
import { Redis } from 'ioredis';
import { fileURLToPath } from 'node:url';

export const LIBRARY = `#!lua name=ordersreadiness
redis.register_function{function_name='orders_nocluster', callback=function() return 'hello' end, flags={'no-cluster'}}
redis.register_function{function_name='orders_total', callback=function(keys) return redis.call('incr', keys[1]) end, flags={'allow-cross-slot-keys'}}
redis.register_function('orders_plain', function(keys) return redis.call('get', keys[1]) end)`;

// Declares its keys; with allow-cross-slot-keys its commands may each use another slot of the node.
const TALLY = `#!lua flags=allow-cross-slot-keys
redis.call('incr', KEYS[1])
return redis.call('incr', KEYS[2])`;
// One command whose keys span slots: refused inside any script, whatever its flags.
const PAIR = `#!lua flags=allow-cross-slot-keys
return redis.call('mset', KEYS[1], ARGV[1], 'orders:pair:shadow', ARGV[1])`;
// Separate commands in two slots of one node (105 and 2841, both on the first of 3 primaries): the flag
// allows it; a `#!` script without it is refused ("keys that do not hash to the same slot").
const SPREAD = `#!lua flags=allow-cross-slot-keys
redis.call('incr', KEYS[1])
return redis.call('incr', 'audit:orders')`;
const SPREAD_STRICT = `#!lua
redis.call('incr', KEYS[1])
return redis.call('incr', 'audit:orders')`;
const LEGACY = `#!lua flags=no-cluster
return redis.call('get', KEYS[1])`;

type ReadinessClient = Redis & {
  tally(a: string, b: string): Promise<number>;
  pair(a: string, v: string): Promise<string>;
  legacy(a: string): Promise<string | null>;
  spread(a: string): Promise<number>;
  spreadStrict(a: string): Promise<number>;
};

export async function readinessTraffic(port: number): Promise<void> {
  const c = new Redis({ port, host: '127.0.0.1' }) as ReadinessClient;
  c.defineCommand('tally', { numberOfKeys: 2, lua: TALLY });
  c.defineCommand('pair', { numberOfKeys: 1, lua: PAIR });
  c.defineCommand('legacy', { numberOfKeys: 1, lua: LEGACY });
  c.defineCommand('spread', { numberOfKeys: 1, lua: SPREAD });
  c.defineCommand('spreadStrict', { numberOfKeys: 1, lua: SPREAD_STRICT });
  try {
    await c.function('LOAD', 'REPLACE', LIBRARY);
    await c.fcall('orders_nocluster', 0);
    await c.fcall('orders_total', 1, '{orders}:total');
    await c.fcall('orders_plain', 1, '{orders}:total');
    await c.tally('{orders}:a', '{orders}:b'); // one slot
    await c.tally('orders:a', 'orders:b'); // declared keys in two slots
    await c.pair('{orders}:pair', '1');
    await c.legacy('{orders}:a');
    await c.spread('{orders}:a');
    await c.spreadStrict('{orders}:a');

    await c.rpush('{orders}:ids', '3', '1', '2');
    for (const id of ['1', '2', '3']) {
      await c.mset(`{orders}:weight:${id}`, id, `{orders}:name:${id}`, `n${id}`);
      await c.set(`weight:${id}`, id);
      await c.set(`name:${id}`, `n${id}`);
    }
    await c.sort('{orders}:ids');
    await c.sort('{orders}:ids', 'BY', 'nosort');
    await c.sort('{orders}:ids', 'BY', '{orders}:weight:*'); // the key's slot: Redis 7.4+ allows it
    await c.sort('{orders}:ids', 'BY', '{orders}:weight:*', 'GET', '{orders}:name:*');
    await c.sort('{orders}:ids', 'BY', 'weight:*'); // any slot: refused everywhere
    await c.sort('{orders}:ids', 'BY', 'nosort', 'GET', '#');
    await c.sort_ro('{orders}:ids', 'GET', 'name:*');

    await c.set('{orders}:copy', 'x');
    await c.copy('{orders}:copy', '{orders}:copy2', 'DB', 0, 'REPLACE');
    await c.copy('{orders}:copy', '{orders}:copy2', 'DB', 1, 'REPLACE');
    await c.set('{orders}:old', 'x');
    await c.move('{orders}:old', 2);
    await c.swapdb(0, 3);
    await c.swapdb(0, 3); // and back

    await c.watch('orders:stock');
    await c.multi().set('{orders}:state', 'paid').incr('{orders}:version').exec(); // WATCH in another slot
  } finally {
    c.disconnect();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  readinessTraffic(Number(process.argv[2])).catch((err: unknown) => {
    process.stderr.write(`readiness-traffic: ${String(err)}\n`);
    process.exit(1);
  });
}
