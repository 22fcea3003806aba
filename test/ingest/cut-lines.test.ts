// A capture cut right after a command name (a crash, a full disk, `head -c`): the cut line is counted as
// skipped, with a reason that quotes nothing of the line, and nothing of it leaks into the counts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../src/analyze/analyze-inputs.js';
import { slotscope } from '../helpers/cli.js';
import { captureTraffic, type RedisServer, startRedis } from '../helpers/redis.js';

interface InputJson { lines: number; records: number; preamble: number; skipped: { count: number; first: { line: number; reason: string }[] } }

function analyzeJson(file: string): { totals: Record<string, number>; inputs: InputJson[] } {
  const r = slotscope(['analyze', '-f', 'json', file]);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

describe('a MONITOR capture cut after a command name', () => {
  let server: RedisServer;
  let capture: Buffer;
  const dir = mkdtempSync(join(tmpdir(), 'slotscope-cut-'));
  beforeAll(async () => {
    server = await startRedis();
    const redis = server.client();
    const file = await captureTraffic(server, async () => {
      await redis.set('user:1:name', 'a-secret-value');
      await redis.geoadd('{geo}:places', 13.36, 38.11, 'palermo');
      await redis.rpush('{list:1}', '3', '1', '2');
      await redis.sort('{list:1}', 'STORE', '{list:1}:sorted');
      await redis.call('GEORADIUS', '{geo}:places', '15', '37', '200', 'km', 'STORE', '{geo}:near');
      await redis.set('user:2:name', 'another-secret');
    });
    redis.disconnect();
    capture = readFileSync(file);
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** The capture with cut lines for each name appended, each made from the prefix of a real line. */
  function withCutLines(names: string[], newlineAtEnd: boolean): string {
    const lines = capture.toString('latin1').trimEnd().split('\n');
    const prefix = lines[lines.length - 1].slice(0, lines[lines.length - 1].indexOf('] "') + 2);
    const text = `${lines.join('\n')}\n${names.map((n) => `${prefix}"${n}"`).join('\n')}${newlineAtEnd ? '\n' : ''}`;
    const file = join(dir, `cut-${names.join('-')}-${newlineAtEnd}.monitor`);
    writeFileSync(file, text, 'latin1');
    return file;
  }

  it('analyze counts each cut line as skipped and nothing else changes, with or without a newline at the end', () => {
    const whole = join(dir, 'whole.monitor');
    writeFileSync(whole, capture);
    const base = analyzeJson(whole);
    for (const newline of [false, true]) {
      for (const names of [['SET'], ['SORT'], ['GEORADIUS'], ['set', 'SORT', 'GEORADIUS']]) {
        const r = analyzeJson(withCutLines(names, newline));
        const input = r.inputs[0];
        expect(input.skipped.count).toBe(names.length);
        expect(input.records + input.skipped.count + input.preamble).toBe(input.lines);
        expect(input.records).toBe(base.inputs[0].records);
        for (const key of ['keyedCommands', 'distinctKeys', 'commands', 'crossSlotCommands']) expect({ key, n: r.totals[key] }).toEqual({ key, n: base.totals[key] });
        expect(input.skipped.first.map((s) => s.reason)).toEqual(names.map((n) => expect.stringMatching(new RegExp(`^wrong number of arguments for ${n.toUpperCase()}: 1 with its name`))));
      }
    }
  });

  it('read as a replica\'s capture beside its peers, a cut line is still skipped, not a record', async () => {
    const file = withCutLines(['SET', 'SORT'], true);
    const { inputs } = await analyzeInputs([{ path: file, node: 'replica', peers: ['10.0.0.9:6379'] }]);
    expect(inputs[0].skippedCount).toBe(2);
    expect(inputs[0].records + inputs[0].skippedCount + inputs[0].preamble).toBe(inputs[0].lines);
    expect(inputs[0].firstSkipped.map((s) => s.reason)).toEqual([expect.stringMatching(/^wrong number of arguments for SET/), expect.stringMatching(/^wrong number of arguments for SORT/)]);
  });

  it('check and plan read it too (no internal error), and the reason never quotes the line', () => {
    const file = withCutLines(['SET', 'SORT', 'GEORADIUS'], false);
    // The capture is small: its three cut lines are a share of it the default --max-skipped-share refuses.
    const check = slotscope(['check', '-f', 'json', '--max-skipped', '3', '--max-skipped-share', '0.5', file]);
    expect(check.stderr).not.toMatch(/internal error/);
    expect(check.status).toBe(0);
    expect(slotscope(['check', '--max-skipped', '2', '--max-skipped-share', '0.5', file]).status).toBe(1);
    const plan = slotscope(['plan', '-f', 'json', file]);
    expect(plan.stderr).not.toMatch(/internal error/);
    expect(plan.status).toBe(0);
    const analyze = slotscope(['analyze', file]);
    expect(analyze.stderr).toMatch(/cut-SET-SORT-GEORADIUS-false\.monitor:\d+: wrong number of arguments for SET/);
    expect(analyze.stderr + analyze.stdout).not.toMatch(/secret|127\.0\.0\.1/);
  });
});
