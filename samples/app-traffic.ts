// A small, deterministic app-like workload driven by ioredis, used to make samples/app.monitor:
// sessions, user profiles (read-heavy), balances and ledgers updated in MULTI, friend sets, product MGETs,
// Lua scripts (one touching a key it does not declare), a BullMQ queue with its default prefix, a second
// db, KEYS and pub/sub.
//   node dist/samples/app-traffic.js PORT
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

let seed = 20261122;
function rnd(n: number): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return (seed >>> 8) % n;
}
function uuid(): string {
  const hex = (n: number): string => Array.from({ length: n }, () => rnd(16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}

const TRANSFER = `
local from = redis.call('DECRBY', KEYS[1], ARGV[1])
redis.call('INCRBY', KEYS[2], ARGV[1])
return from`;
// Reads a key it was not given: works on one server, unsupported in a cluster.
const AUDIT = `
local v = redis.call('GET', KEYS[1])
redis.call('INCR', 'audit:counter')
return v`;

async function main(): Promise<void> {
  const port = Number(process.argv[2]);
  const redis = new Redis({ port, host: '127.0.0.1' });
  const users = 40;
  const products = 60;
  const sessions: string[] = [];

  for (let u = 1; u <= users; u++) {
    await redis.hset(`user:${u}:profile`, { name: `user ${u}`, plan: rnd(3) ? 'free' : 'pro' });
    await redis.set(`user:${u}:balance`, 100);
  }
  for (let p = 1; p <= products; p++) await redis.set(`product:${p}`, JSON.stringify({ price: rnd(100) }));
  // Setup is done; the app's requests come later.
  await new Promise((r) => setTimeout(r, 300));

  for (let step = 0; step < 600; step++) {
    const u = 1 + rnd(users);
    switch (rnd(10)) {
      case 0: {
        const id = uuid();
        sessions.push(id);
        await redis.set(`session:${id}`, `user=${u}`, 'EX', 1800);
        // Login reads the session it just wrote: a replica could still lack it.
        for (let k = 0; k < 6; k++) await redis.get(`session:${id}`);
        break;
      }
      case 1:
        if (sessions.length) await redis.get(`session:${sessions[rnd(sessions.length)]}`);
        break;
      case 2:
      case 3:
      case 4:
        await redis.hgetall(`user:${u}:profile`);
        break;
      case 5:
        await redis.multi().incrby(`user:${u}:balance`, -5).lpush(`user:${u}:ledger`, `-5 at ${step}`).exec();
        // Reads its own write straight away: not a replica-read candidate.
        await redis.get(`user:${u}:balance`);
        break;
      case 6:
        await redis.sadd(`user:${u}:friends`, String(1 + rnd(users)));
        if (rnd(2)) await redis.sinter(`user:${u}:friends`, `user:${1 + rnd(users)}:friends`);
        break;
      case 7:
        await redis.mget(`product:${1 + rnd(products)}`, `product:${1 + rnd(products)}`, `product:${1 + rnd(products)}`);
        break;
      case 8:
        if (rnd(2)) await redis.eval(TRANSFER, 2, `user:${u}:balance`, `user:${1 + rnd(users)}:balance`, 1);
        else await redis.eval(AUDIT, 1, `user:${u}:profile:views`);
        break;
      default:
        await redis.incr(`user:${u}:profile:views`);
    }
  }

  // Background jobs, as most apps run them: BullMQ with its default `bull:` prefix.
  const connection = { host: '127.0.0.1', port };
  const queue = new Queue('emails', { connection });
  for (let i = 0; i < 6; i++) await queue.add('welcome', { user: 1 + rnd(users) });
  let done = 0;
  const worker = new Worker('emails', async () => {
    done++;
  }, { connection });
  while (done < 6) await new Promise((r) => setTimeout(r, 20));
  await worker.close();
  await queue.close();

  // Legacy corners a cluster does not allow.
  const legacy = new Redis({ port, host: '127.0.0.1', db: 1 });
  await legacy.set('report:daily', 'ok');
  await legacy.get('report:daily');
  legacy.disconnect();
  await redis.keys('session:*');
  await redis.publish('events', 'deploy');
  redis.disconnect();
}

main().catch((err: unknown) => {
  process.stderr.write(`app-traffic: ${String(err)}\n`);
  process.exit(1);
});
