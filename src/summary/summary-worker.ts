// A worker thread's job under --jobs: read its inputs (one node's, in order) into an Analyzer with the
// plan summary attached, exactly as the main thread would, and hand back the run's summary.
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeInputs } from '../analyze/analyze-inputs.js';
import type { DistinctKeysOptions } from '../analyze/distinct-keys.js';
import { type WorkerMessage, workerError } from '../analyze/parallel/worker-pool.js';
import { findTarget } from '../analyze/targets.js';
import type { InputSpec } from '../ingest/read-input.js';
import { PlanSummary } from '../plan/plan-summary.js';
import { runSummary } from './run-summary.js';
import type { RunSummary } from './summary-format.js';

export interface SummaryTask {
  specs: InputSpec[];
  target: string;
  redactKeys: boolean;
  distinct?: DistinctKeysOptions;
  maxLineBytes?: number;
}

/** Progress is posted at most this often: a message per chunk would cost more than the chunk. */
const PROGRESS_MS = 100;

async function run(task: SummaryTask): Promise<RunSummary> {
  const plan = new PlanSummary();
  let done = 0;
  let current = 0;
  let last = 0;
  const analysis = await analyzeInputs(task.specs, {
    target: findTarget(task.target),
    redactKeys: task.redactKeys,
    distinct: task.distinct,
    maxLineBytes: task.maxLineBytes,
    observer: plan.observer(),
    onInput: () => {
      done += current;
      current = 0;
    },
    onProgress: (n) => {
      current = n;
      const now = Date.now();
      if (now - last < PROGRESS_MS) return;
      last = now;
      post({ progress: done + n });
    },
  });
  return runSummary(analysis, plan, { topology: null, warnings: [], guessed: [] });
}

function post(m: WorkerMessage<RunSummary>): void {
  parentPort!.postMessage(m);
}

run(workerData as SummaryTask).then(
  (result) => post({ result }),
  (err: unknown) => post(workerError(err)),
);
