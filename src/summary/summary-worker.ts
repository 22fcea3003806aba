// A worker thread's job under --jobs: one task (summarize-task.ts), its progress and its summary posted back.
import { parentPort, workerData } from 'node:worker_threads';
import { type WorkerMessage, workerError } from '../analyze/parallel/worker-pool.js';
import type { RunSummary } from './summary-format.js';
import { type SummaryTask, summarizeTask } from './summarize-task.js';

/** Progress is posted at most this often: a message per chunk would cost more than the chunk. */
const PROGRESS_MS = 100;

function post(m: WorkerMessage<RunSummary>): void {
  parentPort!.postMessage(m);
}

let last = 0;
summarizeTask(workerData as SummaryTask, (bytes) => {
  const now = Date.now();
  if (now - last < PROGRESS_MS) return;
  last = now;
  post({ progress: bytes });
}).then(
  (result) => post({ result }),
  (err: unknown) => post(workerError(err)),
);
