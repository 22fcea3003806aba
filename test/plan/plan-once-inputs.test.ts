// plan reads its inputs twice; stdin and a named pipe give their bytes once. Its second pass used to read
// stdin empty (a plan predicting no cross-slot traffic left, layout from nothing) and to wait forever on
// a pipe. They are kept on disk for the second pass, in a directory that goes however the run ends.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_OPTIONS, makePlan } from '../../src/plan/make-plan.js';
import { CLI } from '../helpers/cli.js';
import { waitFor } from '../helpers/redis.js';

const CAPTURE = 'samples/app.monitor';
const dir = mkdtempSync(join(tmpdir(), 'slotscope-plan-once-'));
/** The CLI's own temporary directory, to see that the copies are gone. */
const tmp = mkdtempSync(join(tmpdir(), 'slotscope-plan-tmp-'));
const env = { ...process.env, TMPDIR: tmp };

function plan(args: string[], input?: Buffer): { status: number | null; plan: Record<string, unknown>; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'plan', '-f', 'json', ...args], { input, env, encoding: 'latin1', maxBuffer: 64 << 20 });
  return { status: r.status, plan: r.status === 0 ? (JSON.parse(r.stdout) as Record<string, unknown>) : {}, stderr: r.stderr };
}
const withoutInputs = (p: Record<string, unknown>): Record<string, unknown> => ({ ...p, inputs: null });

describe('plan from inputs that give their bytes once', () => {
  const file = plan([`stdin=${CAPTURE}`]);

  it('makes from stdin, plain and gzipped, the plan the file makes', () => {
    expect(file.status).toBe(0);
    const predicted = file.plan.predicted as { after: { transactions: number }; fixed: { transactions: number } };
    expect(predicted.fixed.transactions).toBeGreaterThan(0);
    for (const input of [readFileSync(CAPTURE), gzipSync(readFileSync(CAPTURE))]) {
      const piped = plan(['-'], input);
      expect(piped.status, piped.stderr).toBe(0);
      expect(withoutInputs(piped.plan)).toEqual(withoutInputs(file.plan));
    }
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('makes from a named pipe the plan the file makes, without waiting on the pipe again', async () => {
    const fifo = join(dir, 'stdin');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', CAPTURE, fifo], { stdio: 'ignore' });
    const child = spawn(process.execPath, [CLI, 'plan', '-f', 'json', fifo], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('latin1').on('data', (d: string) => (stdout += d));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    writer.kill();
    expect(status).toBe(0);
    expect(withoutInputs(JSON.parse(stdout) as Record<string, unknown>)).toEqual(withoutInputs(file.plan));
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('makes, as a library call (makePlan) on a named pipe, the plan the file makes', async () => {
    const fifo = join(dir, 'library');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', CAPTURE, fifo], { stdio: 'ignore' });
    const piped = await makePlan([{ path: fifo, node: 'stdin' }], DEFAULT_PLAN_OPTIONS);
    writer.kill();
    const fromFile = await makePlan([{ path: CAPTURE, node: 'stdin' }], DEFAULT_PLAN_OPTIONS);
    expect({ ...piped, inputs: null }).toEqual({ ...fromFile, inputs: null });
    expect(piped.predicted.fixed.transactions).toBeGreaterThan(0);
  });

  it('deletes the copy when a signal stops it', async () => {
    const fifo = join(dir, 'stalled');
    execFileSync('mkfifo', [fifo]);
    // A writer that stalls: the copy is under way and never ends.
    const writer = spawn('sh', ['-c', '{ cat "$1"; exec sleep 120; } > "$2"', 'sh', CAPTURE, fifo], { stdio: 'ignore', detached: true });
    const child = spawn(process.execPath, [CLI, 'plan', '-f', 'json', fifo], { env, stdio: ['ignore', 'ignore', 'ignore'] });
    const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    try {
      await waitFor('the copy to be under way', async () => {
        const copies = readdirSync(tmp);
        return copies.length === 1 && existsSync(join(tmp, copies[0], '0')) ? true : undefined;
      });
      child.kill('SIGINT');
      expect(await closed).toBe('SIGINT');
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      process.kill(-writer.pid!, 'SIGKILL');
    }
  });
});
