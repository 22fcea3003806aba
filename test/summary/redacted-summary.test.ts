// A summary written with --redact-keys holds no key text. Real traffic from ioredis (entities, ids, uuids,
// hashes, unicode, binary bytes, pipes, commas, a BullMQ-like queue, MULTI/EXEC, a script building keys
// of its own, db 1, hot keys) is captured with redis-cli MONITOR, its keys dumped with their sizes, and one
// line damaged (no skip reason quotes input today: redact-summary.test.ts covers one that would). The keys to look for come from the capture itself, as
// the real server reads it: COMMAND GETKEYS over every captured line, and SCAN of what is left. The
// summary is decompressed and every string in it searched for each key and each word of a key.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printable } from '../../src/analyze/key-pattern.js';
import { repr } from '../../src/ingest/sdsrepr.js';
import { slotscope } from '../helpers/cli.js';
import { captureTraffic, type RedisServer, startRedis } from '../helpers/redis.js';

/** The CLI's stdout, which must succeed (the damaged line is reported on stderr). */
function stdout(args: string[]): string {
  const r = slotscope(args);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const UUID = '6f1c2b9e-4d3a-4f5e-9b8c-1a2d3e4f5a6b';
const HEX = '7c4a8d09ca3762af61e59520943dc26494f8941b';
const BINARY = Buffer.concat([Buffer.from('vault:'), Buffer.from([0x00, 0xff, 0xfe, 0x0a]), Buffer.from('quokka')]);

/** The application's traffic, from two real ioredis connections. */
async function traffic(server: RedisServer): Promise<void> {
  const c = server.client();
  const other = server.client();
  for (let i = 0; i < 3; i++) {
    await c.mset(`walrus:${40 + i}:tusks`, 'v', `walrus:${40 + i}:flippers`, 'v');
    await c.mget(`narwhal:${i}:horn`, `narwhal:${i}:pod`);
  }
  await c.mset(`pelican:${UUID}:pouch`, 'v', `axolotl:${HEX}`, 'v', 'ledger,capybara,2024', 'v', 'quill|pangolin|yonder', 'v', 'größe:čaj:日本語', 'v', BINARY, 'v', 'marmoset:acme-corp:banana', 'v');
  await c.multi().set('okapi:7:stripes', 'x').set('wombat:7:burrow', 'y').exec();
  await c.eval("redis.call('set', KEYS[1], 'a') redis.call('set', 'lantern:' .. ARGV[1] .. ':glowworm', 'b') return 1", 1, 'beacon:5:lighthouse', '5');
  for (const type of ['wait', 'active', 'meta', 'events']) await c.rpush(`bull:tortoise:${type}`, 'job');
  await c.eval("return redis.call('llen', KEYS[1]) + redis.call('llen', KEYS[2])", 2, 'bull:tortoise:wait', 'bull:tortoise:active');
  for (let i = 0; i < 60; i++) await c.incr('flamingo:counter'); // hot: a slot that stands out, a top key named
  for (let i = 0; i < 40; i++) await c.hset(`iguana:${i}:scales`, 'n', 'x'.repeat(10 * i));
  await other.select(1);
  await other.set('archive:9:parchment', 'z');
  await other.select(0);
  c.disconnect();
  other.disconnect();
}

/** A MONITOR line's arguments as bytes, undoing sdscatrepr's escapes (the capture's own format). */
function monitorArgs(line: string): Buffer[] {
  const out: Buffer[] = [];
  for (const m of line.slice(line.indexOf(']') + 1).matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    const bytes: number[] = [];
    const s = m[1];
    for (let i = 0; i < s.length; i++) {
      if (s[i] !== '\\') bytes.push(s.charCodeAt(i));
      else if (s[i + 1] === 'x') (bytes.push(parseInt(s.slice(i + 2, i + 4), 16)), (i += 3));
      else bytes.push({ n: 10, r: 13, t: 9, a: 7, b: 8 }[s[++i]] ?? s.charCodeAt(i));
    }
    out.push(Buffer.from(bytes));
  }
  return out;
}

/** Every string of a summary's JSON. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap((x) => strings(x));
  if (v && typeof v === 'object') return Object.values(v).flatMap((x) => strings(x));
  return [];
}

/** A summary's JSON, as it is in the file: its typed arrays (fingerprints and counts, no text) stand after it. */
function decompressed(file: string): unknown {
  const data = readFileSync(file);
  const body = gunzipSync(data.subarray(data.indexOf(10) + 1));
  return JSON.parse(body.toString('utf8', 0, body.indexOf(10)));
}

describe('a summary made with --redact-keys', () => {
  let server: RedisServer;
  const dir = mkdtempSync(join(tmpdir(), 'slotscope-redacted-summary-'));
  const inputs: string[] = [];
  const keys = new Map<string, Buffer>();

  beforeAll(async () => {
    server = await startRedis();
    const capture = await captureTraffic(server, () => traffic(server));
    const lines = readFileSync(capture, 'latin1').split('\n');
    // A bad escape inside a key: a skipped line, counted with its reason.
    const broken = lines.find((l) => l.includes('"narwhal:0:horn"'))!.replace('"narwhal:0:horn"', '"narwhal:0:ho\\qrn"');
    writeFileSync(capture, [...lines.slice(0, -1), broken, ''].join('\n'), 'latin1');
    const c = server.client();
    for (const line of lines) {
      const args = monitorArgs(line);
      if (args.length < 2) continue;
      try {
        for (const k of (await c.callBuffer('COMMAND', 'GETKEYS', ...args)) as Buffer[]) keys.set(k.toString('latin1'), k);
      } catch {
        // no keys (MULTI, SELECT, ECHO): Redis says so with an error
      }
    }
    for (const db of [0, 1]) {
      await c.select(db);
      for (const k of await c.keysBuffer('*')) keys.set(k.toString('latin1'), k);
    }
    c.disconnect();
    const scan = slotscope(['capture', 'scan', server.url, '--memory', '--ttl', '--out', join(dir, 'scan')]);
    expect(scan.status, scan.stderr).toBe(0);
    inputs.push(capture, join(dir, 'scan', readdirSync(join(dir, 'scan')).find((f) => f.endsWith('.csv'))!));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  /** Each key and each word of a key (letter runs of 3 or more; hex-only runs left out, since hashes are hex) found in the summary. */
  function leaks(file: string): string[] {
    const texts = strings(decompressed(file)).map((t) => t.toLowerCase());
    const found = new Set<string>();
    for (const k of keys.values()) {
      const latin1 = k.toString('latin1');
      for (const form of [latin1, k.toString('utf8'), printable(latin1), repr(k).slice(1, -1)]) if (texts.some((t) => t.includes(form.toLowerCase()))) found.add(`key ${JSON.stringify(form)}`);
      for (const [word] of k.toString('utf8').matchAll(/\p{L}{3,}/gu)) {
        if (/^[a-f]+$/i.test(word)) continue;
        for (const form of [word, Buffer.from(word, 'utf8').toString('latin1'), printable(Buffer.from(word, 'utf8').toString('latin1'))]) if (texts.some((t) => t.includes(form.toLowerCase()))) found.add(`word ${JSON.stringify(form)}`);
      }
    }
    return [...found];
  }

  it('holds no key and no word of a key: patterns, examples, top and biggest keys, hot-slot keys, the plan sample', () => {
    const redacted = join(dir, 'redacted.summary');
    const plain = join(dir, 'plain.summary');
    stdout(['analyze', '--jobs', '1', '--redact-keys', '-f', 'json', '-o', '/dev/null', '--summary-out', redacted, ...inputs]);
    stdout(['analyze', '--jobs', '1', '-f', 'json', '-o', '/dev/null', '--summary-out', plain, ...inputs]);
    expect(keys.size).toBeGreaterThan(60);
    expect(leaks(redacted)).toEqual([]);
    // The search finds what it looks for: the same summary unredacted names the keys and their words.
    expect(leaks(plain)).toEqual(expect.arrayContaining(['key "flamingo:counter"', 'word "walrus"', 'word "tortoise"', 'word "iguana"', 'word "glowworm"', 'word "pangolin"', 'word "quokka"']));
    // ... in every aggregate that holds key text, so each one was redacted, not left out.
    const s = decompressed(redacted) as { redaction: unknown; analysis: { topKeys: { counters: { key: string | null }[] }; biggestKeys: { keys: unknown[] }; slotKeys: { names: (string | null)[] } }; plan: { candidates: { shapes: unknown[] } }; inputs: { firstSkipped: unknown[] }[] };
    expect(s.redaction).toEqual({ secret: 'default', check: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(s.analysis.topKeys.counters.filter((c) => c.key !== null).length).toBeGreaterThan(0);
    expect(s.analysis.slotKeys.names.filter((n) => n !== null).length).toBeGreaterThan(0);
    expect(s.analysis.biggestKeys.keys.length).toBe(20);
    expect(s.plan.candidates.shapes.length).toBeGreaterThan(3);
    expect(s.inputs[0].firstSkipped).toHaveLength(1);
    // The report merged from it is the one run's, and names the queue's keys a client setting, as unredacted.
    const one = stdout(['analyze', '--jobs', '1', '--redact-keys', '-f', 'json', ...inputs]);
    expect(stdout(['merge', '-f', 'json', redacted])).toBe(one);
    const fixes = (r: string): unknown => (JSON.parse(r) as { findings: { id: string; fix: string }[] }).findings.map((f) => [f.id, f.fix]);
    expect(fixes(one)).toEqual(fixes(stdout(['analyze', '--jobs', '1', '-f', 'json', ...inputs])));
  }, 60_000);
});
