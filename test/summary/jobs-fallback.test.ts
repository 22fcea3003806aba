// Where per-node parts cannot merge exactly, --jobs reads the inputs again on one thread and says so on
// stderr: a script loaded on one node (its body, so its flags, in that capture) and called by EVALSHA on a
// later one, whose capture alone cannot tell that a cluster refuses it (no-cluster).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureTraffic, type RedisServer, startRedis } from '../helpers/redis.js';
import { slotscope } from '../helpers/cli.js';

const SCRIPT = "#!lua flags=no-cluster\nredis.call('incr', KEYS[1]); return redis.call('incr', ARGV[1])";
const sha = createHash('sha1').update(SCRIPT).digest('hex');
const servers: RedisServer[] = [];
const inputs: string[] = [];

describe('--jobs falls back to one thread where the parts would not merge exactly', () => {
  beforeAll(async () => {
    for (let n = 0; n < 2; n++) servers.push(await startRedis());
    const [a, b] = servers.map((s) => s.client());
    try {
      // The later node had the script loaded before its capture began: its capture has the calls alone.
      await b.script('LOAD', SCRIPT);
      inputs.push(`first=${await captureTraffic(servers[0], async () => {
        expect(await a.script('LOAD', SCRIPT)).toBe(sha);
        await a.evalsha(sha, 1, 'user:1', 'order:1');
      })}`);
      inputs.push(`later=${await captureTraffic(servers[1], async () => {
        for (let i = 0; i < 50; i++) await b.evalsha(sha, 1, `user:${i}`, `order:${i}`);
      })}`);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('prints the report --jobs 1 prints, and says why on stderr', () => {
    const one = slotscope(['analyze', '--jobs', '1', '-f', 'json', ...inputs]);
    const two = slotscope(['analyze', '--jobs', '2', '-f', 'json', ...inputs]);
    expect(one.status).toBe(0);
    expect(two.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toContain('slotscope: reading the inputs again on one thread, so the report is the one --jobs 1 makes: a script or function loaded in one node is called in a later one');
    expect(one.stderr).not.toContain('one thread');
    // The later node's 50 calls are judged by the flags the first node's capture holds.
    const r = JSON.parse(one.stdout) as { findings: { id: string; count: number }[] };
    expect(r.findings.find((f) => f.id === 'no-cluster-script')?.count).toBe(51);
  }, 120_000);
});
