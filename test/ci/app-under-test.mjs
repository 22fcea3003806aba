// A small app's "test suite" that the CI tests wrap with `slotscope record`: real ioredis traffic against
// REDIS_URL (a cluster with REDIS_CLUSTER=1). Its first command is SET app:first, its last a burst of
// APP_BURST SETs sent at once just before it exits, so a capture that starts late or stops early shows.
//   APP_CROSS_SLOT=1   one cross-slot MGET as well (standalone only: a cluster refuses it)
//   APP_EXIT=n         exit with code n
//   APP_PID_FILE=path  write the pid there, then send SET app:tick every 20 ms until a signal:
//   APP_SIGNAL_FILE=path  on SIGTERM/SIGINT write the signal's name there, SET app:shutdown, exit 0
//   APP_IGNORE_SIGNALS=1  ... or ignore SIGTERM/SIGINT and go on
import { writeFileSync } from 'node:fs';
import { Cluster, Redis } from 'ioredis';

const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const node = { host: url.hostname, port: Number(url.port || 6379) };
const redis = process.env.REDIS_CLUSTER === '1' ? new Cluster([node]) : new Redis(node);
const users = Number(process.env.APP_USERS ?? 200);
const burst = Number(process.env.APP_BURST ?? 2000);

await redis.set('app:first', '1');
// Sent without waiting for each reply (one write per node, as a pipeline would, but across slots).
await Promise.all(Array.from({ length: users }, (_, i) => [redis.set(`{user:${i}}:name`, `name ${i}`), redis.hset(`{user:${i}}:profile`, 'plan', 'free')]).flat());
for (let i = 0; i < users; i += 10) await redis.mget(`{user:${i}}:name`, `{user:${i}}:profile:seen`);
if (process.env.APP_CROSS_SLOT === '1') await redis.mget('{user:1}:name', '{user:2}:name');

if (process.env.APP_PID_FILE) {
  let stopping = false;
  const stop = async (signal) => {
    if (process.env.APP_IGNORE_SIGNALS === '1' || stopping) return;
    stopping = true;
    writeFileSync(process.env.APP_SIGNAL_FILE, signal);
    await redis.set('app:shutdown', signal);
    redis.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', stop).on('SIGINT', stop);
  writeFileSync(process.env.APP_PID_FILE, String(process.pid));
  for (;;) {
    if (!stopping) await redis.set('app:tick', String(Date.now()));
    await new Promise((r) => setTimeout(r, 20));
  }
}

await Promise.all(Array.from({ length: burst }, (_, i) => redis.set(`app:last:{${i % 16}}`, String(i))));
redis.disconnect();
process.exit(Number(process.env.APP_EXIT ?? 0));
