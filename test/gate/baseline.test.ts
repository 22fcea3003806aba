// `check --baseline` and `diff` on captures of real ioredis traffic against a real redis-server: an
// unchanged run passes, one new cross-slot MGET fails and is named with its pattern and its line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import calculateSlot from 'cluster-key-slot';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotscope } from '../helpers/cli.js';
import { captureTraffic, type RedisServer, startRedis } from '../helpers/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'slotscope-baseline-'));
type Gate = { gate: string; value: number | string; limit: number | string; passed: boolean; failures?: { what: string; count: number; example?: { node: string; line: number; command: string } }[] };
type Check = { schema: string; passed: boolean; gates: Gate[]; baseline?: { file: string } };

/** The app's traffic: same-slot work, and SINTER across slots on `sinters` of its 20 calls. */
async function app(c: Redis, opts: { sinters: number; extraMget?: boolean }): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await c.set(`{user:${i}}:name`, 'n');
    await c.mget(`{user:${i}}:name`, `{user:${i}}:email`);
    if (i < opts.sinters) await c.sinter(`friends:${i}`, `friends:${i + 1}`);
    else await c.sinter(`{friends:${i}}:a`, `{friends:${i}}:b`);
  }
  if (opts.extraMget) await c.mget('order:1', 'order:2');
}

describe('check --baseline and diff on real captures', () => {
  let server: RedisServer;
  let base: string;
  let same: string;
  let added: string;
  let moreSinter: string;
  let hot: string;
  beforeAll(async () => {
    server = await startRedis();
    const run = async (opts: Parameters<typeof app>[1]): Promise<string> =>
      captureTraffic(server, async () => {
        const c = server.client();
        await app(c, opts);
        c.disconnect();
      });
    base = join(dir, 'base.json');
    const first = await run({ sinters: 2 });
    const r = slotscope(['analyze', '-f', 'json', '-o', base, first]);
    expect(r.status, r.stderr).toBe(0);
    same = await run({ sinters: 2 });
    added = await run({ sinters: 2, extraMget: true });
    moreSinter = await run({ sinters: 3 });
    hot = await captureTraffic(server, async () => {
      const c = server.client();
      await app(c, { sinters: 2 });
      for (let i = 0; i < 30; i++) await c.get('hot');
      c.disconnect();
    });
  }, 60000);
  afterAll(async () => {
    await server?.stop();
  });

  const check = (args: string[]): { status: number | null; stdout: string; stderr: string; json: Check } => {
    const out = join(dir, `check-${Math.random().toString(36).slice(2)}.json`);
    const r = slotscope(['check', '-o', out, ...args]);
    return { ...r, json: r.status === 2 ? ({} as Check) : (JSON.parse(readFileSync(out, 'utf8')) as Check) };
  };
  const gate = (c: Check, name: string): Gate => c.gates.find((g) => g.gate.startsWith(name))!;

  it('passes an unchanged run that an absolute gate fails', () => {
    expect(check([same]).status).toBe(1); // two cross-slot SINTERs: the count gate fails
    const r = check(['--baseline', base, same]);
    expect(r.status, r.stdout).toBe(0);
    expect(r.json).toMatchObject({ schema: 'slotscope.check/2', passed: true, baseline: { file: base } });
    expect(r.json.gates.map((g) => g.gate)).not.toContain('cross-slot commands');
  });

  it('refuses a count limit beside --baseline, which would replace it unseen', () => {
    for (const flag of ['--max-cross-slot', '--max-cross-slot-transactions', '--max-cross-slot-scripts']) {
      const r = check(['--baseline', base, flag, '5', same]);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`slotscope: ${flag} is not with --baseline: the regression gates replace the count gates (see check --help)\n`);
    }
  });

  it('fails a run that adds one cross-slot MGET, naming MGET, its pattern and its line', () => {
    const r = check(['--baseline', base, added]);
    expect(r.status).toBe(1);
    const commands = gate(r.json, 'commands newly cross-slot');
    expect(commands).toMatchObject({ value: 1, passed: false });
    expect(commands.failures).toEqual([{ what: 'mget', count: 1, example: { node: 'app', line: expect.any(Number), command: 'mget "order:1" "order:2"' } }]);
    // The example's line is the capture's line of that MGET.
    const line = readFileSync(added, 'latin1').split('\n')[commands.failures![0].example!.line - 1];
    expect(line).toMatch(/"mget" "order:1" "order:2"$/);
    // The finding's own example is an earlier SINTER: the pattern's example is the MGET that shows it.
    expect(gate(r.json, 'new key patterns').failures).toEqual([{ what: 'cross-slot-command: order:<id>', count: 2, example: commands.failures![0].example }]);
    expect(r.stdout).toMatch(/FAIL {2}commands newly cross-slot: 1 \(limit 0\)\n {8}mget: 1, e\.g\. app:\d+: mget "order:1" "order:2"\n/);
    expect(r.stdout).toContain('cross-slot-command: order:<id>: 2');
  });

  it('fails a cross-slot rate up by more than --tolerance, and passes it at the boundary', () => {
    // SINTER across slots: 2 of 20 calls, now 3 of 20: five share points up.
    const at = (tolerance: string): Check => check(['--baseline', base, '--tolerance', tolerance, moreSinter]).json;
    const failed = at('0.049');
    expect(gate(failed, 'cross-slot rate rise')).toMatchObject({ passed: false, value: 0.05 });
    expect(gate(failed, 'cross-slot rate rise').failures).toContainEqual(expect.objectContaining({ what: 'sinter: 10% -> 15%', count: 3 }));
    expect(gate(at('0.05'), 'cross-slot rate rise').passed).toBe(true);
    expect(gate(failed, 'new findings').passed).toBe(true);
  });

  it('fails skew up by more than --max-skew-increase, and passes it at the boundary', () => {
    type Skew = { skew: { maxOps: number; meanOps: number } };
    const figure = (capture: string): number => {
      const r = JSON.parse(slotscope(['analyze', '-f', 'json', capture]).stdout) as Skew;
      return Number((r.skew.maxOps / r.skew.meanOps).toPrecision(6));
    };
    const rise = Number((figure(hot) / figure(same) - 1).toPrecision(6));
    expect(rise).toBeGreaterThan(1); // 30 reads of one key against the baseline's busiest slot of a few ops
    const at = (limit: number): Check => check(['--baseline', base, '--max-skew-increase', String(limit), hot]).json;
    expect(gate(at(rise), 'skew rise')).toMatchObject({ value: rise, passed: true });
    expect(at(rise).passed).toBe(true);
    const failed = at(rise - 0.001);
    expect(failed.passed).toBe(false);
    // The report sketches a slot's keys only past 32 ops, so the busiest slot is named by number.
    expect(gate(failed, 'skew rise').failures).toEqual([{ what: `slot ${calculateSlot('hot')} (busiest key hot)`, count: 30 }]);
  });

  it('passes a verdict no worse than the baseline\'s: a blocked codebase can still stop getting worse', () => {
    const app = join(dir, 'app.json');
    expect(slotscope(['analyze', '-f', 'json', '-o', app, 'samples/app.monitor']).status).toBe(0);
    expect(gate(check(['samples/app.monitor']).json, 'verdict')).toMatchObject({ value: 'blocked', passed: false });
    const r = check(['--baseline', app, 'samples/app.monitor']);
    expect(gate(r.json, 'verdict')).toMatchObject({ value: 'blocked', limit: "not blocked, or no worse than the baseline's blocked", passed: true });
    expect(r.status).toBe(0);
    // Against a baseline that was only `ready with changes`, the same run fails.
    expect(gate(check(['--baseline', base, 'samples/app.monitor']).json, 'verdict').passed).toBe(false);
  });

  it('refuses a baseline made for another target when it judges these commands differently, and a redacted one beside a plain run', () => {
    const proxy = join(dir, 'proxy.json');
    expect(slotscope(['analyze', '-f', 'json', '--target', 'redis-software', '-o', proxy, same]).status).toBe(0);
    const r = slotscope(['check', '--baseline', proxy, same]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`slotscope: ${proxy}: made for --target redis-software, this run for redis-8, which judge mget differently: make both with one --target\n`);
    // redis-7.4 and redis-8 differ only in SORT, which this traffic never sends: the baseline compares.
    const other = join(dir, 'r74.json');
    expect(slotscope(['analyze', '-f', 'json', '--target', 'redis-7.4', '-o', other, same]).status).toBe(0);
    expect(slotscope(['check', '--baseline', other, same]).status).toBe(0);
    const redacted = join(dir, 'redacted.json');
    expect(slotscope(['analyze', '-f', 'json', '--redact-keys', '-o', redacted, same]).status).toBe(0);
    const plain = slotscope(['check', '--baseline', redacted, same]);
    expect(plain.status).toBe(2);
    expect(plain.stderr).toMatch(/^slotscope: .*redacted\.json: made with --redact-keys and this run without/);
    // Redacted beside redacted, and a plain baseline beside a redacted run (redacted here with the same secret).
    expect(slotscope(['check', '--redact-keys', '--baseline', redacted, same]).status).toBe(0);
    expect(slotscope(['check', '--redact-keys', '--baseline', base, same]).status).toBe(0);
    const mixed = slotscope(['check', '--redact-keys', '--baseline', base, added]);
    expect(mixed.status).toBe(1);
    expect(mixed.stdout).not.toContain('order');
    expect(mixed.stdout).toMatch(/cross-slot-command: <h:[0-9a-f]{8}>:<id>: 2/);
  });

  it('refuses a baseline that is not a report: one line, exit 2', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{\n "schema": "slotscope.report/1",\n oops\n}\n');
    expect(slotscope(['check', '--baseline', bad, same]).stderr).toBe(`slotscope: ${bad}:3: not JSON\n`);
    // Not a report at all (a config file given by mistake): its bytes, a password or a terminal's escape codes, are not echoed.
    const conf = join(dir, 'redis.conf');
    writeFileSync(conf, 'requirepass hunter2\n\u001b]0;title\u0007\n');
    for (const cmd of [['check', '--baseline', conf, same], ['diff', base, conf]]) expect(slotscope(cmd).stderr, cmd[0]).toBe(`slotscope: ${conf}: not JSON\n`);
    // A real report edited by hand: the first field the comparison cannot read is named, exit 2, not an internal error.
    const real = JSON.parse(readFileSync(base, 'utf8')) as Record<string, Record<string, unknown>>;
    for (const [edit, field] of [[(r: typeof real) => delete r.skew.hotSlots, 'skew'], [(r: typeof real) => (r.findings = {}), 'findings'], [(r: typeof real) => (r.totals = {}), 'totals']] as const) {
      const copy = structuredClone(real);
      edit(copy);
      writeFileSync(bad, JSON.stringify(copy));
      for (const cmd of [['check', '--baseline', bad, same], ['diff', base, bad]]) {
        const r = slotscope(cmd);
        expect(r.stderr, `${cmd[0]} ${field}`).toBe(`slotscope: ${bad}: not a complete report: ${field} is not as \`slotscope analyze -f json\` writes it\n`);
        expect(r.status).toBe(2);
      }
    }
    writeFileSync(bad, '{"schema": "slotscope.report/1", "totals": {');
    expect(slotscope(['diff', base, bad]).stderr).toBe(`slotscope: ${bad}:1: not JSON: it ends too soon (cut short?)\n`);
    const kept = slotscope(['check', '--baseline', base, '-o', base, same]);
    expect(kept.status).toBe(2);
    expect(kept.stderr).toBe(`slotscope: ${base}: is also an input: refusing to overwrite it\n`);
    expect(JSON.parse(readFileSync(base, 'utf8'))).toMatchObject({ schema: 'slotscope.report/1' });
    writeFileSync(bad, JSON.stringify({ schema: 'slotscope.check/2' }));
    const r = slotscope(['check', '--baseline', bad, same]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: schema "slotscope\.check\/2": expected a report made by `slotscope analyze -f json`/);
  });

  it('calls no pattern new when the baseline kept only the first 50 of its patterns', async () => {
    // 60 cross-slot MGETs, each with two patterns of its own (letters only, so each stays a literal word).
    const words = Array.from({ length: 60 }, (_, i) => `w${String.fromCharCode(97 + Math.floor(i / 26), 97 + (i % 26))}`);
    const run = (order: string[]): Promise<string> =>
      captureTraffic(server, async () => {
        const c = server.client();
        for (const w of order) await c.mget(`${w}:left`, `${w}:right`);
        c.disconnect();
      });
    const many = join(dir, 'many.json');
    expect(slotscope(['analyze', '-f', 'json', '-o', many, await run(words)]).status).toBe(0);
    const kept = (JSON.parse(readFileSync(many, 'utf8')) as { findings: { id: string; patterns: Record<string, number> }[] }).findings[0];
    expect(Object.keys(kept.patterns)).toHaveLength(50);
    // The same traffic in another order keeps another 50: none of them is a regression.
    const reversed = await run([...words].reverse());
    const r = check(['--baseline', many, reversed]);
    expect(r.status, r.stdout).toBe(0);
    expect(gate(r.json, 'new key patterns')).toMatchObject({ value: 0, passed: true });
    const now = join(dir, 'reversed.json');
    expect(slotscope(['analyze', '-f', 'json', '-o', now, reversed]).status).toBe(0);
    expect(slotscope(['diff', many, now]).stdout).toContain('Patterns kept only in part (the first 50, from the first 10000 occurrences), so not compared one way: cross-slot-command');
  });

  it('diff shows the added cross-slot command and pattern, in every format, and exits 0', () => {
    const now = join(dir, 'added.json');
    expect(slotscope(['analyze', '-f', 'json', '-o', now, added]).status).toBe(0);
    const table = slotscope(['diff', base, now]);
    expect(table.status).toBe(0);
    // The CLI helper reads latin1: the table's box-drawing characters are not matched, the cells are.
    const newly = table.stdout.slice(table.stdout.indexOf('Commands newly cross-slot'), table.stdout.indexOf('\nCommands\n'));
    expect(newly).toMatch(/ mget +0 of 20 +1 of 21 +app:\d+: mget "order:1" "order:2"/);
    expect(table.stdout).toMatch(/ cross-slot-command +order:<id> +added +2\b/);
    // Totals and columns are named as people read them, not by the JSON's field names.
    expect(table.stdout).toMatch(/\n  cross-slot commands +2 +3 +\+1\n/);
    expect(table.stdout).toMatch(/\n  command +change +old calls/);
    const md = slotscope(['diff', '-f', 'markdown', base, now]);
    expect(md.stdout).toMatch(/## Commands newly cross-slot\n\n.*\n.*\n\| mget \| 0 of 20 \| 1 of 21 \| app:\d+: mget "order:1" "order:2" \|\n/);
    const json = JSON.parse(slotscope(['diff', '-f', 'json', base, now]).stdout) as { schema: string; crossSlot: { added: { name: string }[] }; totals: { name: string; old: number; new: number }[] };
    expect(json.schema).toBe('slotscope.diff/1');
    expect(json.crossSlot.added.map((c) => c.name)).toEqual(['mget']);
    expect(json.totals).toContainEqual({ name: 'crossSlotCommands', old: 2, new: 3 });
    expect(slotscope(['diff', base, base]).stdout).not.toContain('Commands newly cross-slot');
  });
});
