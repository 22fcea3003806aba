// The ACL lines the README gives, tried on real servers: the live commands work with exactly those rights,
// and each right taken away makes the command that needs it stop with one line naming it (exit 2).
// The credentials come the ways redis-cli takes them: REDISCLI_AUTH, --password-file, -u URL, -a.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyResult } from '../../src/replay/verify-plan.js';
import type { Report } from '../../src/report/report.js';
import { readmeSection } from '../helpers/readme.js';
import { type CliResult, slotscope, slotscopeAsync } from '../helpers/cli.js';
import { type RedisCluster, type RedisServer, startCluster, startRedis, waitForMonitor } from '../helpers/redis.js';

const SECRET = 'acl-pass-5Tq9';
const fresh = (): string => mkdtempSync(join(tmpdir(), 'slotscope-acl-'));
const passwordFile = join(fresh(), 'password');
writeFileSync(passwordFile, `${SECRET}\n`);

/** The README's ACL line for a user (`ACL SETUSER NAME reset on >CHANGE-ME RIGHTS...`): its rights, so the line tested is the line given. */
const readmeRights = (user: string): string[] => {
  const line = readmeSection('## Connecting to your deployment').match(new RegExp(`^ACL SETUSER ${user} reset on >CHANGE-ME (.*)$`, 'm'));
  if (!line) throw new Error(`README.md gives no ACL line for ${user}`);
  return line[1].split(' ');
};
/** What capture monitor, capture scan --memory --ttl, analyze --live and record need. */
const CAPTURE_RIGHTS = readmeRights('slotscope');
/** What verify needs, on a cluster of its own. */
const VERIFY_RIGHTS = readmeRights('slotscope-verify');

async function setUser(servers: RedisServer[], name: string, rights: string[]): Promise<void> {
  for (const s of servers) {
    const c = s.client();
    await c.call('ACL', 'SETUSER', name, 'reset', 'on', `>${SECRET}`, ...rights);
    c.disconnect();
  }
}

const without = (rights: string[], right: string): string[] => rights.filter((r) => r !== right);

/** The line a refused command ends with; only the MONITOR cost notice may come before it. */
function refusedLine(r: CliResult): string {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toContain(SECRET);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines.slice(0, -1).every((l) => /^slotscope: (running MONITOR|MONITOR attached)/.test(l))).toBe(true);
  return lines.at(-1)!;
}

const denied = (at: string, user: string, what: string, grant: string): string => `slotscope: ${at}: the ACL user '${user}' may not run ${what}, which slotscope needs: grant it (ACL SETUSER ${user} ${grant})`;

describe('the capture ACL line on a standalone server', () => {
  let server: RedisServer;
  let at: string;
  const env = { ...process.env, REDISCLI_AUTH: SECRET };
  const monitor = (): CliResult => slotscope(['capture', 'monitor', '-p', String(server.port), '--user', 'slotscope', '--password-file', passwordFile, '--duration', '1s', '--out', fresh()]);
  const scan = (out = fresh()): CliResult => slotscope(['capture', 'scan', at, '--user', 'slotscope', '--password-file', passwordFile, '--memory', '--ttl', '--out', out]);
  const record = (out = fresh()): CliResult => slotscope(['record', '--redis', at, '--user', 'slotscope', '--password-file', passwordFile, '--out', out, '--', 'redis-cli', '-p', String(server.port), 'SET', 'rec:1', 'v']);
  const live = (): CliResult => slotscope(['analyze', '--live', `redis://slotscope:${SECRET}@${at}`, '--duration', '1s', '-f', 'json']);

  beforeAll(async () => {
    server = await startRedis();
    at = `127.0.0.1:${server.port}`;
    const c = server.client();
    await c.set('acl:plain', 'x'.repeat(300));
    await c.set('acl:expiring', 'y', 'PX', 600_000);
    await c.sadd('acl:set', 'a', 'b');
    c.disconnect();
    await setUser([server], 'slotscope', CAPTURE_RIGHTS);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('capture monitor (REDISCLI_AUTH, -h/-p) records the traffic with exactly those rights', async () => {
    const out = fresh();
    const cap = slotscopeAsync(['capture', 'monitor', '-h', '127.0.0.1', '-p', String(server.port), '--user', 'slotscope', '--duration', '3s', '--out', out], env);
    await waitForMonitor(server);
    const c = server.client();
    await c.mset('mon:1', '1', 'mon:2', '2');
    c.disconnect();
    const r = await cap.done;
    expect(r.stderr).not.toContain(SECRET);
    expect(r.status).toBe(0);
    expect(readFileSync(join(out, `127.0.0.1-${server.port}.monitor`), 'latin1')).toMatch(/\] "mset" "mon:1" "1" "mon:2" "2"\n/);
  });

  it('capture scan --memory --ttl (--password-file, HOST:PORT) sizes every key with exactly those rights', () => {
    const out = fresh();
    const r = scan(out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // The monitor test's mon: keys may be there too.
    const rows = readFileSync(join(out, `127.0.0.1-${server.port}.csv`), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')).filter((f) => f[2].startsWith('"acl:'));
    expect(rows.map((f) => [f[1], JSON.parse(f[2])]).sort()).toEqual([['set', 'acl:set'], ['string', 'acl:expiring'], ['string', 'acl:plain']]);
    for (const f of rows) expect(Number(f[3])).toBeGreaterThan(0);
    expect(rows.find((f) => f[2] === '"acl:expiring"')![7]).toMatch(/^\d{4}-/);
  });

  it('analyze --live (-u URL with the password) works with exactly those rights', () => {
    const r = live();
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain(SECRET);
    expect((JSON.parse(r.stdout) as Report).inputs.map((i) => i.path)).toEqual([`live:${at}`]);
  });

  it('-a works too, with redis-cli\'s warning that the password shows in ps (and --no-auth-warning)', () => {
    const warned = slotscope(['capture', 'scan', at, '--user', 'slotscope', '-a', SECRET, '--out', fresh()]);
    expect(warned.status).toBe(0);
    expect(warned.stderr).toMatch(/^slotscope: [^\n]*-a[^\n]*\(ps\)[^\n]*\n$/);
    expect(warned.stderr).not.toContain(SECRET);
    const quiet = slotscope(['capture', 'scan', at, '--user', 'slotscope', '-a', SECRET, '--no-auth-warning', '--out', fresh()]);
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe('');
  });

  it('record (--redis HOST:PORT, --user, --password-file) captures what the wrapped command sends with exactly those rights', async () => {
    const out = fresh();
    const r = record(out);
    expect(r.stderr).toBe('slotscope: MONITOR attached on 1 node; running redis-cli\n');
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(out, `127.0.0.1-${server.port}.monitor`), 'latin1')).toMatch(/\] "SET" "rec:1" "v"\n/);
    // Without +echo the capture stands, but its end is not marked: a warning names the right.
    await setUser([server], 'slotscope', without(CAPTURE_RIGHTS, '+echo'));
    try {
      const unmarked = record();
      expect(unmarked.status).toBe(0);
      expect(unmarked.stderr).toContain(`could not mark the end of the capture (the ACL user 'slotscope' may not run ECHO, which slotscope needs: grant it (ACL SETUSER slotscope +echo))`);
    } finally {
      await setUser([server], 'slotscope', CAPTURE_RIGHTS);
    }
  });

  it('names every right the line holds when it is taken away, for the command that needs it', async () => {
    const cases: [string, () => CliResult, string][] = [
      ['+ping', monitor, denied(at, 'slotscope', 'PING', '+ping')],
      ['+info', scan, denied(at, 'slotscope', 'INFO', '+info')],
      ['+role', live, denied(at, 'slotscope', 'ROLE', '+role')],
      ['+monitor', monitor, denied(at, 'slotscope', 'MONITOR', '+monitor')],
      ['+monitor', live, denied(at, 'slotscope', 'MONITOR', '+monitor')],
      ['+monitor', record, denied(at, 'slotscope', 'MONITOR', '+monitor')],
      ['+scan', scan, denied(at, 'slotscope', 'SCAN', '+scan')],
      ['+select', scan, denied(at, 'slotscope', 'SELECT', '+select')],
      ['+type', scan, denied(at, 'slotscope', 'TYPE', '+type')],
      ['+memory|usage', scan, denied(at, 'slotscope', 'MEMORY USAGE', '+memory|usage')],
      ['+pttl', scan, denied(at, 'slotscope', 'PTTL', '+pttl')],
      ['%R~*', scan, `slotscope: ${at}: the ACL user 'slotscope' may not read the keys, which slotscope needs: grant it (ACL SETUSER slotscope %R~*)`],
    ];
    try {
      for (const [right, run, line] of cases) {
        await setUser([server], 'slotscope', without(CAPTURE_RIGHTS, right));
        expect(refusedLine(run()), `without ${right}`).toBe(line);
      }
    } finally {
      await setUser([server], 'slotscope', CAPTURE_RIGHTS);
    }
  });
});

describe('the capture and verify ACL lines on a 3-primary cluster', () => {
  let cluster: RedisCluster;
  let at: string;
  beforeAll(async () => {
    cluster = await startCluster(3, 0);
    at = `127.0.0.1:${cluster.primaries[0].port}`;
    await setUser(cluster.nodes, 'slotscope', CAPTURE_RIGHTS);
    await setUser(cluster.nodes, 'slotscope-verify', VERIFY_RIGHTS);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('capture monitor and capture scan reach every primary with the capture line; without +cluster|nodes, one line', async () => {
    const auth = ['--user', 'slotscope', '--password-file', passwordFile];
    const mon = fresh();
    expect(slotscope(['capture', 'monitor', at, ...auth, '--duration', '1s', '--out', mon]).status).toBe(0);
    expect(readdirSync(mon).filter((f) => f.endsWith('.monitor'))).toHaveLength(3);
    const scan = fresh();
    const r = slotscope(['capture', 'scan', at, ...auth, '--memory', '--ttl', '--out', scan]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(scan).filter((f) => f.endsWith('.csv'))).toHaveLength(3);
    await setUser(cluster.nodes, 'slotscope', without(CAPTURE_RIGHTS, '+cluster|nodes'));
    try {
      expect(refusedLine(slotscope(['capture', 'scan', at, ...auth, '--out', fresh()]))).toBe(denied(at, 'slotscope', 'CLUSTER NODES', '+cluster|nodes'));
    } finally {
      await setUser(cluster.nodes, 'slotscope', CAPTURE_RIGHTS);
    }
  });

  it('verify replays with the verify line and finds the cluster answers as predicted; without +info or ~*, one line', async () => {
    const dir = fresh();
    const planned = slotscope(['plan', '-f', 'json', 'samples/app.monitor']);
    expect(planned.status).toBe(0);
    const planFile = join(dir, 'plan.json');
    writeFileSync(planFile, planned.stdout);
    const verify = (): CliResult => slotscope(['verify', '-f', 'json', '--plan', planFile, '--cluster', at, '--user', 'slotscope-verify', '--password-file', passwordFile, 'samples/app.monitor']);
    try {
      await setUser(cluster.nodes, 'slotscope-verify', without(VERIFY_RIGHTS, '+info'));
      expect(refusedLine(verify())).toBe(denied(at, 'slotscope-verify', 'INFO', '+info'));
      await setUser(cluster.nodes, 'slotscope-verify', without(VERIFY_RIGHTS, '~*'));
      expect(refusedLine(verify())).toMatch(/^slotscope: 127\.0\.0\.1:\d+: the ACL user 'slotscope-verify' may not read the keys, /);
    } finally {
      await setUser(cluster.nodes, 'slotscope-verify', VERIFY_RIGHTS);
    }
    const r = verify();
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as VerifyResult;
    expect(result.differences).toEqual([]);
    expect(result.match).toBe(true);
  });
});
