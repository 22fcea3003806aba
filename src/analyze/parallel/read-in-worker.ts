// Reads one input through a read worker: the worker splits and parses it into the ring, and this thread
// hands each slab's records to the sink in line order, as readInput() would, then hands the slab back. The
// stats are readInput()'s: the worker's count of lines and bytes, this thread's of records and skips.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { InputStats } from '../../ingest/input-stats.js';
import { MonitorRecord } from '../../ingest/monitor-parser.js';
import { noteNothingRead, type InputSpec, type ReadOptions } from '../../ingest/read-input.js';
import type { RecordSink } from '../../ingest/records.js';
import { Entry, Slab, type SlabMessage } from './ring.js';
import type { ReadEnd, ReadMessage, ReadTask } from './read-worker.js';
import { startWorker, workerFailure } from './worker-pool.js';

/** A slab's bytes: one file chunk (1 MiB) and the fifth kept for a line carried over (reserveOf). */
const CAPACITY = (1 << 20) + (256 << 10);

/**
 * Files from this size on get a read worker: a worker takes ~0.1 s to start and read its first chunk,
 * which a smaller file does not win back. A gzip file from an eighth of it: MONITOR captures gzip 5-8x.
 */
const WORKER_FROM = 64 << 20;
const GZIP_WORKER_FROM = WORKER_FROM / 8;

/** Whether an input is read in a worker: a file (not stdin, not bytes in hand) large enough to pay for it. */
export function worthAWorker(spec: InputSpec): boolean {
  if (spec.data !== undefined || spec.path === '-') return false;
  try {
    const size = statSync(spec.path).size;
    return size >= WORKER_FROM || (size >= GZIP_WORKER_FROM && isGzip(spec.path));
  } catch {
    return false; // readInput says why
  }
}

function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const magic = Buffer.alloc(2);
    return readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** Rejects with a NoThreadError, before the sink sees anything, when no thread can be made. */
export async function readInWorker(spec: InputSpec, sink: RecordSink, options: ReadOptions = {}, capacity = CAPACITY): Promise<InputStats> {
  const stats = new InputStats(spec.path, spec.node);
  const { port1, port2 } = new MessageChannel();
  const returned = new SharedArrayBuffer(4);
  const drain = new SlabDrain(capacity, port1, new Int32Array(returned), sink, spec.node, stats);
  const task: ReadTask = { spec, capacity, returns: port2, returned, maxLineBytes: options.maxLineBytes };
  let worker: Worker;
  try {
    worker = startWorker(new URL('./read-worker.js', import.meta.url), { workerData: task, transferList: [port2] });
  } catch (err) {
    port1.close();
    throw err;
  }
  const end = await new Promise<ReadEnd>((resolve, reject) => {
    let settled = false;
    const settle = (err: Error | null, result?: ReadEnd): void => {
      if (settled) return;
      settled = true;
      if (err) {
        // The worker may be waiting on a slab this thread will not hand back.
        port1.close();
        void worker.terminate();
        reject(err);
      } else resolve(result!);
    };
    worker.on('message', (m: ReadMessage) => {
      if (settled) return;
      try {
        if ('slab' in m) {
          drain.slab(m);
          options.onProgress?.(m.rawBytes);
        } else if ('result' in m) {
          port1.close();
          options.onProgress?.(m.result.rawBytes);
          settle(null, m.result);
        } else if ('error' in m) settle(workerFailure(m.error));
      } catch (err) {
        settle(err as Error);
      }
    });
    worker.on('error', (err) => settle(err));
    worker.on('exit', (code) => settle(new Error(`read worker for ${spec.path} exited with code ${code} before its end`)));
  });
  stats.format = end.format;
  stats.lines = end.lines;
  stats.records = end.records - drain.refused;
  stats.preamble = end.preamble;
  stats.bytes = end.bytes;
  stats.lineEndings = end.lineEndings;
  stats.notes.push(...end.notes);
  noteNothingRead(stats);
  return stats;
}

/** Turns a slab's entries back into the sink's calls: the same records, keys and skips, in order. */
class SlabDrain {
  private readonly rec = new MonitorRecord();
  /** Records the sink refused (a cut line): counted by the worker as records, here as skipped. */
  refused = 0;

  constructor(
    private readonly capacity: number,
    private readonly port: MessagePort,
    private readonly returned: Int32Array,
    private readonly sink: RecordSink,
    private readonly node: string,
    private readonly stats: InputStats,
  ) {}

  slab(m: SlabMessage): void {
    const slab = new Slab(m.slab, this.capacity);
    this.entries(slab.bytes, slab.ints, m.ints, slab.times, m);
    this.port.postMessage(m.slab, [m.slab]);
    Atomics.add(this.returned, 0, 1);
    Atomics.notify(this.returned, 0);
  }

  private entries(bytes: Buffer, ints: Int32Array, length: number, times: Float64Array, m: SlabMessage): void {
    const rec = this.rec;
    const { lineBase, strings } = m;
    let t = 0;
    for (let p = 0; p < length; ) {
      const head = ints[p];
      switch (head & 15) {
        case Entry.Record: {
          const argc = ints[p + 5];
          rec.buf = bytes;
          rec.clientKind = head >> 4;
          rec.lineNo = lineBase + ints[p + 1];
          rec.db = ints[p + 2];
          rec.clientStart = ints[p + 3];
          rec.clientEnd = ints[p + 4];
          rec.timeMicros = times[t++];
          rec.argc = 0;
          for (let q = p + 6, last = q + 2 * argc; q < last; q += 2) rec.push(ints[q], ints[q + 1]);
          // The command and its keys, as LineKeys wrote them.
          rec.pre = ints;
          rec.preAt = p + 6 + 2 * argc;
          p = rec.preAt + 2 + 4 * ints[rec.preAt + 1];
          const refused = this.sink.command(rec, this.node);
          if (refused) {
            this.refused++;
            this.stats.skip(rec.lineNo, refused);
          }
          break;
        }
        case Entry.Skip:
          this.stats.skip(lineBase + ints[p + 1], strings[head >> 4]);
          p += 2;
          break;
        case Entry.Key:
          if ((head >> 4) === 0) {
            this.sink.key(bytes, ints[p + 1], ints[p + 2], this.node, null);
            p += 3;
          } else {
            const measured = times[t];
            this.sink.key(bytes, ints[p + 1], ints[p + 2], this.node, { db: times[t + 2], type: strings[ints[p + 3]], bytes: Number.isNaN(measured) ? null : measured, expiresAt: times[t + 1] });
            t += 3;
            p += 4;
          }
          break;
        case Entry.Outside: {
          const line = m.outside[head >> 4];
          this.entries(Buffer.from(line.bytes.buffer, line.bytes.byteOffset, line.bytes.byteLength), line.ints, line.ints.length, line.times, m);
          p += 1;
          break;
        }
        default:
          throw new Error(`read worker: unknown entry ${head & 15}`);
      }
    }
  }
}
