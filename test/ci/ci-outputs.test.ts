// Where CI systems show a check: JUnit XML read back with a real XML parser, GitLab Code Quality JSON,
// and on GITHUB_ACTIONS=true the workflow-command annotations and the job summary file. The captures are
// real: ioredis traffic through a real redis-server, recorded by redis-cli MONITOR.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xmlAttr, xmlText } from '../../src/report/ci/junit.js';
import { CLI, slotscope } from '../helpers/cli.js';
import { captureTraffic, type RedisServer, startRedis } from '../helpers/redis.js';

/** A key with every character XML must escape, in a cross-slot MGET with a plain key. */
const ODD_KEY = `odd<&>"'key`;

interface JunitCase {
  '@_name': string;
  '@_classname': string;
  failure?: { '@_message': string; '#text': string };
  'system-out'?: string;
}
interface JunitSuite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  testcase: JunitCase[];
}

const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testsuite' || name === 'testcase', parseTagValue: false, parseAttributeValue: false });

function readJunit(file: string): JunitSuite[] {
  const xml = readFileSync(file, 'utf8');
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml).testsuites.testsuite as JunitSuite[];
}

describe('CI outputs of check', () => {
  let server: RedisServer;
  let crossSlot: string;
  let clean: string;
  const dir = mkdtempSync(join(tmpdir(), 'slotscope-ci-'));
  beforeAll(async () => {
    server = await startRedis();
    const c = server.client();
    // Connected before MONITOR starts: ioredis's HELLO and INFO would otherwise race into the capture and move the MGET.
    await c.ping();
    crossSlot = await captureTraffic(server, async () => {
      await c.set('{user:1}:name', 'a');
      await c.mget(ODD_KEY, 'user:2:name');
    });
    clean = await captureTraffic(server, async () => {
      await c.set('{user:1}:name', 'a');
      await c.get('{user:1}:name');
    });
    c.disconnect();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('--junit: one case per gate and per finding, failed as they failed, with the example in the message; XML that parses', () => {
    const junit = join(dir, 'fail.xml');
    const r = slotscope(['check', '--junit', junit, crossSlot]);
    expect(r.status).toBe(1);
    const gates = JSON.parse(slotscope(['check', '-f', 'json', crossSlot]).stdout).gates as { gate: string; passed: boolean }[];
    const [gateSuite, findingSuite] = readJunit(junit);
    expect(gateSuite.testcase.map((t) => t['@_name'])).toEqual(gates.map((g) => g.gate));
    expect(gateSuite.testcase.filter((t) => t.failure).map((t) => t['@_name'])).toEqual(gates.filter((g) => !g.passed).map((g) => g.gate));
    expect(gateSuite['@_failures']).toBe(String(gates.filter((g) => !g.passed).length));
    const gateFailure = gateSuite.testcase.find((t) => t['@_name'] === 'cross-slot commands')!.failure!;
    expect(gateFailure['@_message']).toBe('cross-slot commands: 1 (limit 0)');
    const finding = findingSuite.testcase.find((t) => t['@_name'] === 'cross-slot-command')!;
    expect(finding['@_classname']).toBe('slotscope.findings');
    // The key comes back byte for byte: every character XML escapes went through and out again.
    // Line 1 is MONITOR's OK, 2 the SET, 3 the MGET: the example names the line that holds the command.
    expect(readFileSync(crossSlot, 'latin1').split('\n')[2]).toMatch(/\] "mget" /);
    expect(finding.failure!['#text']).toContain('e.g. app:3: mget ');
    expect(finding.failure!['#text']).toContain(`: mget "${ODD_KEY.replace(/"/g, '\\"')}" "user:2:name"`);
    expect(finding.failure!['@_message']).toBe('cross-slot-command (blocker): 1');
  });

  it('--junit on a check that passes has no failed case', () => {
    const junit = join(dir, 'pass.xml');
    expect(slotscope(['check', '--junit', junit, clean]).status).toBe(0);
    const suites = readJunit(junit);
    expect(suites.flatMap((s) => s.testcase).filter((t) => t.failure)).toEqual([]);
    expect(suites[0].testcase.length).toBeGreaterThan(5);
  });

  it('XML text: characters XML 1.0 cannot carry become U+FFFD, the rest round-trips', () => {
    const text = `a\u0001b\u001f\tc\r\nd]]>e\uD800f & <g> "h" 'i' \u{1F600}`;
    const xml = `<r a="${xmlAttr(text)}">${xmlText(text)}</r>`;
    expect(XMLValidator.validate(xml)).toBe(true);
    const back = new XMLParser({ ignoreAttributes: false, trimValues: false, parseTagValue: false, parseAttributeValue: false, htmlEntities: true }).parse(xml).r;
    const expected = `a\uFFFDb\uFFFD\tc\r\nd]]>e\uFFFDf & <g> "h" 'i' \u{1F600}`;
    expect(back['#text']).toBe(expected);
    expect(back['@_a']).toBe(expected);
  });

  it('--codequality: GitLab issues at the capture line of each example, with fingerprints that survive a new run', async () => {
    const file = join(dir, 'cq.json');
    expect(slotscope(['check', '--codequality', file, crossSlot]).status).toBe(1);
    const issues = JSON.parse(readFileSync(file, 'utf8')) as { description: string; check_name: string; fingerprint: string; severity: string; location: { path: string; lines: { begin: number } } }[];
    for (const i of issues) {
      expect(Object.keys(i).sort()).toEqual(['check_name', 'description', 'fingerprint', 'location', 'severity']);
      expect(i.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(i.severity);
    }
    const finding = issues.find((i) => i.check_name === 'slotscope/finding/cross-slot-command')!;
    expect(finding).toMatchObject({ severity: 'blocker', location: { path: crossSlot, lines: { begin: 3 } } });
    expect(readFileSync(crossSlot, 'latin1').split('\n')[2]).toMatch(/"mget" "odd<&>/);
    expect(issues.find((i) => i.check_name === 'slotscope/gate/cross-slot commands')).toMatchObject({ severity: 'critical' });
    // The same problem at another line of another run: the same fingerprint, so GitLab sees no new issue.
    const c = server.client();
    await c.ping();
    const later = await captureTraffic(server, async () => {
      for (let i = 0; i < 5; i++) await c.set(`{user:${i}}:name`, 'a');
      await c.mget(ODD_KEY, 'user:2:name');
    });
    c.disconnect();
    const again = join(dir, 'cq2.json');
    slotscope(['check', '--codequality', again, later]);
    const issues2 = JSON.parse(readFileSync(again, 'utf8')) as typeof issues;
    expect(issues2.find((i) => i.check_name === finding.check_name)!.location.lines.begin).toBe(7);
    expect(issues2.map((i) => i.fingerprint).sort()).toEqual(issues.map((i) => i.fingerprint).sort());
  });

  it('GITHUB_ACTIONS=true: an ::error annotation per failed gate and blocker, and a job summary appended to $GITHUB_STEP_SUMMARY', () => {
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, 'earlier step\n');
    const env = { ...process.env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary };
    const r = spawnCli(['check', crossSlot], env);
    expect(r.status).toBe(1);
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    // The gate's line, then (where the gate names them) its commands and patterns, each escaped onto the one line.
    expect(annotations.filter((l) => /^::error title=slotscope%3A cross-slot commands gate failed::cross-slot commands: 1 \(limit 0\)(%0A[^\n]*)?$/.test(l))).toHaveLength(1);
    const blocker = annotations.find((l) => l.startsWith('::error title=slotscope%3A cross-slot-command::'))!;
    // One line each: the protocol's escapes keep a multi-line message on its line.
    expect(blocker).toContain('cross-slot-command (blocker): 1%0A');
    expect(blocker).toContain(`mget "${ODD_KEY.replace(/"/g, '\\"')}"`);
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('earlier step\n')).toBe(true);
    expect(text).toContain('<h2>slotscope check: FAILED</h2>');
    expect(text).toContain('<tr><td>cross-slot commands</td><td>1</td><td>0</td><td><strong>FAIL</strong></td></tr>');
    expect(text).toContain(`mget &quot;odd&lt;&amp;&gt;\\&quot;'key&quot;`);
    expect(text).not.toContain(ODD_KEY);
  });

  it('GITHUB_ACTIONS=true with -f json: stdout stays JSON, the summary is still written; outside GitHub neither', () => {
    const summary = join(dir, 'summary-json.md');
    writeFileSync(summary, '');
    const json = spawnCli(['check', '-f', 'json', crossSlot], { ...process.env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    expect(JSON.parse(json.stdout).passed).toBe(false);
    expect(readFileSync(summary, 'utf8')).toContain('slotscope check: FAILED');
    writeFileSync(summary, '');
    const local = spawnCli(['check', crossSlot], { ...process.env, GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: summary });
    expect(local.stdout).not.toMatch(/^::/m);
    expect(readFileSync(summary, 'utf8')).toBe('');
  });

  it('a --junit or --codequality path that cannot be written fails first, in one line', () => {
    for (const opt of ['--junit', '--codequality']) {
      const r = slotscope(['check', opt, join(dir, 'no-such-dir', 'out'), join(dir, 'no-such-input.monitor')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`slotscope: ${join(dir, 'no-such-dir', 'out')}: no such directory\n`);
    }
    const r = slotscope(['check', '--junit', crossSlot, crossSlot]);
    expect(r).toMatchObject({ status: 2, stderr: `slotscope: ${crossSlot}: is also an input: refusing to overwrite it\n` });
  });
});

function spawnCli(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
