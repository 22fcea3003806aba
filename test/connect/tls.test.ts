// redis-cli's TLS habits on the live commands, against real redis-server processes listening on TLS only
// and asking every client for a certificate (mutual TLS), with certificates this test makes with openssl.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestNode } from '../../src/ingest/capture-manifest.js';
import type { VerifyResult } from '../../src/replay/verify-plan.js';
import type { Report } from '../../src/report/report.js';
import { slotOfString } from '../../src/slot/key-slot.js';
import { slotscope, slotscopeAsync } from '../helpers/cli.js';
import { type RedisCluster, type RedisServer, startCluster, startRedis, waitFor, waitForMonitor } from '../helpers/redis.js';
import { makeTlsFiles, type TlsFiles } from '../helpers/tls-certs.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'slotscope-tls-run-'));
const startsWithOk = (file: string): boolean => existsSync(file) && readFileSync(file, 'latin1').startsWith('OK\n');

let certs: TlsFiles;
/** --cacert, --cert and --key as redis-cli takes them. */
const mutual = (): string[] => ['--cacert', certs.ca, '--cert', certs.clientCert, '--key', certs.clientKey];

beforeAll(async () => {
  certs = await makeTlsFiles();
});

describe('mutual TLS to a standalone redis-server --tls-port --port 0 --tls-auth-clients yes', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis([], { tls: certs });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('capture monitor with -h/-p --tls --cacert --cert --key records what a TLS client sends', async () => {
    const out = fresh();
    const cap = slotscopeAsync(['capture', 'monitor', '-h', '127.0.0.1', '-p', String(server.port), '--tls', ...mutual(), '--duration', '3s', '--out', out]);
    const file = join(out, `127.0.0.1-${server.port}.monitor`);
    await waitFor('MONITOR over TLS to answer OK', async () => (startsWithOk(file) ? true : undefined));
    const c = server.client();
    await c.set('tls:greeting', 'over the wire encrypted');
    await c.hset('tls:h', 'f', 'v');
    c.disconnect();
    const r = await cap.done;
    expect(r.stderr).not.toMatch(/error|cannot/i);
    expect(r.status).toBe(0);
    const text = readFileSync(file, 'latin1');
    expect(text).toMatch(/\] "set" "tls:greeting" "over the wire encrypted"\n/);
    expect(text).toMatch(/\] "hset" "tls:h" "f" "v"\n/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.captures[0].nodes.map((n: { role: string }) => n.role)).toEqual(['primary']);
  });

  it('capture scan --memory --ttl over a rediss:// URL sizes every key', async () => {
    const c = server.client();
    await c.flushall();
    await c.set('scan:a', 'x'.repeat(500));
    await c.set('scan:b', 'y', 'PX', 600_000);
    await c.rpush('scan:list', 'a', 'b', 'c');
    c.disconnect();
    const out = fresh();
    const r = slotscope(['capture', 'scan', `rediss://127.0.0.1:${server.port}`, ...mutual(), '--memory', '--ttl', '--out', out]);
    expect(r.status).toBe(0);
    const csv = readFileSync(join(out, `127.0.0.1-${server.port}.csv`), 'utf8').trim().split('\n');
    const rows = new Map(csv.slice(1).map((l) => l.split(',')).map((f) => [JSON.parse(f[2]) as string, f]));
    expect([...rows.keys()].sort()).toEqual(['scan:a', 'scan:b', 'scan:list']);
    // rdbtools' columns: database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry
    expect(Number(rows.get('scan:a')![3])).toBeGreaterThan(500);
    expect(rows.get('scan:list')![1]).toBe('list');
    expect(rows.get('scan:b')![7]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(rows.get('scan:a')![7]).toBe('');
  });

  it('analyze --live over TLS reports the live traffic', async () => {
    const live = slotscopeAsync(['analyze', '--live', `rediss://127.0.0.1:${server.port}`, ...mutual(), '--duration', '3s', '-f', 'json']);
    await waitForMonitor(server);
    const c = server.client();
    await c.mset('live:1', 'a', 'live:2', 'b');
    c.disconnect();
    const r = await live.done;
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.commands.mset).toMatchObject({ calls: 1, crossSlot: 1 });
    expect(report.inputs.map((i) => i.path)).toContain(`live:127.0.0.1:${server.port}`);
  });

  it('refuses in one line, exit 2, naming the fix: no client certificate, an untrusted one, a wrong CA, plain TCP, TLS to a plain port', async () => {
    const at = `127.0.0.1:${server.port}`;
    const scan = (...args: string[]) => slotscope(['capture', 'scan', ...args, '--out', fresh()]);
    const refused = (r: ReturnType<typeof slotscope>): string => {
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      return r.stderr;
    };
    // TLS 1.3 sends the server's alert after the handshake: it may lose the race with the connection's reset.
    const closed = `slotscope: ${at}: the server closed the TLS connection (a plain port, or a client certificate it does not trust?)\n`;
    expect([`slotscope: ${at}: the server asks for a client certificate (tls-auth-clients): give --cert and --key\n`, closed]).toContain(refused(scan('-h', '127.0.0.1', '-p', String(server.port), '--tls', '--cacert', certs.ca)));
    expect([`slotscope: ${at}: the server does not trust the client certificate: give one (--cert, --key) signed by a CA it trusts (tls-ca-cert-file)\n`, closed]).toContain(refused(scan(`rediss://${at}`, '--cacert', certs.ca, '--cert', certs.strangerCert, '--key', certs.strangerKey)));
    expect(refused(scan(`rediss://${at}`, '--cacert', certs.otherCa, '--cert', certs.clientCert, '--key', certs.clientKey))).toMatch(new RegExp(`^slotscope: ${at}: the server's certificate is not trusted \\([^)\\n]+\\): give its CA with --cacert, or --insecure\n$`));
    expect(refused(scan(at))).toBe(`slotscope: ${at}: the server closed the connection (a TLS port? add --tls or use rediss://)\n`);
    const plain = await startRedis();
    try {
      expect(refused(scan(`127.0.0.1:${plain.port}`, '--tls', ...mutual()))).toBe(`slotscope: 127.0.0.1:${plain.port}: no TLS answer (a plain port? drop --tls or use redis://)\n`);
    } finally {
      await plain.stop();
    }
  });

  it('--insecure accepts a server certificate no given CA signed, as redis-cli --insecure does', () => {
    const r = slotscope(['capture', 'scan', '-h', '127.0.0.1', '-p', String(server.port), '--tls', '--insecure', '--cacert', certs.otherCa, '--cert', certs.clientCert, '--key', certs.clientKey, '--out', fresh()]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('--sni names the certificate to check against: a name the certificate lacks is refused', () => {
    const ok = slotscope(['capture', 'scan', '-h', '127.0.0.1', '-p', String(server.port), '--tls', '--sni', 'localhost', ...mutual(), '--out', fresh()]);
    expect(ok.status).toBe(0);
    const wrong = slotscope(['capture', 'scan', '-h', '127.0.0.1', '-p', String(server.port), '--tls', '--sni', 'redis.example.org', ...mutual(), '--out', fresh()]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toBe(`slotscope: 127.0.0.1:${server.port}: the server's certificate is not for redis.example.org (it names IP Address:127.0.0.1, DNS:localhost): connect by one of those names, give one with --sni, or --insecure\n`);
  });
});

describe('a TLS-only 3-primary cluster (--tls-cluster yes, --tls-auth-clients yes)', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startCluster(3, 0, { tls: certs });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('capture monitor discovers every node over TLS and records each command on the primary that owns its slot', async () => {
    const out = fresh();
    const seed = cluster.primaries[0].port;
    const cap = slotscopeAsync(['capture', 'monitor', `127.0.0.1:${seed}`, '--tls', ...mutual(), '--duration', '4s', '--out', out]);
    await waitFor('MONITOR on all three primaries', async () => (readdirSync(out).filter((f) => f.endsWith('.monitor') && startsWithOk(join(out, f))).length === 3 ? true : undefined));
    const tls = { ca: readFileSync(certs.ca), cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) };
    const client = new Cluster([{ host: '127.0.0.1', port: seed }], { redisOptions: { tls } });
    const keys = Array.from({ length: 30 }, (_, i) => `tlskey:${i}`);
    for (const k of keys) await client.set(k, 'v');
    await client.quit();
    const r = await cap.done;
    expect(r.status).toBe(0);
    // Which primary serves which slot, from the manifest the capture wrote.
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { captures: { nodes: ManifestNode[] }[] };
    const nodes = manifest.captures[0].nodes;
    expect(nodes).toHaveLength(3);
    const owner = (slot: number) => nodes.find((n) => n.slots.some(([from, to]) => slot >= from && slot <= to))!;
    for (const k of keys) expect(readFileSync(join(out, owner(slotOfString(k)).file!), 'latin1')).toContain(`"set" "${k}" "v"\n`);
  });

  it('verify replays a plan into the cluster over TLS and finds it answers as predicted', async () => {
    // verify wants an empty cluster; the capture above wrote keys.
    for (const p of cluster.primaries) {
      const c = p.client();
      await c.flushall();
      c.disconnect();
    }
    const dir = fresh();
    const planned = slotscope(['plan', '-f', 'json', 'samples/app.monitor']);
    expect(planned.status).toBe(0);
    const planFile = join(dir, 'plan.json');
    writeFileSync(planFile, planned.stdout);
    const port = String(cluster.primaries[1].port);
    const r = slotscope(['verify', '-f', 'json', '--plan', planFile, '-h', '127.0.0.1', '-p', port, '--tls', ...mutual(), 'samples/app.monitor']);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as VerifyResult;
    expect(result.primaries).toBe(3);
    expect(result.replayed).toBeGreaterThan(1000);
    expect(result.differences).toEqual([]);
    expect(result.match).toBe(true);

    // Without -f: the table for a person, on stdout, saying the same; piped, so no colour.
    for (const p of cluster.primaries) {
      const c = p.client();
      await c.flushall();
      c.disconnect();
    }
    const table = slotscope(['verify', '--plan', planFile, '--cluster', `rediss://127.0.0.1:${port}`, ...mutual(), 'samples/app.monitor']);
    expect(table.status, table.stderr).toBe(0);
    const lines = table.stdout.split('\n');
    // The headline, joined again where it was wrapped to the width.
    const headline = table.stdout.split('\n\n')[0].replace(/\s+/g, ' ');
    expect(headline).toMatch(/^PASS verify: [\d,]+ commands replayed into 3 primaries; the cluster answered exactly as predicted$/);
    expect(Number(/[\d,]+/.exec(headline)![0].replace(/,/g, ''))).toBe(result.replayed);
    for (const row of result.rows) expect(lines.some((l) => l.trimStart().startsWith('ok ') && l.includes(row.what.slice(0, 20))), table.stdout).toBe(true);
    expect(table.stdout).not.toMatch(/\x1b\[/);
  });
});
