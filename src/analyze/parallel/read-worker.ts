// A read worker: one input read, split and parsed in this thread into the ring the main thread analyses
// from, so reading and parsing take a core of their own (--jobs 2 or more on one input).
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { type WorkerMessage, workerError } from './worker-pool.js';
import { type InputSpec, readInput } from '../../ingest/read-input.js';
import type { InputStats } from '../../ingest/input-stats.js';
import type { SlabMessage } from './ring.js';
import { RingStats, RingWriter } from './ring-writer.js';

export interface ReadTask {
  spec: InputSpec;
  capacity: number;
  /** Where slabs come back, and the shared count of them (an Int32Array's buffer). */
  returns: MessagePort;
  returned: SharedArrayBuffer;
  maxLineBytes?: number;
}

/** What the worker knows of its input at the end (records and skips are the main thread's count), and the bytes it read. */
export type ReadEnd = Pick<InputStats, 'format' | 'lines' | 'records' | 'preamble' | 'bytes' | 'lineEndings' | 'notes'> & { rawBytes: number };

export type ReadMessage = SlabMessage | WorkerMessage<ReadEnd>;

async function run(task: ReadTask): Promise<ReadEnd> {
  let raw = 0;
  const returns = { port: task.returns, count: new Int32Array(task.returned) };
  const writer = new RingWriter(task.capacity, returns, (m, transfer) => parentPort!.postMessage(m, transfer), () => raw);
  const stats = new RingStats(task.spec.path, task.spec.node, writer);
  await readInput(task.spec, writer, { maxLineBytes: task.maxLineBytes, onProgress: (n) => (raw = n) }, { stats, place: (chunk, split) => writer.place(chunk, split) });
  writer.end();
  const { format, lines, records, preamble, bytes, lineEndings, notes } = stats;
  return { format, lines, records, preamble, bytes, lineEndings, notes, rawBytes: raw };
}

run(workerData as ReadTask).then(
  (result) => parentPort!.postMessage({ result } satisfies ReadMessage),
  (err: unknown) => parentPort!.postMessage(workerError(err)),
);
