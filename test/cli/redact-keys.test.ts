// `--redact-keys`: no key byte reaches any output. Real traffic from ioredis (words, ids, uuids, hashes,
// unicode, binary bytes, commas, pipes, `<script>`, a hash tag) is captured with redis-cli MONITOR and
// dumped with `slotscope capture scan`; every output of analyze, check and plan (stdout, stderr, -o files)
// is then searched for every key, in every form a report could print it, and for every word of the keys.
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printable } from '../../src/analyze/key-pattern.js';
import { repr } from '../../src/ingest/sdsrepr.js';
import type { Plan } from '../../src/plan/make-plan.js';
import type { Report } from '../../src/report/report.js';
import { CLI, type CliResult, slotscopeAsync, unwrapped } from '../helpers/cli.js';
import { captureTraffic, type RedisServer, startRedis, waitForMonitor } from '../helpers/redis.js';

const UUID = '3b241101-e2bb-4255-8caf-4136c566a962';
const HEX = '9f86d081884c7d659a2feaa0c55ad015';
const BINARY = Buffer.concat([Buffer.from('vault:'), Buffer.from([0x00, 0xff, 0xfe, 0x0a]), Buffer.from('quokka')]);
const UNICODE = 'größe:čaj:日本語';
const SCRIPT = '<script>alert(1)</script>';
const ENTITY_KEYS = ['customer:42:orders', 'customer:42:invoices', 'customer:77:orders', 'customer:77:invoices'];
const UNRELATED = ['customer:acme-corp:orders', 'warehouse:{zebrafish}:stock', `tenant:${UUID}:quota`, `session:${HEX}`, 'ledger,walrus,2024', 'quill|narwhal|yonder', SCRIPT, UNICODE];
const MARMOSETS = ['marmoset:1:price', 'marmoset:2:price', 'marmoset:3:price'];
const TX_KEYS = ['basket:7:items', 'voucher:7:coupon'];
const SCRIPT_KEYS = ['beacon:5:light', 'lantern:5:glow'];
const DB1_KEY = 'archive:9:parchment';
const READ_KEY = 'catalog:5:pelican';
const KEYS: Buffer[] = [...ENTITY_KEYS, ...UNRELATED, ...MARMOSETS, ...TX_KEYS, ...SCRIPT_KEYS, DB1_KEY, READ_KEY].map((k) => Buffer.from(k)).concat(BINARY);

/** slotscope's own vocabulary: words of the keys that every report prints whatever the keys are. */
const OWN_WORDS = new Set(['script']);
/** Words of the keys: letter runs of 3 or more; runs of hex letters only are left out, since hashes are hex. */
const WORDS = [...new Set(KEYS.flatMap((k) => [...k.toString('utf8').matchAll(/\p{L}{3,}/gu)].map((m) => m[0].toLowerCase())))].filter((w) => !/^[a-f]+$/.test(w) && !OWN_WORDS.has(w));

const DEFAULT_SECRET = 'slotscope-redact-keys/1';
const h = (word: string, secret = DEFAULT_SECRET): string => `<h:${createHmac('sha256', secret).update(word).digest('hex').slice(0, 8)}>`;

function run(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'latin1', maxBuffer: 256 << 20, env: { ...process.env, SLOTSCOPE_REDACT_SECRET: '', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A JSON output (the CLI writes UTF-8; run() reads bytes as latin1). */
const json = <T>(r: CliResult): T => JSON.parse(Buffer.from(r.stdout, 'latin1').toString('utf8')) as T;

/** Output text with the escapes of JSON, Markdown and HTML undone, so a key shows in its plain form. */
function unescaped(text: string): string {
  return text
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\\\\/g, '\\')
    .replace(/\\([`*_[\]|"])/g, '$1');
}

/** Every way an output could spell a key: its bytes, UTF-8 read as latin1, sdscatrepr, \xhh-printable. */
function keyForms(key: Buffer): string[] {
  const latin1 = key.toString('latin1');
  return [latin1, Buffer.from(latin1, 'utf8').toString('latin1'), key.toString('utf8'), repr(key).slice(1, -1), printable(latin1)];
}

function wordForms(word: string): string[] {
  const bytes = Buffer.from(word, 'utf8').toString('latin1');
  return [word, bytes, printable(bytes)];
}

/** Every key and word of the traffic that an output shows: none, when redacted. */
function leaks(text: string): string[] {
  const plain = [text, unescaped(text)].map((t) => t.toLowerCase());
  const found: string[] = [];
  for (const k of KEYS) for (const f of keyForms(k)) if (plain.some((t) => t.includes(f.toLowerCase()))) found.push(`key ${JSON.stringify(f)}`);
  for (const w of WORDS) for (const f of wordForms(w)) if (plain.some((t) => t.includes(f.toLowerCase()))) found.push(`word ${JSON.stringify(f)}`);
  return [...new Set(found)];
}

/** The application's traffic, from two real ioredis connections. */
async function traffic(server: RedisServer): Promise<void> {
  const c = server.client();
  const other = server.client();
  for (let i = 0; i < 3; i++) {
    await c.mset(ENTITY_KEYS[0], 'v', ENTITY_KEYS[1], 'v'); // one entity's keys: a rename fixes it
    await c.mget(ENTITY_KEYS[2], ENTITY_KEYS[3]);
  }
  await c.mset(...UNRELATED.flatMap((k) => [k, 'v']), BINARY, 'v'); // no shared entity: not fixable by renames
  await c.mget(...UNRELATED, BINARY);
  await c.mget(...MARMOSETS); // one namespace only: a coarse tag would be a hotspot
  await c.multi().set(TX_KEYS[0], 'x').set(TX_KEYS[1], 'y').exec();
  await c.eval("redis.call('set', KEYS[1], 'a') redis.call('set', 'lantern:' .. ARGV[1] .. ':glow', 'b') return 1", 1, SCRIPT_KEYS[0], '5');
  await other.select(1);
  await other.set(DB1_KEY, 'z');
  await other.select(0);
  await other.set(READ_KEY, 't');
  for (let i = 0; i < 20; i++) await c.get(READ_KEY); // read-heavy, by another client: a replica-read candidate
  c.disconnect();
  other.disconnect();
}

describe('--redact-keys', () => {
  let server: RedisServer;
  let dir: string;
  let capture: string;
  let damaged: string;
  let csv: string;

  beforeAll(async () => {
    server = await startRedis();
    capture = await captureTraffic(server, () => traffic(server));
    dir = mkdtempSync(join(tmpdir(), 'slotscope-redact-'));
    // A damaged copy: one real line with a bad escape inside a key, so a skip reason quotes key bytes.
    const lines = readFileSync(capture, 'latin1').split('\n');
    const mget = lines.find((l) => l.includes('"mget" "customer:acme-corp:orders"'))!;
    damaged = join(dir, 'damaged.monitor');
    // Two more whose bad escape `\x"` runs into the key, so their reasons quote different key bytes.
    const get = lines.find((l) => l.includes(`"get" "${READ_KEY}"`))!;
    const broken = [mget.replace('"customer:acme-corp:orders"', '"customer:acme\\q-corp:orders"'), ...['i', 'o'].map((c) => get.replace(`"${READ_KEY}"`, `"catalog:5:pel\\x\"${c}can"`))];
    writeFileSync(damaged, [...lines.slice(0, -1), ...broken, ''].join('\n'), 'latin1');
    const scan = run(['capture', 'scan', server.url, '--memory', '--ttl', '--out', join(dir, 'scan')]);
    expect(scan.status, scan.stderr).toBe(0);
    csv = join(dir, 'scan', readdirSync(join(dir, 'scan')).find((f) => f.endsWith('.csv'))!);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  /** Runs a command with --redact-keys and returns everything it wrote: stdout, stderr and its -o file. */
  function redacted(args: string[], output?: string): { text: string; result: CliResult } {
    const result = run([...args, '--redact-keys', ...(output ? ['-o', output] : [])]);
    return { text: result.stdout + result.stderr + (output && existsSync(output) ? readFileSync(output, 'latin1') : ''), result };
  }

  it('lets no key byte and no word of a key reach any output of analyze, check or plan', () => {
    const analyzeInputs = [capture, damaged, csv];
    const outputs: [string, { text: string; result: CliResult }][] = [
      ...['table', 'json', 'markdown', 'html'].map((f): [string, { text: string; result: CliResult }] => [`analyze -f ${f}`, redacted(['analyze', '-f', f, ...analyzeInputs])]),
      ['analyze -f json -o', redacted(['analyze', '-f', 'json', ...analyzeInputs], join(dir, 'report.json'))],
      ['analyze -f html -o', redacted(['analyze', '-f', 'html', ...analyzeInputs], join(dir, 'report.html'))],
      ['check', redacted(['check', ...analyzeInputs])],
      ['check -f json', redacted(['check', '-f', 'json', ...analyzeInputs])],
      ['plan', redacted(['plan', capture, csv])],
      ['plan -f json -o', redacted(['plan', '-f', 'json', capture, csv], join(dir, 'plan.json'))],
      ['plan -f markdown -o', redacted(['plan', '-f', 'markdown', capture, csv], join(dir, 'plan.md'))],
      ['plan -f html -o', redacted(['plan', '-f', 'html', capture, csv], join(dir, 'plan.html'))],
    ];
    for (const [name, { text, result }] of outputs) {
      expect({ name, status: result.status, stderr: result.stderr.slice(0, 300) }).toEqual({ name, status: name.startsWith('check') ? 1 : 0, stderr: expect.any(String) });
      expect({ name, leaks: leaks(text) }).toEqual({ name, leaks: [] });
    }
    // Each report and plan a person reads says so, and what the default secret's hashes are worth.
    for (const [name, { text }] of outputs.filter(([n]) => /-f (table|markdown|html)|^plan($| -f (markdown|html))/.test(n))) expect({ name, note: /Key text is redacted \(--redact-keys\).*the public default secret/.test(unwrapped(text)) }).toEqual({ name, note: true });
    // A skip reason on stderr keeps its place and quotes no key bytes.
    expect(Buffer.from(outputs[0][1].result.stderr, 'latin1').toString('utf8')).toMatch(/^slotscope: .*damaged\.monitor:\d+: bad escape at byte \d+ of argument 2$/m);
    // The searches find what they look for: unredacted, the same outputs show keys and their words.
    const plain = run(['analyze', '-f', 'markdown', ...analyzeInputs]);
    const plainPlan = run(['plan', '-f', 'json', capture, csv]);
    expect(leaks(plain.stdout + plain.stderr).length).toBeGreaterThan(10);
    expect(leaks(plainPlan.stdout)).toEqual(expect.arrayContaining(['word "zebrafish"', 'word "marmoset"', 'word "customer"', 'word "pelican"']));
  });

  it('keeps the shape of each pattern: literal words become keyed hashes, classes and hash-tag braces stay', () => {
    const r = json<Report>(run(['analyze', '-f', 'json', '--redact-keys', capture]));
    const patterns = r.findings.find((f) => f.id === 'cross-slot-command')!.patterns;
    // Two keys sharing a word share its hash, so the same entity still groups.
    expect(patterns[`${h('customer')}:<id>:${h('orders')}`]).toBe(6);
    expect(patterns[`${h('customer')}:<id>:${h('invoices')}`]).toBe(6);
    expect(patterns[`${h('customer')}:${h('acme-corp')}:${h('orders')}`]).toBe(2);
    expect(patterns[`${h('warehouse')}:{${h('zebrafish')}}:${h('stock')}`]).toBe(2);
    expect(patterns[`${h('tenant')}:<uuid>:${h('quota')}`]).toBe(2);
    expect(patterns[`${h('session')}:<hex>`]).toBe(2);
    expect(patterns[`${h('vault')}:${h('\\x00\\xff\\xfe\\x0aquokka')}`]).toBe(2);
    expect(r.findings.find((f) => f.id === 'cross-slot-command')!.example!.command).toMatch(/^m(set|get) <key>( \? <key>)* ?/);
    expect(r.redacted).toEqual({ secret: 'default' });
    expect(r.dbs['1'].patterns).toEqual({ [`${h('archive')}:<id>:${h('parchment')}`]: 1 });
    expect(r.scripts[0].undeclaredExample?.pattern).toBe(`${h('lantern')}:<id>:${h('glow')}`);
    expect(r.planSummary!.renames.map((x) => x.tag)).toEqual([`{${h('customer')}:<id>}`]);
  });

  it('counts and slots are the same with and without --redact-keys; only the key text differs', () => {
    const inputs = [capture, damaged, csv];
    const plain = json<Report>(run(['analyze', '-f', 'json', ...inputs]));
    const red = json<Report>(run(['analyze', '-f', 'json', '--redact-keys', ...inputs]));
    expect(red.totals).toEqual(plain.totals);
    expect(red.slots).toEqual(plain.slots);
    expect(red.nodes).toEqual(plain.nodes);
    expect(red.verdict).toEqual(plain.verdict);
    // Hot slots are named by the same keys, shown as their redacted patterns.
    const hot = (x: Report) => x.skew.hotSlots.map((s) => ({ ...s, keys: s.keys.map((k) => k.ops) }));
    expect(hot(red)).toEqual(hot(plain));
    for (const k of red.skew.hotSlots.flatMap((s) => s.keys)) expect(k.key.replace(/<h:[0-9a-f]{8}>|<[a-z]+>/g, '')).toMatch(/^[^a-z]*$/);
    const counts = (x: Report) => ({
      commands: Object.fromEntries(Object.entries(x.commands).map(([n, c]) => [n, [c.calls, c.keyed, c.crossSlot]])),
      findings: x.findings.map((f) => [f.id, f.count, Object.values(f.patterns).sort()]),
      dbs: Object.values(x.dbs).map((d) => [d.commands, Object.values(d.patterns)]),
      skipped: x.inputs.map((i) => i.skipped.count),
    });
    expect(counts(red)).toEqual(counts(plain));
    expect(red.totals.skippedLines).toBe(3);
    expect(red.inputs[1].skipped.first.map((x) => x.reason)).toEqual(plain.inputs[1].skipped.first.map((x) => x.reason));
    for (const x of red.inputs[1].skipped.first) expect(x.reason).toMatch(/^bad escape at byte \d+ of argument 2$/);
    // Reasons that differ only in where the bad escape stands are one reason, counted together.
    expect(plain.inputs[1].skipped.byReason).toEqual({ 'bad escape at byte N of argument N': 3 });
    expect(red.inputs[1].skipped.byReason).toEqual({ 'bad escape at byte N of argument N': 3 });
    const planPlain = json<Plan>(run(['plan', '-f', 'json', capture, csv]));
    const planRed = json<Plan>(run(['plan', '-f', 'json', '--redact-keys', capture, csv]));
    expect(planRed.predicted).toEqual(planPlain.predicted);
    expect(planRed.layout).toEqual(planPlain.layout);
    expect(planRed.patterns.map((p) => [p.reads, p.writes, p.distinctKeys])).toEqual(planPlain.patterns.map((p) => [p.reads, p.writes, p.distinctKeys]));
    expect(planRed.renames.map((r) => r.rules.map((x) => x.from))).toEqual([[`${h('customer')}:<id>:${h('invoices')}`, `${h('customer')}:<id>:${h('orders')}`]]);
    expect(planRed.renames[0].rules[0].to).toBe(`{${h('customer')}:<id>}:${h('invoices')}`);
    expect([`{${h('customer')}:${h('42')}}`, `{${h('customer')}:${h('77')}}`]).toContain(planRed.renames[0].hotspot.entity);
  });

  it('is stable for one secret, from SLOTSCOPE_REDACT_SECRET or --redact-secret-file, and changes with it', () => {
    const args = ['analyze', '-f', 'json', '--redact-keys', capture];
    const patternsOf = (r: CliResult) => Object.keys(json<Report>(r).findings.find((f) => f.id === 'cross-slot-command')!.patterns);
    const first = patternsOf(run(args));
    expect(patternsOf(run(args))).toEqual(first);
    const env = run(args, { SLOTSCOPE_REDACT_SECRET: 'our team secret' });
    expect(patternsOf(env)).toContain(`${h('customer', 'our team secret')}:<id>:${h('orders', 'our team secret')}`);
    expect(patternsOf(env)).not.toEqual(first);
    expect(json<Report>(env).redacted).toEqual({ secret: 'given' });
    const file = join(dir, 'secret');
    writeFileSync(file, 'our team secret\n');
    expect(patternsOf(run([...args, '--redact-secret-file', file]))).toEqual(patternsOf(env));
  });

  it('refuses, in one line and before writing anything, what would print keys or hash with no secret', () => {
    const map = join(dir, 'renames.csv');
    const both = run(['plan', '--redact-keys', '--rename-map', map, capture]);
    expect(both.status).toBe(2);
    expect(both.stderr).toBe('slotscope: --rename-map writes real key names, so it cannot be used with --redact-keys\n');
    expect(existsSync(map)).toBe(false);
    const missing = run(['analyze', '--redact-keys', '--redact-secret-file', join(dir, 'nope'), capture]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`slotscope: ${join(dir, 'nope')}: cannot read the redaction secret\n`);
    const empty = join(dir, 'empty-secret');
    writeFileSync(empty, '\n');
    expect(run(['analyze', '--redact-keys', '--redact-secret-file', empty, capture]).stderr).toBe(`slotscope: ${empty}: the redaction secret is empty\n`);
    const alone = run(['analyze', '--redact-secret-file', empty, capture]);
    expect(alone.status).toBe(2);
    expect(alone.stderr).toBe('slotscope: --redact-secret-file needs --redact-keys\n');
    expect(alone.stdout).toBe('');
  });

  it('makes a plan for reading only: verify refuses a redacted one before touching any cluster', () => {
    const plan = join(dir, 'redacted-plan.json');
    expect(run(['plan', '-f', 'json', '--redact-keys', '-o', plan, capture]).status).toBe(0);
    const r = run(['verify', '--plan', plan, '--cluster', 'redis://127.0.0.1:1', capture]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`slotscope: ${plan}: the plan was made with --redact-keys, so its renames match no real key; make it without --redact-keys to verify it\n`);
  });

  it('redacts analyze --live the same way', async () => {
    const live = slotscopeAsync(['analyze', '--live', server.url, '--duration', '3s', '--redact-keys'], { ...process.env, SLOTSCOPE_REDACT_SECRET: '' });
    await waitForMonitor(server);
    await traffic(server);
    const r = await live.done;
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${h('customer')}:<id>:${h('orders')}`);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
  });

  it('leaves keyslot alone: it prints the keys it is given', () => {
    expect(run(['keyslot', 'customer:42:orders']).stdout).toBe('8503\tcustomer:42:orders\n');
  });
});
