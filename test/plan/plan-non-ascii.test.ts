// Keys are bytes: a UTF-8 entity name, or one with a terminal escape in it, is planned, credited, printed
// and verified as the bytes it is, never as its UTF-8 read as latin1 and never raw on a terminal.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/make-plan.js';
import type { VerifyResult } from '../../src/replay/verify-plan.js';
import { slotscope } from '../helpers/cli.js';
import { captureTraffic, type RedisCluster, type RedisServer, startCluster, startRedis } from '../helpers/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'slotscope-non-ascii-'));
const CAFE = 'café'; // UTF-8 c3 a9 on the wire
const ESC = '\x1b[31mred'; // a terminal escape

describe('plan on keys outside printable ASCII', () => {
  let server: RedisServer;
  let cluster: RedisCluster;
  let capture: string;
  beforeAll(async () => {
    [server, cluster] = await Promise.all([startRedis(), startCluster(3)]);
    capture = await captureTraffic(server, async () => {
      const redis = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true });
      await redis.connect();
      for (let id = 1; id <= 30; id++) {
        await redis.multi().incr(`${CAFE}:${id}:a`).incr(`${CAFE}:${id}:b`).exec();
        await redis.multi().set(`${ESC}:${id}:x`, '1').set(`${ESC}:${id}:y`, '2').exec();
      }
      await redis.quit();
    });
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), cluster?.stop()]);
  });

  it('names the tags in printable form, credits each with what it fixed, and gives regexes that match the bytes', () => {
    const r = slotscope(['plan', '-f', 'json', capture]);
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout) as Plan;
    expect(plan.renames.map((x) => x.tag).sort()).toEqual(['\\x1b[31mred:<id>', 'caf\\xc3\\xa9:<id>']);
    for (const x of plan.renames) expect(x.fixes.transactions).toBe(30);
    expect(plan.predicted.before.transactions).toBe(60);
    expect(plan.predicted.after.transactions).toBe(0);
    expect(plan.predicted.unattributed.transactions).toBe(0);
    expect(plan.patterns.map((p) => p.pattern)).toContain('caf\\xc3\\xa9:<id>:a');
    // A rename tool reads keys as bytes (latin1 here, a char per byte): the regex must rename those.
    const rules = plan.renames.flatMap((x) => x.rules);
    const bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
    for (const [key, want] of [[`${CAFE}:7:a`, `{${CAFE}:7}:a`], [`${ESC}:7:y`, `{${ESC}:7}:y`]]) {
      const rule = rules.find((x) => new RegExp(x.regex).test(bytes(key)));
      expect(rule, key).toBeDefined();
      expect(bytes(key).replace(new RegExp(rule!.regex), rule!.replacement)).toBe(bytes(want));
    }
    expect(r.stdout).not.toContain('Ã');
  });

  it('prints no key byte raw in the Markdown and HTML plans', () => {
    for (const format of ['markdown', 'html']) {
      const r = slotscope(['plan', '-f', format, capture]);
      expect(r.status).toBe(0);
      expect(r.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
      expect(r.stdout).not.toContain('Ã');
      expect(r.stdout).toContain('caf\\xc3\\xa9');
    }
  });

  it('verifies the renames on the real bytes in a real cluster', () => {
    const planFile = join(dir, 'plan.json');
    expect(slotscope(['plan', '-f', 'json', '-o', planFile, capture]).status).toBe(0);
    const r = slotscope(['verify', '-f', 'json', '--plan', planFile, '--cluster', `redis://127.0.0.1:${cluster.primaries[0].port}`, capture]);
    const result = JSON.parse(r.stdout) as VerifyResult;
    expect(result.differences).toEqual([]);
    expect(result.match).toBe(true);
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(planFile, 'utf8')).predicted.after.transactions).toBe(0);
  });
});
