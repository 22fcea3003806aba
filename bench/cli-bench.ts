// What users run, timed as users run it: the whole CLI process on a capture, beside a bare Node process
// that only reads the same file and counts its newlines, in the same run, so the ratio holds whatever the
// machine's speed that minute. The real capture is made at bench time: redis-benchmark against a real
// redis-server under redis-cli MONITOR, the run repeated (not the file) until it is large enough.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../cmd/slotscope.js', import.meta.url));

/** Reads a file in 1 MiB chunks and counts newlines: the floor any reader of the file pays. */
const BARE_READ = `
const fs = require('node:fs');
const fd = fs.openSync(process.argv[1], 'r');
const buf = Buffer.allocUnsafe(1 << 20);
let n, lines = 0;
while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
  for (let i = buf.indexOf(10); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) lines++;
}
console.log(lines);`;

interface Timing {
  median: number;
  min: number;
  max: number;
  peakRssMiB: number;
}

/** Runs a command `runs` times; wall seconds (median, min, max) and the largest peak RSS (GNU time). */
function time(args: string[], runs: number): Timing {
  const seconds: number[] = [];
  let peak = 0;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.slice(-500)}`);
    peak = Math.max(peak, Number(r.stderr.trim().split('\n').pop()) / 1024);
  }
  seconds.sort((a, b) => a - b);
  return { median: seconds[Math.floor(seconds.length / 2)], min: seconds[0], max: seconds[seconds.length - 1], peakRssMiB: peak };
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

async function waitForFile(file: string, prefix: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (existsSync(file) && statSync(file).size >= prefix.length) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${file} never started`);
}

/**
 * redis-benchmark's default tests (700 connections, 100k random keys, MSET of 10 keys) under MONITOR,
 * repeated until the capture holds `size` bytes; written once under bench/data/.
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
    process.stderr.write(`writing ${path} (redis-benchmark under MONITOR)...\n`);
    // MONITOR writes straight into the file: the runs below block this process, so nothing here could drain a pipe.
    const out = openSync(path, 'w');
    const monitor = spawn('redis-cli', ['-p', String(port), 'MONITOR'], { stdio: ['ignore', out, 'ignore'] });
    const exited = new Promise<void>((r) => monitor.once('exit', () => r()));
    await waitForFile(path, 'OK\n');
    while (statSync(path).size < size) {
      const r = spawnSync('redis-benchmark', ['-p', String(port), '-c', '700', '-n', '100000', '-r', '100000', '-q'], { stdio: 'ignore' });
      if (r.status !== 0) throw new Error('redis-benchmark failed');
    }
    monitor.kill('SIGTERM');
    await exited;
    closeSync(out);
  } finally {
    server.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
  return path;
}

export function cliVersusBareRead(path: string, label: string, runs = 3): void {
  const mb = statSync(path).size / 1e6;
  const bare = time([process.execPath, '-e', BARE_READ, path], runs);
  const cli = time([process.execPath, CLI, 'analyze', '-f', 'json', '-o', '/dev/null', path], runs);
  const range = (t: Timing): string => `${t.median.toFixed(2)} s (${t.min.toFixed(2)}-${t.max.toFixed(2)})`;
  console.log(`${label}, ${mb.toFixed(0)} MB: slotscope analyze ${range(cli)} = ${(mb / cli.median).toFixed(0)} MB/s, peak RSS ${cli.peakRssMiB.toFixed(0)} MiB; bare read ${range(bare)} = ${(mb / bare.median).toFixed(0)} MB/s; ratio ${(cli.median / bare.median).toFixed(1)}x`);
}

/** `slotscope --version` beside `node -e 0`: what every command pays before it starts. */
export function startupCost(runs = 9): void {
  const node = time([process.execPath, '-e', '0'], runs);
  const version = time([process.execPath, CLI, '--version'], runs);
  console.log(`start-up: slotscope --version ${(version.median * 1000).toFixed(0)} ms, node -e 0 ${(node.median * 1000).toFixed(0)} ms: +${((version.median - node.median) * 1000).toFixed(0)} ms`);
}
