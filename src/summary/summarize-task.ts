// One --jobs task: a node's inputs, in order, into an Analyzer with the plan summary attached, exactly as
// a single thread would read them, handed back as the run's summary. A worker thread runs it
// (summary-worker.ts), and so does the main thread for a task of its own while the workers run theirs.
import { analyzeInputs } from '../analyze/analyze-inputs.js';
import type { DistinctKeysOptions } from '../analyze/distinct-keys.js';
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

/** `onProgress`: the bytes of the task's inputs read so far, after each chunk. */
export async function summarizeTask(task: SummaryTask, onProgress: (bytes: number) => void): Promise<RunSummary> {
  const plan = new PlanSummary();
  let done = 0;
  let current = 0;
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
      onProgress(done + n);
    },
  });
  return runSummary(analysis, plan, { topology: null, warnings: [], guessed: [] });
}
