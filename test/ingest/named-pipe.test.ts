// A named pipe (mkfifo, a shell's <(...)) is read as the capture it carries, waiting for a writer that
// comes late; and under --jobs, a pipe whose writer stalls, or that no writer ever opens, does not keep
// the run from failing at another input's error: the first input to fail ends the run at once.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type CliResult, slotscope, slotscopeAsync } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'slotscope-pipe-'));
const APP = 'samples/app.monitor';
const BENCH = 'samples/benchmark.monitor';
// A capture cut short in its gzip data: refused (exit 2) once it has been read to the cut.
const cut = join(dir, 'cut.monitor.gz');
const whole = gzipSync(readFileSync(BENCH));
writeFileSync(cut, whole.subarray(0, whole.length - 100));

let fifos = 0;
const fifo = (): string => {
  const path = join(dir, `p${fifos++}`);
  execFileSync('mkfifo', [path]);
  return path;
};

const writers: ChildProcess[] = [];
const cli: number[] = [];
/** A shell script run in its own process group, so that stopping it stops what it runs. */
function writer(script: string, ...args: string[]): void {
  writers.push(spawn('sh', ['-c', script, 'sh', ...args], { detached: true, stdio: 'ignore' }));
}
function stopAll(): void {
  for (const w of writers.splice(0)) {
    try {
      process.kill(-w.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const pid of cli.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** The CLI's result, or a failure naming it if it has not ended within `ms`. */
async function ends(args: string[], ms = 15_000): Promise<CliResult> {
  const run = slotscopeAsync(args);
  cli.push(run.pid);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`slotscope ${args.join(' ')} still running after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([run.done, late]);
  } finally {
    clearTimeout(timer);
  }
}

const withoutPaths = (json: string): unknown => {
  const report = JSON.parse(json) as { inputs: { path: string }[] };
  for (const i of report.inputs) i.path = '';
  return report;
};

describe('named pipes as inputs', () => {
  afterEach(stopAll);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a pipe whose writer comes after the reader opened it as the file it carries, under --jobs 1 and 2', async () => {
    const file = slotscope(['analyze', '-f', 'json', `app=${APP}`, `bench=${BENCH}`]);
    expect(file.status).toBe(0);
    for (const jobs of ['1', '2']) {
      const [app, bench] = [fifo(), fifo()];
      writer('sleep 0.3; cat "$1" > "$2"', APP, app);
      writer('sleep 0.5; cat "$1" > "$2"', BENCH, bench);
      const piped = await ends(['analyze', '--jobs', jobs, '-f', 'json', `app=${app}`, `bench=${bench}`]);
      expect(piped.stderr, jobs).toBe('');
      expect(piped.status, jobs).toBe(0);
      expect(withoutPaths(piped.stdout), jobs).toEqual(withoutPaths(file.stdout));
    }
  });

  it('under --jobs 2, fails at a corrupt input while a pipe beside it waits on a writer that stalled', async () => {
    // The main thread reads the last node's input itself, a worker the first: the stalled pipe in either.
    for (const order of ['stalled first', 'stalled last']) {
      const stalled = fifo();
      writer('{ cat "$1"; exec sleep 120; } > "$2"', APP, stalled);
      const inputs = [`app=${stalled}`, `bench=${cut}`];
      if (order === 'stalled last') inputs.reverse();
      const r = await ends(['analyze', '--jobs', '2', '-o', join(dir, 'report.txt'), ...inputs]);
      expect(r.stderr, order).toBe(`slotscope: ${cut}: corrupt gzip data (unexpected end of file)\n`);
      expect(r.status, order).toBe(2);
    }
  });

  it('under --jobs 2, fails at a corrupt input beside a pipe no writer ever opens', async () => {
    const never = fifo();
    const r = await ends(['analyze', '--jobs', '2', '-o', join(dir, 'report.txt'), `app=${never}`, `bench=${cut}`]);
    expect(r.stderr).toBe(`slotscope: ${cut}: corrupt gzip data (unexpected end of file)\n`);
    expect(r.status).toBe(2);
  });
});
