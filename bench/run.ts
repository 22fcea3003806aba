// npm run bench: the whole CLI as users run it, beside the runtime's floors on the same files; our slot core
// beside cluster-key-slot (the peer ioredis and node-redis use); the analyze pipeline in process; the planner.
import clusterKeySlot from 'cluster-key-slot';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { analyzeInputs } from '../src/analyze/analyze-inputs.js';
import { buildReport } from '../src/report/report.js';
import { DEFAULT_PLAN_OPTIONS, makePlan } from '../src/plan/make-plan.js';
import { keySlot, slotOfRange } from '../src/slot/key-slot.js';
import { benchmarkCapture, cliVersusBareRead, startupCost, twoFiles } from './cli-bench.js';
import { type KeySpace, writeMonitorCorpus } from './monitor-corpus.js';

function sampleKeys(n: number): string[] {
  let seed = 99;
  const rnd = (m: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % m;
  };
  const shapes = [
    (): string => `user:${rnd(1e6)}:profile`,
    (): string => `session:${rnd(1 << 30).toString(16)}${rnd(1 << 30).toString(16)}`,
    (): string => `{user:${rnd(1e6)}}:cart`,
    (): string => `bull:emails:${rnd(1e6)}`,
    (): string => `product:${rnd(5e4)}:stock`,
    (): string => `caf\u00e9:${rnd(1000)}`,
  ];
  // Round-trip through bytes so the strings are flat, as keys read from a file or socket are; template
  // literals would leave V8 cons-strings, which no real key is.
  return Array.from({ length: n }, () => Buffer.from(shapes[rnd(shapes.length)]()).toString());
}

async function slotCore(): Promise<void> {
  const keys = sampleKeys(10_000);
  const buffers = keys.map((k) => Buffer.from(k));
  // One arena with offsets: how the pipeline sees keys (ranges of a chunk), no Buffer object per key.
  const arena = Buffer.concat(buffers);
  const offsets = new Uint32Array(buffers.length + 1);
  for (let i = 0; i < buffers.length; i++) offsets[i + 1] = offsets[i] + buffers[i].length;
  for (let i = 0; i < keys.length; i++) {
    if (keySlot(keys[i]) !== clusterKeySlot(keys[i]) || keySlot(buffers[i]) !== clusterKeySlot(buffers[i])) throw new Error(`slot mismatch on ${keys[i]}`);
  }
  let sink = 0;
  // What no string hashing in JavaScript can beat: reading each character once (charCodeAt), no CRC.
  const readChars = (k: string): number => {
    let x = 0;
    for (let i = 0; i < k.length; i++) x ^= k.charCodeAt(i);
    return x;
  };
  const tasks: [string, () => void][] = [
    ['cluster-key-slot, string keys', () => { for (const k of keys) sink ^= clusterKeySlot(k); }],
    ['slotscope keySlot, string keys', () => { for (const k of keys) sink ^= keySlot(k); }],
    ['floor: read each char, no hashing', () => { for (const k of keys) sink ^= readChars(k); }],
    ['cluster-key-slot, Buffer keys', () => { for (const b of buffers) sink ^= clusterKeySlot(b); }],
    ['slotscope keySlot, Buffer keys', () => { for (const b of buffers) sink ^= keySlot(b); }],
    ['slotscope slotOfRange, byte ranges', () => { for (let i = 0; i < buffers.length; i++) sink ^= slotOfRange(arena, offsets[i], offsets[i + 1]); }],
  ];
  // Three rounds, each task's median: one round on a shared machine swings by 10%.
  const rounds = new Map<string, number[]>();
  for (let round = 0; round < 3; round++) {
    const bench = new Bench({ time: 1000, warmup: true });
    for (const [name, fn] of tasks) bench.add(name, fn);
    await bench.run();
    for (const t of bench.tasks) {
      const r = t.result as { throughput?: { mean: number }; hz?: number };
      rounds.set(t.name, [...(rounds.get(t.name) ?? []), (r.throughput?.mean ?? r.hz ?? 0) * keys.length]);
    }
  }
  const rate = new Map([...rounds].map(([name, v]) => [name, v.sort((x, y) => x - y)[1]]));
  console.table([...rate].map(([task, perSec]) => ({ task, 'M keys/s': (perSec / 1e6).toFixed(1) })));
  const ratio = (a: string, b: string): string => ((rate.get(a) ?? 0) / (rate.get(b) ?? 1)).toFixed(2);
  console.log(`slot core vs cluster-key-slot: strings ${ratio('slotscope keySlot, string keys', 'cluster-key-slot, string keys')}x (the char-reading floor is ${ratio('floor: read each char, no hashing', 'cluster-key-slot, string keys')}x), Buffers ${ratio('slotscope keySlot, Buffer keys', 'cluster-key-slot, Buffer keys')}x, byte ranges vs its Buffers ${ratio('slotscope slotOfRange, byte ranges', 'cluster-key-slot, Buffer keys')}x (sink ${sink & 1})`);
}

// Corpora are cached outside the checkout (SLOTSCOPE_BENCH_DIR, default <tmp>/slotscope-bench), so reruns
// and other worktrees reuse them.
const DATA_DIR = join(process.env.SLOTSCOPE_BENCH_DIR ?? join(tmpdir(), 'slotscope-bench'), '/');

/** The generated capture of `size` bytes over a key space, written once under bench/data/. */
async function corpus(size: number, keys: KeySpace): Promise<string> {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = `${DATA_DIR}monitor-${size / 1e6}MB${keys === 'wide' ? '' : `-${keys}`}.txt`;
  if (!existsSync(path) || statSync(path).size < size) {
    process.stderr.write(`writing ${path}...\n`);
    await writeMonitorCorpus(path, size, keys);
  }
  return path;
}

async function pipeline(): Promise<void> {
  // The last run bounds the exact key set at 250k keys, so sketches take over: memory stays flat however
  // many distinct keys the capture holds.
  const runs: { size: number; exact: number; keys: KeySpace }[] = [
    { size: 220e6, exact: 2_000_000, keys: 'typical' },
    { size: 220e6, exact: 2_000_000, keys: 'wide' },
    { size: 220e6, exact: 250_000, keys: 'wide' },
  ];
  for (const { size, exact, keys } of runs) {
    const path = await corpus(size, keys);
    // A process of its own per run, so one run's heap does not colour the next one's memory figures.
    const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), 'pipeline-run', path, String(exact), keys], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (child.status !== 0) throw new Error(`pipeline run on ${path} failed`);
  }
}

/** One pipeline run: throughput, and RSS at each quarter of the file (flat = memory does not grow with it). */
async function pipelineRun(path: string, exact: number, keys: string): Promise<void> {
  const bytes = statSync(path).size;
  const rssAt: number[] = [];
  let peakRss = process.memoryUsage().rss;
  const onProgress = (read: number): void => {
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    while (rssAt.length < 4 && read >= ((rssAt.length + 1) / 4) * bytes) rssAt.push(rss);
  };
  const started = process.hrtime.bigint();
  const result = await analyzeInputs([{ path, node: 'bench' }], { distinct: { maxExactKeys: exact, precision: 9 }, onProgress });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const report = buildReport(result);
  const lines = result.inputs[0].lines;
  const mib = (n: number): string => (n / 2 ** 20).toFixed(0);
  console.log(`pipeline on ${(bytes / 1e6).toFixed(0)} MB, ${keys} key space (exact keys up to ${exact.toLocaleString('en-US')}), ${(lines / 1e6).toFixed(2)}M lines: ${(bytes / 1e6 / seconds).toFixed(0)} MB/s, ${(lines / 1e6 / seconds).toFixed(2)}M lines/s, ${seconds.toFixed(2)} s; RSS at 1/4, 1/2, 3/4, all of the file: ${rssAt.map(mib).join(', ')} MiB (peak ${mib(peakRss)}); ${report.totals.distinctKeys.toLocaleString('en-US')} distinct keys${report.totals.distinctKeysExact ? '' : ' (estimated)'}, ${report.totals.crossSlotCommands.toLocaleString('en-US')} cross-slot`);
}

/** The planner (two passes, patterns, proposals, layout) on a capture with over a million distinct keys. */
async function planner(): Promise<void> {
  const path = await corpus(100e6, 'wide');
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);
  const started = process.hrtime.bigint();
  const plan = await makePlan([{ path, node: 'bench' }], { ...DEFAULT_PLAN_OPTIONS, onProgress: () => { peakRss = Math.max(peakRss, process.memoryUsage().rss); } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  const keys = plan.patterns.reduce((t, p) => t + p.distinctKeys, 0);
  console.log(`plan on ${(statSync(path).size / 1e6).toFixed(0)} MB with ~${(keys / 1e6).toFixed(2)}M distinct keys in ${plan.patterns.length} patterns: ${seconds.toFixed(1)} s (two passes), peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; ${plan.renames.length} renames, cross-slot commands ${plan.predicted.before.commands.toLocaleString('en-US')} -> ${plan.predicted.after.commands.toLocaleString('en-US')}, transactions ${plan.predicted.before.transactions.toLocaleString('en-US')} -> ${plan.predicted.after.transactions.toLocaleString('en-US')}`);
}

/**
 * The whole CLI as a process, as ratios to the floors of the same file: a real capture and the synthetic
 * ones; then memory on a file 4x larger with the same key space (typical: only more traffic).
 */
async function cli(): Promise<void> {
  await startupCost();
  const real = await benchmarkCapture(DATA_DIR, 180e6);
  await cliVersusBareRead(real, 'real capture (redis-benchmark, 13 default tests, -c 700 -r 100000, under slotscope capture monitor)');
  const typical = await corpus(220e6, 'typical');
  await cliVersusBareRead(typical, 'synthetic capture, typical key space');
  await twoFiles(real, typical);
  await cliVersusBareRead(await corpus(220e6, 'wide'), 'synthetic capture, wide key space');
  await cliVersusBareRead(await corpus(880e6, 'typical'), 'synthetic capture, typical key space, 4x larger', { floors: false, runs: 1 });
}

// `npm run bench` runs all; `node dist/bench/run.js slots|cli|pipeline|plan` runs one.
const only = process.argv[2];
if (only === 'pipeline-run') await pipelineRun(process.argv[3], Number(process.argv[4]), process.argv[5]);
if (!only || only === 'cli') await cli();
if (!only || only === 'slots') await slotCore();
if (!only || only === 'pipeline') await pipeline();
if (!only || only === 'plan') await planner();
