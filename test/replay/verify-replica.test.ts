// A primary and its replica captured together: the replica's MONITOR shows the primary's writes again as
// its replication stream. plan counts them once, and verify replays them once, so the plan's prediction
// and the cluster's replies agree; given as the capture's folder, as analyze and plan take it.
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/make-plan.js';
import type { Report } from '../../src/report/report.js';
import type { VerifyResult } from '../../src/replay/verify-plan.js';
import { slotscope, slotscopeAsync } from '../helpers/cli.js';
import { type RedisCluster, type RedisServer, startCluster, startRedis, waitFor, waitForSync } from '../helpers/redis.js';

const USERS = 40;

describe('plan and verify on a primary captured with its replica', () => {
  let primary: RedisServer;
  let replica: RedisServer;
  let cluster: RedisCluster;
  const dir = mkdtempSync(join(tmpdir(), 'slotscope-verify-replica-'));
  const cap = join(dir, 'cap');
  beforeAll(async () => {
    primary = await startRedis(['--repl-diskless-sync-delay', '0']);
    [replica, cluster] = await Promise.all([startRedis(['--replicaof', '127.0.0.1', String(primary.port)]), startCluster(3)]);
    await waitForSync(replica);
    const ready = join(dir, 'ready');
    // The primary alone: capture finds its replica (ROLE).
    const capture = slotscopeAsync(['capture', 'monitor', `redis://127.0.0.1:${primary.port}`, '--duration', '0', '--out', cap, '--ready-file', ready]);
    await waitFor('MONITOR on both nodes', async () => (existsSync(ready) ? true : undefined));
    const client = primary.client();
    // A transfer per user across two of its keys: cross-slot until the plan tags them by user.
    for (let i = 0; i < USERS; i++) await client.multi().set(`user:${i}:balance`, '100').rpush(`user:${i}:ledger`, 'opened').exec();
    await client.set('end', 'v');
    client.disconnect();
    const files = (): string[] => readdirSync(cap).filter((f) => f.endsWith('.monitor')).map((f) => join(cap, f));
    await waitFor('both files to hold the end', async () => (files().length === 2 && files().every((f) => readFileSync(f, 'latin1').includes('"end"')) ? true : undefined), 20000);
    process.kill(capture.pid, 'SIGINT');
    expect((await capture.done).status).toBe(130);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([primary?.stop(), replica?.stop(), cluster?.stop()]);
  });

  it('plans from the client traffic alone, and verify replays it once and agrees; --strict exits 2 on a cut line', async () => {
    const report = JSON.parse(slotscope(['analyze', '-f', 'json', cap]).stdout) as Report;
    expect(report.totals.crossSlotTransactions).toBe(USERS);
    expect(report.inputs.filter((i) => i.replicationLines).length).toBe(1);

    const planned = slotscope(['plan', '-f', 'json', cap]);
    expect(planned.status).toBe(0);
    const plan = JSON.parse(planned.stdout) as Plan;
    expect(plan.predicted.before.transactions).toBe(USERS);
    expect(plan.predicted.after.transactions).toBe(0);
    const planFile = join(dir, 'plan.json');
    writeFileSync(planFile, planned.stdout);

    // Given as the folder, and as its two files (whose manifest is found beside them), into an empty cluster each time.
    for (const inputs of [[cap], readdirSync(cap).filter((f) => f.endsWith('.monitor')).map((f) => join(cap, f))]) {
      for (const n of cluster.primaries) {
        const c = n.client();
        await c.flushall();
        c.disconnect();
      }
      const verified = slotscope(['verify', '-f', 'json', '--plan', planFile, '--cluster', `redis://127.0.0.1:${cluster.primaries[0].port}`, ...inputs]);
      expect(verified.stderr, inputs.join(' ')).not.toMatch(/^slotscope: \//m);
      const result = JSON.parse(verified.stdout) as VerifyResult;
      expect(result.differences).toEqual([]);
      expect(result.match).toBe(true);
      expect(verified.status).toBe(0);
      // MULTI, SET, RPUSH, EXEC per user and the end marker, each sent once.
      expect(result.replayed).toBe(4 * USERS + 1);
    }

    // A line cut short in each file: replayed the same, and --strict exits 2 on it with the result written.
    const cut = join(dir, 'cut');
    cpSync(cap, cut, { recursive: true });
    for (const f of readdirSync(cut).filter((x) => x.endsWith('.monitor'))) appendFileSync(join(cut, f), '1795380653.945026 [0 127.0.0.1:1] "set" "cut\n');
    for (const strict of [[], ['--strict']]) {
      for (const n of cluster.primaries) {
        const c = n.client();
        await c.flushall();
        c.disconnect();
      }
      const verified = slotscope(['verify', ...strict, '-f', 'json', '--plan', planFile, '--cluster', `redis://127.0.0.1:${cluster.primaries[0].port}`, cut]);
      const result = JSON.parse(verified.stdout) as VerifyResult;
      expect([result.match, result.skippedLines, result.replayed]).toEqual([true, 2, 4 * USERS + 1]);
      expect(verified.status, strict.join('')).toBe(strict.length > 0 ? 2 : 0);
      // Each cut line named on stderr, with file:line, as analyze and plan name them.
      expect(verified.stderr.match(/^slotscope: .*\.monitor:\d+: unterminated quote in argument 2$/gm)).toHaveLength(2);
    }
  });
});
