// Runs inputs, one after another, through ingest into one Analyzer, a replica's replication stream kept
// out (replication-stream.ts) before any sink sees its lines: the analysis's and the planner's alike.
import type { InputStats } from '../ingest/input-stats.js';
import { type InputSpec, type ReadOptions, readInput } from '../ingest/read-input.js';
import type { RecordSink } from '../ingest/records.js';
import { ReplicationStreamFilter } from '../ingest/replication-stream.js';
import { readInWorker, worthAWorker } from './parallel/read-in-worker.js';
import { NoThreadError } from './parallel/worker-pool.js';
import { Analyzer, type AnalyzerOptions } from './analyzer.js';

export interface AnalyzeOptions extends AnalyzerOptions, ReadOptions {
  /** Called when an input starts, with its index. */
  onInput?: (spec: InputSpec, index: number) => void;
  /** Read and parse each large file in a worker thread, a core beside the analysis (worthAWorker). */
  readWorker?: boolean;
  /** No thread could be made (`why`): the inputs are being read on this thread instead. */
  onNoThread?: (why: string) => void;
}

export interface AnalysisResult {
  analyzer: Analyzer;
  inputs: InputStats[];
}

/** `front`: a sink of the caller's in front of the analyzer (the planner's passes look at and rewrite records). */
export async function analyzeInputs(specs: InputSpec[], options: AnalyzeOptions = {}, front: (analyzer: Analyzer) => RecordSink = (a) => a): Promise<AnalysisResult> {
  const analyzer = new Analyzer(options);
  const sink = front(analyzer);
  const inputs: InputStats[] = [];
  let readWorker = options.readWorker ?? false;
  const read = async (spec: InputSpec, sink: RecordSink): Promise<InputStats> => {
    if (readWorker && worthAWorker(spec)) {
      try {
        return await readInWorker(spec, sink, options);
      } catch (err) {
        if (!(err instanceof NoThreadError)) throw err;
        readWorker = false;
        options.onNoThread?.(err.message);
      }
    }
    return readInput(spec, sink, options);
  };
  for (const [i, spec] of specs.entries()) {
    options.onInput?.(spec, i);
    const replication = spec.peers?.length ? new ReplicationStreamFilter(sink, spec.peers) : null;
    const stats = await read(spec, replication ?? sink);
    if (replication) ({ lines: stats.replicationLines, from: stats.replicationFrom } = replication.total());
    inputs.push(stats);
    analyzer.endInput(spec.node);
  }
  analyzer.finish();
  return { analyzer, inputs };
}
