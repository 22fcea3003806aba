// Script calls as a real server logs them: SCRIPT LOAD then EVALSHA (how redis-py and others run
// scripts), EVAL of the same body, and scripts only ever called by sha.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../src/analyze/analyze-inputs.js';
import type { ScriptCallEnd } from '../../src/analyze/scripts.js';
import { buildReport } from '../../src/report/report.js';
import { captureTraffic, type RedisServer, startRedis } from '../helpers/redis.js';

// Declares one key, touches a second one in another slot: a `#!` script fails on that even on one node.
const STRICT = "#!lua\nredis.call('INCR', 'audit:counter'); return redis.call('GET', KEYS[1])";
const PLAIN = "redis.call('INCR', 'audit:counter'); return redis.call('GET', KEYS[1])";

describe('script calls by sha', () => {
  let server: RedisServer;
  let capture: string;
  let shas: { strict: string; plain: string; unseen: string };

  beforeAll(async () => {
    server = await startRedis();
    const loader = server.client();
    // Loaded before the capture starts: its body never shows in MONITOR.
    const unseen = (await loader.script('LOAD', `${STRICT} -- unseen`)) as string;
    capture = await captureTraffic(server, async () => {
      const strict = (await loader.script('LOAD', STRICT)) as string;
      const plain = (await loader.script('LOAD', PLAIN)) as string;
      for (let i = 0; i < 3; i++) {
        await loader.evalsha(strict, 1, `page:${i}`);
        await loader.evalsha(plain, 1, `page:${i}`);
        await loader.evalsha(unseen, 1, `page:${i}`);
      }
      await loader.eval(STRICT, 1, 'page:9'); // the body itself: the same script as the sha
      shas = { strict, plain, unseen };
    });
    loader.disconnect();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('keeps at most 10,000 scripts apart when bodies are built per call, and counts every call', async () => {
    const file = await captureTraffic(server, async () => {
      const c = server.client();
      const pipe = c.pipeline();
      // A value pasted into the body: a new script (and a new sha) per call, an anti-pattern seen in the wild.
      for (let i = 0; i < 10_050; i++) pipe.eval(`return redis.call('GET', KEYS[1]) .. '${i}'`, 1, `k:${i}`);
      await pipe.exec();
      c.disconnect();
    });
    const report = buildReport(await analyzeInputs([{ path: file, node: 'n' }]));
    expect(report.scripts).toHaveLength(10_001);
    expect(report.scripts.find((s) => s.id === '(other scripts)')?.calls).toBe(50);
    expect(report.scripts.reduce((t, s) => t + s.calls, 0)).toBe(10_050);
  });

  it('tells declared from undeclared keys on every call, also past the calls whose keys are sampled', async () => {
    const body = "redis.call('GET', KEYS[1]); redis.call('GET', KEYS[2]); if ARGV[1] == '1' then redis.call('INCR', 'audit:counter') end";
    const file = await captureTraffic(server, async () => {
      const c = server.client();
      const pipe = c.pipeline();
      // Two declared keys in two slots (cross-slot on every call); every other call also touches a key it did not declare.
      for (let i = 0; i < 10_050; i++) pipe.eval(body, 2, `{a}:${i}`, `{b}:${i}`, String(i % 2));
      await pipe.exec();
      c.disconnect();
    });
    const report = buildReport(await analyzeInputs([{ path: file, node: 'n' }]));
    expect(report.scripts).toHaveLength(1);
    expect(report.scripts[0]).toMatchObject({ calls: 10_050, crossSlot: 10_050, undeclared: 5_025 });
    expect(report.findings.find((f) => f.id === 'script-undeclared-keys')?.count).toBe(5_025);
    expect(Object.keys(report.findings.find((f) => f.id === 'cross-slot-script')?.patterns ?? {}).sort()).toEqual(['audit:counter', '{a}:<id>', '{b}:<id>']);
  });

  it('knows a #! script loaded with SCRIPT LOAD when it is called by sha, and groups EVAL with EVALSHA', async () => {
    const calls: ScriptCallEnd[] = [];
    const result = await analyzeInputs([{ path: capture, node: 'n' }], { observer: { scriptCall: (s) => calls.push(s) } });
    const report = buildReport(result);
    const byId = new Map(report.scripts.map((s) => [s.id, s]));
    expect(byId.get(shas.strict)?.calls).toBe(4); // 3 EVALSHA + the EVAL of its body
    expect(byId.get(shas.plain)?.calls).toBe(3);
    expect(byId.get(shas.unseen)?.calls).toBe(3);
    const strictness = (sha: string) => [...new Set(calls.filter((c) => c.stats.id === sha).map((c) => c.strict))];
    expect(strictness(shas.strict)).toEqual([true]);
    expect(strictness(shas.plain)).toEqual([false]);
    expect(strictness(shas.unseen)).toEqual([false]); // its shebang was never in the capture: not assumed
    // Every call touched audit:counter besides its page key: two slots, so cross-slot.
    expect(calls.every((c) => c.crossSlot && c.undeclaredKeys.includes('audit:counter'))).toBe(true);
    const finding = report.findings.find((f) => f.id === 'cross-slot-script');
    expect(finding?.count).toBe(10);
    expect(Object.keys(finding?.patterns ?? {}).sort()).toEqual(['audit:counter', 'page:<id>']);
  });
});
