// An analysis over inputs that may be summaries and raw files mixed, on one thread or several. Inputs are
// taken in the order given; a run of raw inputs is read in this thread, or under --jobs one worker per
// node (a node's inputs in order in one worker: its MULTI/EXEC blocks and script calls can span its files),
// and every part comes back as a summary merged in order. A single thread over raw files alone is the
// plain analysis, with no summary in between.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { type AnalysisResult, type AnalyzeOptions, analyzeInputs } from '../analyze/analyze-inputs.js';
import type { KeyRedactor } from '../analyze/redact-keys.js';
import { NoThreadError, runInWorkers } from '../analyze/parallel/worker-pool.js';
import { type CaptureContext, guessedReplication } from '../ingest/capture-manifest.js';
import type { InputSpec } from '../ingest/read-input.js';
import { PlanSummary } from '../plan/plan-summary.js';
import type { KnownTopology } from '../report/report.js';
import { inexactMerge } from './exact-merge.js';
import { mergeSummaries, type NamedSummary } from './merge-summaries.js';
import { checkSummaryVersion, isSummaryFile, readSummaryFile } from './read-summary.js';
import { redactedPart } from './redact-summary.js';
import { inputStats, runSummary } from './run-summary.js';
import type { RunSummary, SummaryRedaction } from './summary-format.js';
import { type SummaryTask, summarizeTask } from './summarize-task.js';

export interface SourcesOptions extends Omit<AnalyzeOptions, 'observer' | 'redactKeys'> {
  /**
   * --redact-keys: every part is redacted before the merge, so the run's aggregates (and the report and
   * summary made of them) hold no key text.
   */
  redactor?: KeyRedactor | null;
  /** Worker threads for raw inputs; default: the cores available. */
  jobs?: number;
  /** Raw inputs are being read by `workers` threads, `bytes` in all (for the progress line). */
  onParallel?: (inputs: number, workers: number, bytes: number) => void;
  /** The workers' parts would not merge exactly (`why`): the inputs are being read again on this thread. */
  onOneThread?: (why: string) => void;
}

export interface SourcesRun {
  analysis: AnalysisResult;
  plan: PlanSummary;
  topology: KnownTopology | null;
  warnings: string[];
  /** Inputs that look like a replica's capture with its primary's replication stream: one sentence each. */
  guessed: string[];
  /** Set when the aggregates were redacted (--redact-keys, or redacted summaries): their key text is keyed hashes. */
  redaction: SummaryRedaction | null;
  /** The run's summary (--summary-out). */
  summary(): RunSummary;
}

export async function runSources(specs: InputSpec[], capture: CaptureContext, warnings: readonly string[], options: SourcesOptions): Promise<SourcesRun> {
  // Workers print what one thread prints (sketches per node, samples replayed, exact-merge.ts), so the
  // machine's core count changes only how long it takes.
  const jobs = options.jobs ?? availableParallelism();
  const redactor = options.redactor ?? null;
  const summaryAt = specs.map((s) => s.data === undefined && isSummaryFile(s.path));
  const groups = nodeRuns(specs);
  // Redacted, even one thread over raw files is a merge of its redacted summary: what a report shows is
  // then what a summary holds, so a merge of redacted summaries makes the same report.
  if (!redactor && !summaryAt.includes(true) && (jobs <= 1 || groups === null || groups.length < 2 || specs.some((s) => s.data !== undefined))) return plainRun(specs, capture, warnings, options);

  // Summary files are read as the merge takes them, and each part is let go once merged: one decoded
  // summary at a time, however many nodes.
  specs.forEach((s, i) => summaryAt[i] && checkSummaryVersion(s.path));
  const parts: (() => NamedSummary)[] = [];
  for (let i = 0; i < specs.length; ) {
    if (summaryAt[i]) {
      const path = specs[i].path;
      parts.push(() => ({ summary: readSummaryFile(path), name: path }));
      i++;
      continue;
    }
    let end = i;
    while (end < specs.length && !summaryAt[end]) end++;
    for (const part of await rawRun(specs.slice(i, end), capture, options, jobs)) parts.push(() => part);
    i = end;
  }
  function* each(): Generator<NamedSummary> {
    for (let part = parts.shift(); part; part = parts.shift()) yield redactor ? redactedPart(part(), redactor) : part();
  }
  const merged = mergeSummaries(each());
  const all = [...new Set([...warnings, ...merged.warnings])];
  return { ...merged, warnings: all, summary: () => runSummary(merged.analysis, merged.plan, { topology: merged.topology, warnings: all, guessed: merged.guessed, redaction: merged.redaction }) };
}

/** Raw files alone on one thread: the analysis as it always ran. */
async function plainRun(specs: InputSpec[], capture: CaptureContext, warnings: readonly string[], options: SourcesOptions): Promise<SourcesRun> {
  const plan = new PlanSummary();
  const analysis = await analyzeInputs(specs, { ...options, redactKeys: false, observer: plan.observer(), readWorker: (options.jobs ?? availableParallelism()) > 1 });
  const guessed = guessedReplication(capture, analysis.inputs);
  const topology = capture.topology;
  return { analysis, plan, topology, warnings: [...warnings], guessed, redaction: null, summary: () => runSummary(analysis, plan, { topology, warnings, guessed }) };
}

/** Raw inputs in a row: as summaries, from workers (one per node) when that is exact, else from this thread. */
async function rawRun(specs: InputSpec[], capture: CaptureContext, options: SourcesOptions, jobs: number): Promise<NamedSummary[]> {
  const groups = jobs > 1 ? nodeRuns(specs) : null;
  let threads = jobs > 1;
  if (groups && groups.length > 1 && !specs.some((s) => s.data !== undefined)) {
    try {
      const parts = await workerRuns(groups, capture, options, jobs);
      const why = inexactMerge(parts);
      if (why === null) return parts;
      options.onOneThread?.(why);
    } catch (err) {
      if (!(err instanceof NoThreadError)) throw err;
      threads = false;
      options.onNoThread?.(err.message);
    }
  }
  const plan = new PlanSummary();
  const analysis = await analyzeInputs(specs, { ...options, redactKeys: Boolean(options.redactor), observer: plan.observer(), readWorker: threads });
  return [{ summary: runSummary(analysis, plan, { topology: capture.topology, warnings: [], guessed: guessedReplication(capture, analysis.inputs) }), name: specs.map((s) => s.path).join(', ') }];
}

async function workerRuns(groups: InputSpec[][], capture: CaptureContext, options: SourcesOptions, jobs: number): Promise<NamedSummary[]> {
  const tasks: SummaryTask[] = groups.map((specs) => ({ specs, target: options.target?.id ?? '', redactKeys: Boolean(options.redactor), distinct: options.distinct, maxLineBytes: options.maxLineBytes }));
  const workers = Math.min(jobs, tasks.length);
  options.onParallel?.(groups.flat().length, workers, groups.flat().reduce((t, s) => t + sizeOf(s.path), 0));
  const done = new Array<number>(tasks.length).fill(0);
  const progress = (task: number, bytes: number): void => {
    done[task] = bytes;
    options.onProgress?.(done.reduce((a, b) => a + b, 0));
  };
  // This thread runs tasks too rather than wait: one thread fewer to start, and one heap fewer.
  const summaries = await runInWorkers<RunSummary>(new URL('./summary-worker.js', import.meta.url), tasks, workers, progress, (task, onProgress) => summarizeTask(tasks[task], onProgress));
  return summaries.map((summary, i) => {
    summary.topology = capture.topology;
    summary.guessed = guessedReplication(capture, summary.inputs.map(inputStats));
    return { summary, name: groups[i].map((s) => s.path).join(', ') };
  });
}

/**
 * The inputs cut where the node changes: one part per node, in order. null when a node's inputs are not
 * all together, since its parts would then be merged out of the order one thread reads them in.
 */
function nodeRuns(specs: InputSpec[]): InputSpec[][] | null {
  const runs: InputSpec[][] = [];
  const seen = new Set<string>();
  for (const s of specs) {
    const last = runs[runs.length - 1];
    if (last && last[0].node === s.node) {
      last.push(s);
      continue;
    }
    if (seen.has(s.node)) return null;
    seen.add(s.node);
    runs.push([s]);
  }
  return runs;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // the worker reading it says why
  }
}
