// An ioredis app whose entities nest and whose key names mix conventions, used to make samples/shop.monitor:
// an account's balance with its backup (a script over both) and ledger (MULTI), transfers between two
// accounts (MULTI and a script: atomic multi-entity writes), one user's keys under three naming conventions,
// a page cache read with MGET (fixed words, no entity), product MGETs, a script that builds a key from an
// ARGV prefix and one with a hard-coded key.
//   node dist/samples/shop-traffic.js PORT
import { Redis } from 'ioredis';

let seed = 20261201;
function rnd(n: number): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return (seed >>> 8) % n;
}

const BACKUP = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], v)
return v`;
const TRANSFER = `
redis.call('DECRBY', KEYS[1], ARGV[1])
return redis.call('INCRBY', KEYS[2], ARGV[1])`;
// Builds its key from the prefix it is given (ARGV[1]): renaming KEYS cannot reach it.
const HITS = `
redis.call('INCR', ARGV[1] .. 'hits')
return redis.call('GET', KEYS[1])`;
// Touches a key written into the script itself.
const AUDIT = `
redis.call('INCR', 'audit:counter')
return redis.call('GET', KEYS[1])`;

async function main(): Promise<void> {
  const redis = new Redis({ port: Number(process.argv[2]), host: '127.0.0.1' });
  const accounts = 30;
  const pages = ['home', 'about', 'pricing', 'faq'];
  for (let a = 1; a <= accounts; a++) await redis.set(`account:${a}:balance`, 1000);
  for (const p of pages) await redis.set(`cache:page:${p}`, `<html>${p}</html>`, 'EX', 60);
  for (let p = 1; p <= 40; p++) await redis.set(`product:${p}`, JSON.stringify({ price: rnd(100) }));

  for (let step = 0; step < 500; step++) {
    const a = 1 + rnd(accounts);
    const b = 1 + ((a + rnd(accounts - 1)) % accounts);
    switch (rnd(9)) {
      case 0:
        await redis.eval(BACKUP, 2, `account:${a}:balance`, `account:${a}:balance:backup`, 5);
        break;
      case 1:
        await redis.multi().incrby(`account:${a}:balance`, -3).rpush(`account:${a}:ledger`, `-3 at ${step}`).exec();
        break;
      case 2:
        await redis.multi().decrby(`account:${a}:balance`, 7).incrby(`account:${b}:balance`, 7).exec();
        break;
      case 3:
        await redis.eval(TRANSFER, 2, `account:${a}:balance`, `account:${b}:balance`, 2);
        break;
      case 4:
        // One user under three naming conventions: renames must not split it over slots.
        await redis.sadd(`user:${a}:cart`, `product:${1 + rnd(40)}`);
        await redis.sadd(`user:{${a}}:wishlist`, `product:${1 + rnd(40)}`);
        await redis.lpush(`{user${a}}.recent`, `product:${1 + rnd(40)}`);
        break;
      case 5:
        await redis.mget(...pages.map((p) => `cache:page:${p}`));
        break;
      case 6:
        await redis.mget(`product:${1 + rnd(40)}`, `product:${1 + rnd(40)}`, `product:${1 + rnd(40)}`, `product:${1 + rnd(40)}`);
        break;
      case 7:
        await redis.eval(HITS, 1, `account:${a}:balance`, 'stats:');
        break;
      default:
        await redis.eval(AUDIT, 1, `account:${a}:balance`);
    }
  }
  redis.disconnect();
}

main().catch((err: unknown) => {
  process.stderr.write(`shop-traffic: ${String(err)}\n`);
  process.exit(1);
});
