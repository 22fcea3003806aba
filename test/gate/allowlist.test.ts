// Allow-lists on a capture of real ioredis traffic: an accepted finding passes with its reason shown, an
// expired entry fails again, a stale one fails only with --strict-allowlist, a bad file is one line, exit 2.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { captureTraffic, type RedisServer, startRedis } from '../helpers/redis.js';

const root = mkdtempSync(join(tmpdir(), 'slotscope-allowlist-'));
type Gate = { gate: string; value: number | string; passed: boolean; failures?: { what: string; count: number }[] };
type Entry = { source: string; reason: string; matched?: { what: string; count: number }[] };
type Check = { passed: boolean; gates: Gate[]; findings: { id: string; allowed?: true }[]; allowed: Entry[]; stale: Entry[]; expired: Entry[] };

let n = 0;
/** A fresh working directory holding `files`: `check` reads .slotscope.yml from there. */
function workdir(files: Record<string, string>): string {
  const d = join(root, `w${n++}`);
  mkdirSync(d);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}
function check(cwd: string, args: string[]): { status: number | null; stdout: string; stderr: string; json: Check | null } {
  const r = spawnSync(process.execPath, [CLI, 'check', ...args], { cwd, encoding: 'utf8' });
  const j = spawnSync(process.execPath, [CLI, 'check', '-f', 'json', ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json: j.status === 2 ? null : (JSON.parse(j.stdout) as Check) };
}
const gate = (c: Check, name: string): Gate => c.gates.find((g) => g.gate === name)!;

describe('allow-lists', () => {
  let server: RedisServer;
  let capture: string;
  beforeAll(async () => {
    server = await startRedis();
    capture = await captureTraffic(server, async () => {
      const c = server.client();
      await c.set('{user:1}:name', 'n');
      await c.mget('{user:1}:name', '{user:1}:email');
      await c.mget('order:1', 'order:2'); // cross-slot
      await c.keys('session:*'); // single-node-keyspace
      c.disconnect();
    });
  }, 30000);
  afterAll(async () => {
    await server?.stop();
  });

  it('without an allow-list the cross-slot MGET fails', () => {
    const r = check(workdir({}), [capture]);
    expect(r.status).toBe(1);
    expect(gate(r.json!, 'cross-slot commands')).toMatchObject({ value: 1, passed: false, failures: [{ what: 'mget', count: 1 }] });
  });

  it('reads .slotscope.yml from the working directory: an allowed command passes, shown with its reason', () => {
    const cwd = workdir({ '.slotscope.yml': 'allow:\n  # order lookups are served by a standalone replica\n  - command: MGET\n    reason: order lookups stay on the standalone cache\n    expires: 2999-12-31\n' });
    const r = check(cwd, [capture]);
    expect(r.status, r.stdout).toBe(0);
    expect(gate(r.json!, 'cross-slot commands')).toMatchObject({ value: 0, passed: true });
    expect(r.json!.allowed).toEqual([{ command: 'mget', reason: 'order lookups stay on the standalone cache', expires: '2999-12-31', source: '.slotscope.yml:3', matched: [{ what: 'mget', count: 1 }] }]);
    expect(r.json!.findings.find((f) => f.id === 'cross-slot-command')?.allowed).toBe(true);
    expect(r.stdout).toContain(`ALLOWED  command mget (${'.slotscope.yml:3'}): order lookups stay on the standalone cache [until 2999-12-31]\n        mget: 1\n`);
  });

  it('a pattern (with *) accepts the finding whose every pattern it covers, also with --redact-keys', () => {
    const cwd = workdir({ '.slotscope.json': JSON.stringify({ allow: [{ finding: 'cross-slot-command', pattern: 'order:*', reason: 'read in one MGET on purpose' }] }, null, 2) });
    for (const redact of [[], ['--redact-keys']]) {
      const r = check(cwd, [...redact, capture]);
      expect(r.status, r.stdout).toBe(0);
      expect(r.json!.allowed[0].matched).toHaveLength(1);
      if (redact.length > 0) expect(r.stdout).not.toMatch(/order/);
    }
    // A pattern the finding does not hold accepts nothing: the entry is stale and the gate still fails.
    const other = workdir({ '.slotscope.yml': 'allow:\n  - pattern: "invoice:*"\n    reason: x\n' });
    expect(check(other, [capture]).status).toBe(1);
  });

  it('an expired entry allows nothing and says when it expired, naming file:line', () => {
    const cwd = workdir({ '.slotscope.yml': 'allow:\n  - command: mget\n    reason: until the order cache moves\n    expires: 2000-01-01\n' });
    const r = check(cwd, [capture]);
    expect(r.status).toBe(1);
    expect(gate(r.json!, 'cross-slot commands').passed).toBe(false);
    expect(r.json!.expired).toEqual([expect.objectContaining({ source: '.slotscope.yml:2', expires: '2000-01-01' })]);
    expect(r.stdout).toContain(`EXPIRED  command mget (${'.slotscope.yml:2'}): expired on 2000-01-01; it allows nothing any more\n`);
  });

  it('a stale entry is reported, and fails only with --strict-allowlist', () => {
    const cwd = workdir({ 'ci.yml': 'allow:\n  - command: mget\n    reason: cache\n  - finding: move-swapdb\n    reason: the nightly job swaps dbs\n' });
    const r = check(cwd, ['--allowlist', 'ci.yml', capture]);
    expect(r.status, r.stdout).toBe(0);
    expect(r.json!.stale).toEqual([expect.objectContaining({ finding: 'move-swapdb', source: 'ci.yml:4' })]);
    expect(r.stdout).toContain('STALE    finding move-swapdb (ci.yml:4): matches nothing in this run');
    const strict = check(cwd, ['--allowlist', 'ci.yml', '--strict-allowlist', capture]);
    expect(strict.status).toBe(1);
    expect(gate(strict.json!, 'stale allow-list entries')).toMatchObject({ value: 1, passed: false, failures: [{ what: 'ci.yml:4: finding move-swapdb', count: 0 }] });
  });

  it('takes an allowed finding out of --fail-on and out of the verdict', () => {
    const keys = workdir({ '.slotscope.yml': 'allow:\n  - finding: single-node-keyspace\n    reason: the ops script runs KEYS on each primary\n  - command: mget\n    reason: cache\n' });
    expect(check(workdir({}), ['--fail-on', 'single-node-keyspace', capture]).status).toBe(1);
    expect(check(keys, ['--fail-on', 'single-node-keyspace', capture]).status).toBe(0);
    // Both findings accepted: nothing left that needs a change.
    const v = check(keys, ['--fail-on', 'changes', capture]);
    expect(gate(v.json!, 'verdict')).toMatchObject({ value: 'ready', passed: true });
    expect(gate(check(workdir({}), ['--fail-on', 'changes', capture]).json!, 'verdict')).toMatchObject({ value: 'ready with changes', passed: false });
  });

  it('refuses a bad allow-list with file:line and exit 2, before reading any input', () => {
    const cases: [string, string, string][] = [
      ['allow:\n  - command: mget\n  - finding: nonzero-db\n    reason: legacy\n', '.slotscope.yml:2', 'entry has no reason: say why it is accepted'],
      ['allow:\n  - finding: nonzero-db\n    reasn: typo\n', '.slotscope.yml:3', 'unknown field "reasn" (expected finding, command, pattern, reason, expires)'],
      ['allow:\n  - finding: nonzero-db\n    reason: legacy\n    expires: 2026-02-30\n', '.slotscope.yml:2', 'expires "2026-02-30" is not a date (YYYY-MM-DD)'],
      ['allow:\n  - finding: no-such-finding\n    reason: x\n', '.slotscope.yml:2', 'unknown finding "no-such-finding"'],
      ['allow:\n  - finding: nonzero-db\n    reason: a\n    reason: b\n', '.slotscope.yml:4', 'not valid YAML: Map keys must be unique'],
      ['allowed:\n  - finding: nonzero-db\n', '.slotscope.yml:1', 'unknown key "allowed" (expected allow)'],
    ];
    for (const [text, at, reason] of cases) {
      const cwd = workdir({ '.slotscope.yml': text });
      const r = spawnSync(process.execPath, [CLI, 'check', join(cwd, 'missing.monitor')], { cwd, encoding: 'utf8' });
      expect(r.status, text).toBe(2);
      expect(r.stderr, text).toBe(`slotscope: ${at}: ${reason}\n`);
    }
    const both = workdir({ '.slotscope.yml': 'allow: []\n', '.slotscope.json': '{"allow": []}' });
    const r = spawnSync(process.execPath, [CLI, 'check', capture], { cwd: both, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/both exist: keep one allow-list\n$/);
  });
});
