// Mutation fuzzer: damaged copies of the samples through the library (most cases) and the real CLI
// (analyze -f json, check, plan -f json). Whatever the damage: no error but InputError (exit 2), never a
// stack trace or "internal error", each run under 30 s, and every line of every input accounted for.
// FUZZ_CASES / FUZZ_CLI_CASES / FUZZ_SEED set the budget (`npm run fuzz` runs a long one).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../src/analyze/analyze-inputs.js';
import { InputError } from '../../src/ingest/input-error.js';
import { DEFAULT_PLAN_OPTIONS, makePlan } from '../../src/plan/make-plan.js';
import { checkGates } from '../../src/report/gates.js';
import { renderMarkdown } from '../../src/report/markdown-report.js';
import { buildReport, type InputReport } from '../../src/report/report.js';
import { renderTable } from '../../src/report/table-report.js';
import { CLI } from '../helpers/cli.js';
import { type Case, makeCase } from './mutate.js';

const CASES = Number(process.env.FUZZ_CASES ?? 400);
const CLI_CASES = Number(process.env.FUZZ_CLI_CASES ?? 30);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const CASE_LIMIT_MS = 30_000;
/** vitest's own limit for each test, scaled to the budget (a long `npm run fuzz` takes minutes). */
const TEST_LIMIT_MS = 60_000 + (CASES + CLI_CASES * 20) * 200;

const dir = mkdtempSync(join(tmpdir(), 'slotscope-fuzz-'));
const plainSamples = ['samples/app.monitor', 'samples/benchmark.monitor', 'samples/app.scan', 'samples/app-quoted.scan', 'samples/app-memory.csv', 'test/fixtures/rdb/hdt3213/memory.csv'];
const samples = [
  ...plainSamples.map((name) => ({ name, bytes: readFileSync(name) })),
  ...['samples/app.monitor', 'samples/app.scan', 'samples/app-memory.csv'].map((name) => ({ name: `${name}.gz`, bytes: gzipSync(readFileSync(name)) })),
];

/** What a reader sees: the gunzipped bytes, or null when the gzip stream is damaged (only exit 2 is then known). */
function readable(bytes: Buffer): Buffer | null {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch {
    return null;
  }
}

const lineCount = (b: Buffer): number => {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n + (b.length > 0 && b[b.length - 1] !== 10 ? 1 : 0);
};

/** The accounting every input must pass; returns what is wrong, or null. */
function accounting(inputs: InputReport[], plain: Buffer | null): string | null {
  for (const i of inputs) {
    if (i.records + i.skipped.count + i.preamble !== i.lines) return `records ${i.records} + skipped ${i.skipped.count} + preamble ${i.preamble} != lines ${i.lines}`;
    if (plain && i.lines !== lineCount(plain)) return `lines ${i.lines}, the file has ${lineCount(plain)}`;
  }
  return null;
}

function describeCase(c: Case, path: string): string {
  return `case ${c.id} (seed ${SEED}) ${c.sample}: ${c.ops.join('; ')} -> ${path}`;
}

function write(c: Case): string {
  const path = join(dir, `case-${c.id}${c.sample.endsWith('.gz') || c.ops.some((o) => o.startsWith('gzip')) ? '.gz' : ''}`);
  writeFileSync(path, c.bytes);
  return path;
}

/** Letter runs of 4 or more, lower-cased: the words a leak of key text would show. */
const wordsOf = (text: string): string[] => [...text.toLowerCase().matchAll(/\p{L}{4,}/gu)].map((m) => m[0]).filter((w) => !/^[a-f]+$/.test(w));

/**
 * The words of the samples' keys (hex-letter runs aside: hashes are hex) that no redacted plan of the
 * undamaged samples prints (those are slotscope's own vocabulary, "script", "queue"): none may show in a
 * redacted plan of a damaged copy.
 */
async function keyWords(): Promise<Set<string>> {
  const words = new Set<string>();
  for (const path of plainSamples) {
    await analyzeInputs([{ path, node: 'n' }], {
      observer: { keyed: (c) => c.keys.forEach((k) => wordsOf(k).forEach((w) => words.add(w))), key: (k) => wordsOf(k).forEach((w) => words.add(w)) },
    });
  }
  const own = await Promise.all(plainSamples.map((path) => run(['plan', '-f', 'json', '--redact-keys', path])));
  for (const r of own) for (const w of wordsOf(r.stdout + r.stderr)) words.delete(w);
  return words;
}

describe('mutation fuzzer', () => {
  // The damaged files stay behind only when a case failed, for its report to point at.
  let failed = false;
  afterAll(() => {
    if (!failed) rmSync(dir, { recursive: true, force: true });
  });

  it(`library: ${CASES} damaged inputs read, analysed, reported, gated (and planned, one in five)`, async () => {
    const failures: string[] = [];
    const outcomes = { read: 0, inputError: 0, planned: 0 };
    for (let id = 0; id < CASES; id++) {
      const c = makeCase(id, SEED, samples);
      const path = write(c);
      const spec = [{ path, node: 'n' }];
      const started = Date.now();
      try {
        const report = buildReport(await analyzeInputs(spec, { maxLineBytes: c.maxLineBytes }));
        renderTable(report);
        renderMarkdown(report);
        checkGates(report, { maxCrossSlotCommands: 0, maxCrossSlotTransactions: 0, maxCrossSlotScripts: 0, maxSkippedShare: 0.01, minCommands: 1, failOn: 'blocked' });
        const wrong = accounting(report.inputs, readable(c.bytes));
        if (wrong) failures.push(`${describeCase(c, path)}: ${wrong}`);
        if (id % 5 === 0) {
          const plan = await makePlan(spec, { ...DEFAULT_PLAN_OPTIONS, maxLineBytes: c.maxLineBytes });
          JSON.stringify(plan);
          outcomes.planned++;
        }
        outcomes.read++;
      } catch (err) {
        if (err instanceof InputError) outcomes.inputError++;
        else failures.push(`${describeCase(c, path)}: ${err instanceof Error ? err.stack : String(err)}`);
      }
      if (Date.now() - started > CASE_LIMIT_MS) failures.push(`${describeCase(c, path)}: took ${Date.now() - started} ms`);
    }
    console.log(`fuzz (library, seed ${SEED}): ${CASES} cases: ${outcomes.read} read (${outcomes.planned} planned too), ${outcomes.inputError} input errors, ${failures.length} failures`);
    failed ||= failures.length > 0;
    expect(failures).toEqual([]);
  }, TEST_LIMIT_MS);

  it(`CLI: ${CLI_CASES} damaged inputs through analyze -f json, check and plan -f json`, async () => {
    const failures: string[] = [];
    const exits = new Map<string, number>();
    const jobs: (() => Promise<void>)[] = [];
    const secret = await keyWords();
    for (let id = 0; id < CLI_CASES; id++) {
      const c = makeCase(CASES + id, SEED, samples);
      const path = write(c);
      const command = (['analyze', 'check', 'plan'] as const)[id % 3];
      const args = command === 'check' ? ['check', '-f', 'json'] : [command, '-f', 'json'];
      if (c.maxLineBytes && command === 'analyze') args.push('--max-line-bytes', String(c.maxLineBytes));
      // Every other plan is redacted (a plan lists every key pattern): whatever the damage, no word of a key may reach it.
      const redacted = command === 'plan' && id % 2 === 1;
      if (redacted) args.push('--redact-keys');
      jobs.push(async () => {
        const r = await run([...args, path]);
        const tag = `${command} ${r.status}`;
        exits.set(tag, (exits.get(tag) ?? 0) + 1);
        const where = `${describeCase(c, path)}: slotscope ${args.join(' ')}`;
        const allowed = command === 'check' ? [0, 1, 2] : [0, 2];
        if (!allowed.includes(r.status ?? -1)) failures.push(`${where}: exit ${r.status} ${r.signal ?? ''}, stderr ${r.stderr.slice(0, 300)}`);
        if (/\n\s+at |internal error/.test(r.stderr)) failures.push(`${where}: stderr ${r.stderr.slice(0, 600)}`);
        if (r.ms > CASE_LIMIT_MS) failures.push(`${where}: took ${r.ms} ms`);
        if (r.status === 2 && r.stderr.trimEnd().split('\n').length !== 1) failures.push(`${where}: exit 2 with more than one line: ${r.stderr.slice(0, 300)}`);
        if (command === 'analyze' && r.status === 0) {
          const wrong = accounting((JSON.parse(r.stdout) as { inputs: InputReport[] }).inputs, readable(c.bytes));
          if (wrong) failures.push(`${where}: ${wrong}`);
        }
        if (redacted) {
          const leaked = [...new Set(wordsOf(r.stdout + r.stderr))].filter((w) => secret.has(w));
          if (leaked.length > 0) failures.push(`${where}: key words in the redacted output: ${leaked.slice(0, 5).join(', ')}`);
        }
      });
    }
    await pool(jobs, 2);
    console.log(`fuzz (CLI, seed ${SEED}): ${CLI_CASES} cases: ${[...exits].map(([k, v]) => `${k}: ${v}`).join(', ')}; ${failures.length} failures`);
    failed ||= failures.length > 0;
    expect(failures).toEqual([]);
  }, TEST_LIMIT_MS);
});

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(args: string[]): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: CASE_LIMIT_MS + 5000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('latin1').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('latin1').on('data', (d: string) => (stderr += d));
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr, ms: Date.now() - started }));
  });
}

async function pool(jobs: (() => Promise<void>)[], width: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < jobs.length) await jobs[next++]();
  }));
}
