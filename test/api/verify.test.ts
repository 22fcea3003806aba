// The library's verify(): a plan from plan() replayed into a real 3-primary cluster with the capture held in
// memory as a stream, to the same result `slotscope verify` gives for the files.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plan, type Plan, verify, type VerifyResult } from '../../src/index.js';
import { slotscope } from '../helpers/cli.js';
import { type RedisCluster, startCluster } from '../helpers/redis.js';

const CAPTURE = 'samples/app.monitor';
let cluster: RedisCluster;
let made: Plan;
let url = '';

beforeAll(async () => {
  [cluster, made] = await Promise.all([startCluster(3), plan([CAPTURE])]);
  url = `redis://127.0.0.1:${cluster.primaries[0].port}`;
}, 120_000);
afterAll(() => cluster?.stop());

describe('verify()', () => {
  it('replays a stream with the plan applied and matches the prediction, as the CLI does for the file', async () => {
    const result = await verify([{ node: 'app', data: Readable.from([readFileSync(CAPTURE)]) }], { plan: made, cluster: url });
    expect(result.match).toBe(true);
    expect(result.replayed).toBeGreaterThan(1000);
    expect(result.rows.find((r) => r.what.startsWith('cross-slot transactions'))).toMatchObject({ predicted: 0, observed: 0 });

    // The cluster now holds the replay's keys: refused unless forced, as the CLI refuses it.
    await expect(verify([CAPTURE], { plan: made, cluster: url })).rejects.toThrow(/holds \d+ keys; verify writes the capture's commands/);
    const planFile = join(mkdtempSync(join(tmpdir(), 'slotscope-verify-')), 'plan.json');
    writeFileSync(planFile, JSON.stringify(made));
    const cli = slotscope(['verify', '-f', 'json', '--force', '--plan', planFile, '--cluster', url, CAPTURE]);
    const forced = await verify([CAPTURE], { plan: made, cluster: url, force: true });
    expect(cli.status).toBe(0);
    const fromCli = JSON.parse(cli.stdout) as VerifyResult;
    expect(forced.rows).toEqual(fromCli.rows);
    expect(forced.match).toBe(true);
  });

  it('refuses a redacted plan before touching the cluster', async () => {
    const redacted = await plan([CAPTURE], { redactKeys: true });
    await expect(verify([CAPTURE], { plan: redacted, cluster: 'redis://127.0.0.1:1' })).rejects.toThrow(/^plan: the plan was made with redactKeys/);
  });
});
