// Writes a synthetic MONITOR capture of a given size for the benchmarks: a mix of reads, writes,
// multi-key commands and scripts, with some escapes. `wide` draws keys from millions of ids (nearly every
// line brings a new key: the worst case for distinct-key counting); `typical` from a working set of
// ~150k keys, as a busy app's capture looks.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export type KeySpace = 'wide' | 'typical';

/** MONITOR's `<seconds>.<micros>` for a time in microseconds. */
const stamp = (micros: number): string => `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;

export async function writeMonitorCorpus(path: string, bytes: number, keys: KeySpace = 'wide'): Promise<{ lines: number; bytes: number }> {
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const out = createWriteStream(path);
  let written = 0;
  let lines = 0;
  let t = 1795370304_000000;
  const wide = keys === 'wide';
  const users = wide ? 400_000 : 20_000;
  const sessionIds = wide ? 1 << 30 : 30_000;
  const products = wide ? 50_000 : 5_000;
  const cacheKeys = wide ? 1 << 20 : 30_000;
  while (written < bytes) {
    const parts: string[] = [];
    for (let i = 0; i < 5000; i++) {
      t += 1 + rnd(50);
      const client = `10.0.${rnd(4)}.${rnd(250)}:${40000 + rnd(2000)}`;
      const u = rnd(users);
      let cmd: string;
      switch (rnd(13)) {
        case 12: {
          // A balance and its ledger updated in one transaction: fixable by a {user:<id>} tag.
          parts.push(`${stamp(t)} [0 ${client}] "multi"\n`, `${stamp(t + 1)} [0 ${client}] "incrby" "user:${u}:balance" "-5"\n`, `${stamp(t + 2)} [0 ${client}] "rpush" "user:${u}:ledger" "-5"\n`);
          t += 3;
          cmd = '"exec"';
          break;
        }
        case 0: cmd = `"set" "session:${u.toString(16)}-${rnd(sessionIds).toString(16)}" "payload-${rnd(1000)}" "EX" "1800"`; break;
        case 1: case 2: cmd = `"GET" "user:${u}:balance"`; break;
        case 3: case 4: cmd = `"hgetall" "user:${u}:profile"`; break;
        case 5: cmd = `"mget" "product:${rnd(products)}" "product:${rnd(products)}" "product:${rnd(products)}"`; break;
        case 6: cmd = `"incrby" "user:${u}:balance" "-5"`; break;
        case 7: cmd = `"lpush" "user:${u}:ledger" "tx \\"${rnd(1000)}\\" \\xe2\\x82\\xac"`; break;
        case 8: cmd = `"sadd" "{user:${u}}:friends" "${rnd(users)}"`; break;
        case 9: cmd = `"evalsha" "a42059b356c875f0717db19a51f6aaca9ae659ea" "2" "user:${u}:balance" "user:${rnd(users)}:balance" "1"`; break;
        case 10: cmd = `"zadd" "leaderboard" "${rnd(10000)}" "user:${u}"`; break;
        default: cmd = `"mset" "cache:${rnd(cacheKeys)}" "x" "cache:${rnd(cacheKeys)}" "y"`;
      }
      parts.push(`${stamp(t)} [0 ${client}] ${cmd}\n`);
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
