// Runs tasks in worker threads, at most `workers` at once, one thread per task, results in task order;
// given a `local` runner, this thread is one of the `workers` and runs tasks too, between its reads.
// A worker posts { progress } as it goes and ends with { result } or { error }; an input error (bad
// file, bad line) comes back as the same one-line InputError, anything else as the internal error it is.
// The first task to fail ends the run at once and stops the others: a bad file beside a large one fails in
// the time it takes to find, not in the time the large one takes to read. A thread that cannot be made at all (a
// container's pids limit) is a NoThreadError, which callers answer by doing the work on this thread.
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { InputError } from '../../ingest/input-error.js';

export interface WorkerFailure {
  input: boolean;
  reason: string;
  file?: string;
  line?: number;
  message: string;
  stack?: string;
}

export type WorkerMessage<R> = { progress: number } | { result: R } | { error: WorkerFailure };

/** What a worker posts for an error it caught, so the main thread can throw it as it was. */
export function workerError(err: unknown): WorkerMessage<never> {
  if (err instanceof InputError) return { error: { input: true, reason: err.reason, file: err.file, line: err.line, message: err.message } };
  const e = err instanceof Error ? err : new Error(String(err));
  return { error: { input: false, reason: e.message, message: e.message, stack: e.stack } };
}

/** The error a worker posted, as it was thrown there: an input error keeps its one line. */
export function workerFailure(e: WorkerFailure): Error {
  return e.input ? new InputError(e.reason, e.file, e.line) : Object.assign(new Error(e.message), { stack: e.stack });
}

/** The OS would not make a thread (EAGAIN under a pids or thread limit): the work can still run on this one. */
export class NoThreadError extends Error {}

export function startWorker(module: URL, options: WorkerOptions): Worker {
  try {
    return new Worker(module, options);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_WORKER_INIT_FAILED') throw new NoThreadError(`no worker thread could start (${(err as Error).message})`);
    throw err;
  }
}

/** Thrown into this thread's own task once another has failed: the run is over, so its work stops. */
class Stopped extends Error {}

/** Runs task `task` on this thread, calling `onProgress` as it goes (which throws once the run has failed). */
export type LocalRunner<R> = (task: number, onProgress: (progress: number) => void) => Promise<R>;

export async function runInWorkers<R>(module: URL, tasks: readonly unknown[], workers: number, onProgress: (task: number, progress: number) => void, local?: LocalRunner<R>): Promise<R[]> {
  const results: R[] = new Array<R>(tasks.length);
  let next = 0;
  let failed: Error | null = null;
  const running: Worker[] = [];
  const runOne = (task: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = startWorker(module, { workerData: tasks[task] });
      running.push(worker);
      let settled = false;
      const settle = (err: Error | null): void => {
        if (settled) return;
        settled = true;
        if (err) reject(err);
        else resolve();
      };
      worker.on('message', (m: WorkerMessage<R>) => {
        if ('progress' in m) onProgress(task, m.progress);
        else if ('result' in m) {
          results[task] = m.result;
          settle(null);
        } else settle(workerFailure(m.error));
      });
      worker.on('error', (err) => settle(err));
      worker.on('exit', (code) => settle(code === 0 ? null : new Error(`worker for task ${task} exited with code ${code}`)));
    });
  let fail: (err: Error) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const runHere = async (task: number): Promise<void> => {
    results[task] = await local!(task, (progress) => {
      if (failed !== null) throw new Stopped('stopped: another task failed');
      onProgress(task, progress);
    });
  };
  const lane = async (here: boolean): Promise<void> => {
    while (failed === null && next < tasks.length) {
      const task = next++;
      try {
        await (here ? runHere(task) : runOne(task));
      } catch (err) {
        if (failed) continue; // stopped because another failed
        failed = err as Error;
        // Not awaited: a worker blocked in a read that does not return (a pipe whose writer stalled) would
        // hold the run, and terminate() waits for that read.
        for (const w of running) void w.terminate();
        fail(failed);
      }
    }
  };
  // This thread's lane starts last: the workers' threads are on their way before its first read.
  const lanes = Math.max(1, Math.min(workers, tasks.length));
  await Promise.race([Promise.all(Array.from({ length: lanes }, (_, i) => lane(local !== undefined && i === lanes - 1))), failure]);
  return results;
}
