// What users run, timed as users run it: the whole CLI process on a capture, beside a bare Node process
// that only reads the same file and counts its newlines, in the same run, so the ratio holds whatever the
// machine's speed that minute. The real capture is made at bench time: redis-benchmark against a real
// redis-server under redis-cli MONITOR, the run repeated (not the file) until it is large enough.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../cmd/slotscope.js', import.meta.url));

/** The runtime's floor, stage by stage (bench/floor.ts): a bare read, then + line split, + MONITOR parse, + CRC16. */
const FLOOR = fileURLToPath(new URL('./floor.js', import.meta.url));
const FLOORS = [
  ['read', 'bare read + count newlines'],
  ['split', 'read + line split'],
  ['parse', 'read + split + MONITOR parse'],
  ['crc16', 'read + split + parse + CRC16'],
] as const;

interface Sample {
  wall: number;
  cpu: number;
  peakMiB: number;
  /** RSS when the process had read a quarter of the file, and the last one seen before it exited. */
  quarterMiB: number;
  endMiB: number;
}

interface Timing {
  wall: Stat;
  cpu: Stat;
  peakMiB: number;
  quarterMiB: number;
  endMiB: number;
}

interface Stat {
  median: number;
  min: number;
  max: number;
}

const stat = (v: number[]): Stat => {
  const s = [...v].sort((x, y) => x - y);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
};

const readProc = (pid: number, file: string): string => {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
};

/**
 * One run under GNU time: wall, CPU (user+sys) and peak RSS of the child; meanwhile its RSS is polled
 * from /proc, keyed by the bytes it has read (rchar), for the RSS at a quarter of `size` and at the end.
 */
async function runOnce(args: string[], size: number): Promise<Sample> {
  const started = process.hrtime.bigint();
  const child = spawn('/usr/bin/time', ['-f', '%U %S %M', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let quarter = 0;
  let last = 0;
  let pid = 0;
  const poll = setInterval(() => {
    pid ||= Number(readProc(child.pid!, `task/${child.pid}/children`).trim().split(' ')[0]) || 0;
    if (!pid) return;
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readProc(pid, 'status'))?.[1] ?? 0) / 1024;
    const read = Number(/rchar:\s+(\d+)/.exec(readProc(pid, 'io'))?.[1] ?? 0);
    if (rss === 0) return;
    if (!quarter && read >= size / 4) quarter = rss;
    last = rss;
  }, 10);
  const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(poll);
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (status !== 0) throw new Error(`${args.join(' ')} failed: ${stderr.slice(-500)}`);
  const [user, sys, peak] = stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wall, cpu: user + sys, peakMiB: peak / 1024, quarterMiB: quarter, endMiB: last };
}

/** Wall and CPU seconds (median, min-max) of a command's runs, and the largest RSS figures. */
function timing(samples: Sample[]): Timing {
  const max = (f: (s: Sample) => number): number => Math.max(...samples.map(f));
  return { wall: stat(samples.map((s) => s.wall)), cpu: stat(samples.map((s) => s.cpu)), peakMiB: max((s) => s.peakMiB), quarterMiB: max((s) => s.quarterMiB), endMiB: max((s) => s.endMiB) };
}

/** Runs a command `runs` times. */
async function time(args: string[], runs: number, size = 0): Promise<Timing> {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await runOnce(args, size));
  return timing(samples);
}

/**
 * Runs each command `runs` times, round-robin (a, b, c, a, b, c...): a machine whose load changes during the
 * bench then colours every row alike, and the ratios between rows hold.
 */
async function timeAll(commands: string[][], runs: number, size: number): Promise<Timing[]> {
  const samples: Sample[][] = commands.map(() => []);
  for (let i = 0; i < runs; i++) for (const [c, args] of commands.entries()) samples[c].push(await runOnce(args, size));
  return samples.map(timing);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitForFile(file: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (existsSync(file)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${file} never started`);
}

/**
 * redis-benchmark's default tests (700 connections, 100k random keys, MSET of 10 keys) captured by our own
 * `capture monitor`, the run repeated (not the file) until the capture holds `size` bytes: a larger capture
 * has the same key space, only more traffic. Written once under `dir`.
 */
export async function benchmarkCapture(dir: string, size: number): Promise<string> {
  const path = join(dir, `redis-benchmark-${size / 1e6}MB.monitor`);
  if (existsSync(path) && statSync(path).size >= size) return path;
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const work = mkdtempSync(join(tmpdir(), 'slotscope-bench-'));
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', work, '--maxclients', '2000'], { stdio: 'ignore' });
  try {
    for (let i = 0; spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() !== 'PONG'; i++) {
      if (i > 200) throw new Error('redis-server did not start');
      await new Promise((r) => setTimeout(r, 25));
    }
    process.stderr.write(`writing ${path} (redis-benchmark under slotscope capture monitor)...\n`);
    const ready = join(work, 'ready');
    const capture = spawn(process.execPath, [CLI, 'capture', 'monitor', `redis://127.0.0.1:${port}`, '--duration', '0', '--ready-file', ready, '--out', work], { stdio: 'ignore' });
    const exited = new Promise<void>((r) => capture.once('exit', () => r()));
    await waitForFile(ready);
    const file = join(work, `127.0.0.1-${port}.monitor`);
    for (;;) {
      const r = await new Promise<number | null>((resolve) => spawn('redis-benchmark', ['-p', String(port), '-c', '700', '-n', '100000', '-r', '100000', '-q'], { stdio: 'ignore' }).once('exit', resolve));
      if (r !== 0) throw new Error('redis-benchmark failed');
      if (statSync(file).size >= size) break;
    }
    capture.kill('SIGTERM');
    await exited;
    renameSync(file, path);
  } finally {
    server.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
  return path;
}

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const range = (t: Stat): string => `${t.median.toFixed(2)} (${t.min.toFixed(2)}-${t.max.toFixed(2)})`;

/**
 * The whole CLI (`analyze -f json -o /dev/null`) on a capture beside the floors of the same file in the
 * same run, as ratios of CPU time (user+sys: what a busy shared machine distorts least) and of wall time.
 */
export async function cliVersusBareRead(path: string, label: string, { floors = true, runs = RUNS } = {}): Promise<void> {
  const size = statSync(path).size;
  const mb = size / 1e6;
  // One untimed read first: the row that reads the file first would otherwise pay for the disk (or for
  // pages a reclaimer took back), and the bare read, every ratio's divisor, is that row.
  await runOnce([process.execPath, FLOOR, 'read', path], size);
  const start = await time([process.execPath, '-e', '0'], runs);
  const levels = floors ? FLOORS : FLOORS.slice(0, 1);
  const analyze = (jobs: number): string[] => [process.execPath, CLI, 'analyze', '--jobs', String(jobs), '-f', 'json', '-o', '/dev/null', path];
  const timed = await timeAll([...levels.map(([level]) => [process.execPath, FLOOR, level, path]), analyze(1), analyze(2)], runs, size);
  const bare = timed[0];
  const [cli, twoCores] = timed.slice(-2);
  const rows: [string, Timing][] = levels.map(([, name], i) => [name, timed[i]]);
  rows.push(['slotscope analyze --jobs 1 (whole CLI)', cli], ['slotscope analyze --jobs 2 (+ read worker)', twoCores]);
  console.log(`\n${label}, ${mb.toFixed(0)} MB, ${runs} runs each (median, min-max):`);
  console.table(Object.fromEntries(rows.map(([name, t]) => [name, {
    'CPU s': range(t.cpu),
    'wall s': range(t.wall),
    'MB/s (CPU)': Math.round(mb / t.cpu.median),
    'x bare read (CPU)': (t.cpu.median / bare.cpu.median).toFixed(2),
    'x bare read (wall)': (t.wall.median / bare.wall.median).toFixed(2),
    'peak RSS MiB': Math.round(t.peakMiB),
  }])));
  // The read worker (--jobs 2 on one input) could at best leave the main thread the whole minus the parse
  // floor above the start-up of a bare process; records crossing threads cost on top of that.
  const parse = rows.find(([name]) => name === FLOORS[2][1])?.[1];
  if (parse) {
    const mainThread = cli.cpu.median - (parse.cpu.median - bare.cpu.median) - (bare.cpu.median - start.cpu.median);
    console.log(`a parse worker could at best make it ${(cli.cpu.median / mainThread).toFixed(2)}x faster on two cores (the aggregator alone: ~${mainThread.toFixed(2)} s of ${cli.cpu.median.toFixed(2)} s CPU)`);
  }
  console.log(`--jobs 2 (read worker): ${(cli.wall.median / twoCores.wall.median).toFixed(2)}x faster than --jobs 1 in wall time, ${(twoCores.wall.median / bare.wall.median).toFixed(2)}x the bare read; ${(twoCores.cpu.median / cli.cpu.median).toFixed(2)}x the CPU time`);
  console.log(`whole CLI: ${(cli.cpu.median / bare.cpu.median).toFixed(2)}x the bare read in CPU time, ${(cli.wall.median / bare.wall.median).toFixed(2)}x in wall time; RSS at 1/4 of the file ${cli.quarterMiB.toFixed(0)} MiB, at the end ${cli.endMiB.toFixed(0)} MiB, peak ${cli.peakMiB.toFixed(0)} MiB`);
}

/** `slotscope --version` beside `node -e 0`: what every command pays before it starts. */
export async function startupCost(runs = 9): Promise<void> {
  const node = await time([process.execPath, '-e', '0'], runs);
  const version = await time([process.execPath, CLI, '--version'], runs);
  console.log(`start-up: slotscope --version ${(version.wall.median * 1000).toFixed(0)} ms wall, ${(version.cpu.median * 1000).toFixed(0)} ms CPU; node -e 0 ${(node.wall.median * 1000).toFixed(0)} ms wall, ${(node.cpu.median * 1000).toFixed(0)} ms CPU: +${((version.wall.median - node.wall.median) * 1000).toFixed(0)} ms wall`);
}

/**
 * Two files on two cores: `--jobs 2` (a worker each, merged in this process) beside each file alone and
 * beside two processes side by side, which is what the machine allows two files: the time of one is
 * the divisor of both ratios. A single run keeps more than one core busy (V8 compiles and collects on
 * threads of its own), so the CPU of the two alone over two cores bounds any --jobs 2 from below.
 */
export async function twoFiles(a: string, b: string, runs = RUNS): Promise<void> {
  const analyze = (jobs: string, ...files: string[]): string[] => [process.execPath, CLI, 'analyze', '--jobs', jobs, '-f', 'json', '-o', '/dev/null', ...files];
  const apart = ['sh', '-c', `"$0" ${analyze('1', a).slice(1).map((x) => `'${x}'`).join(' ')} & "$0" ${analyze('1', b).slice(1).map((x) => `'${x}'`).join(' ')}; wait`, process.execPath];
  const [one, other, jobs2, jobs1, sideBySide] = await timeAll([analyze('1', a), analyze('1', b), analyze('2', a, b), analyze('1', a, b), apart], runs, 0);
  const single = Math.max(one.wall.median, other.wall.median);
  const rows: [string, Timing][] = [[`${basename(a)} alone`, one], [`${basename(b)} alone`, other], ['both, --jobs 2', jobs2], ['both, --jobs 1', jobs1], ['both, two processes side by side', sideBySide]];
  console.log(`\ntwo files on ${availableParallelism()} cores, ${runs} runs each (median, min-max):`);
  console.table(Object.fromEntries(rows.map(([name, t]) => [name, { 'wall s': range(t.wall), 'CPU s': range(t.cpu), 'x one file (wall)': (t.wall.median / single).toFixed(2), 'peak RSS MiB': Math.round(t.peakMiB) }])));
  const floor = (one.cpu.median + other.cpu.median) / availableParallelism() / single;
  console.log(`--jobs 2: ${(jobs2.wall.median / single).toFixed(2)}x the time of the larger file alone; two processes side by side ${(sideBySide.wall.median / single).toFixed(2)}x; the CPU of the two alone over the cores ${floor.toFixed(2)}x`);
}
