// Writes a synthetic but realistic MONITOR capture of a given size for the pipeline benchmark: a mix of
// reads, writes, multi-key commands, MULTI blocks and scripts over ~1M distinct keys, with some escapes.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export async function writeMonitorCorpus(path: string, bytes: number): Promise<{ lines: number; bytes: number }> {
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const out = createWriteStream(path);
  let written = 0;
  let lines = 0;
  let t = 1795370304_000000;
  const users = 400_000;
  while (written < bytes) {
    const parts: string[] = [];
    for (let i = 0; i < 5000; i++) {
      t += 1 + rnd(50);
      const ts = `${Math.floor(t / 1e6)}.${String(t % 1e6).padStart(6, '0')}`;
      const client = `10.0.${rnd(4)}.${rnd(250)}:${40000 + rnd(2000)}`;
      const u = rnd(users);
      let cmd: string;
      switch (rnd(12)) {
        case 0: cmd = `"set" "session:${u.toString(16)}-${rnd(1 << 30).toString(16)}" "payload-${rnd(1000)}" "EX" "1800"`; break;
        case 1: case 2: cmd = `"GET" "user:${u}:balance"`; break;
        case 3: case 4: cmd = `"hgetall" "user:${u}:profile"`; break;
        case 5: cmd = `"mget" "product:${rnd(50000)}" "product:${rnd(50000)}" "product:${rnd(50000)}"`; break;
        case 6: cmd = `"incrby" "user:${u}:balance" "-5"`; break;
        case 7: cmd = `"lpush" "user:${u}:ledger" "tx \\"${rnd(1000)}\\" \\xe2\\x82\\xac"`; break;
        case 8: cmd = `"sadd" "{user:${u}}:friends" "${rnd(users)}"`; break;
        case 9: cmd = `"evalsha" "a42059b356c875f0717db19a51f6aaca9ae659ea" "2" "user:${u}:balance" "user:${rnd(users)}:balance" "1"`; break;
        case 10: cmd = `"zadd" "leaderboard" "${rnd(10000)}" "user:${u}"`; break;
        default: cmd = `"mset" "cache:${rnd(1 << 20)}" "x" "cache:${rnd(1 << 20)}" "y"`;
      }
      parts.push(`${ts} [0 ${client}] ${cmd}\n`);
    }
    const chunk = parts.join('');
    written += Buffer.byteLength(chunk);
    lines += parts.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { lines, bytes: written };
}
