// `slotscope analyze`: the readiness report over files, or live over MONITOR.
import { findTarget } from '../analyze/targets.js';
import { InputError } from '../ingest/input-error.js';
import { parseDuration } from '../live/duration.js';
import { listenForStop } from '../live/stop-signals.js';
import { PlanSummary } from '../plan/plan-summary.js';
import { captureProgress, linesFrom, readSummary } from '../report/progress.js';
import { buildReport } from '../report/report.js';
import { readinessReport } from '../report/readiness-report.js';
import { skippedLinesNotes } from '../report/skipped-lines.js';
import { type ConnectionFlags, endpointsFrom, connectionFlag } from './connection-options.js';
import { redactedRun } from '../summary/redact-summary.js';
import { writeSummary } from '../summary/write-summary.js';
import { emitReport } from './emit-report.js';
import { endStopped, EXIT_INPUT, forHowLong, inputSpecs, monitorWarning, nodeCount, note, openOutput, readingCallbacks, redactorFor, startProgress, warn } from './cli-io.js';

export interface AnalyzeCommandOptions extends ConnectionFlags {
  node: string[];
  format: string;
  output?: string;
  inputFormat?: string;
  strict?: boolean;
  exactKeys: number;
  redactKeys?: boolean;
  redactSecretFile?: string;
  maxLineBytes?: number;
  /** A node's URL or HOST:PORT, or true when -h/-p/-u name it. */
  live?: string | true;
  duration: string;
  target: string;
  jobs?: number;
  summaryOut?: string;
}

export async function analyzeCommand(inputs: string[], opts: AnalyzeCommandOptions): Promise<void> {
  const flag = connectionFlag(opts);
  if (!opts.live && flag) throw new InputError(`--${flag} is for --live (a capture is read from files)`);
  const redactor = redactorFor(opts);
  const out = openOutput(opts.output, inputs, opts);
  const summaryOut = opts.summaryOut !== undefined ? openOutput(opts.summaryOut, opts.output !== undefined ? [...inputs, opts.output] : inputs, opts) : null;
  if (summaryOut && opts.live) throw new InputError('--summary-out is for files: capture with `slotscope capture monitor`, then analyze the capture');
  if (opts.live && (inputs.length > 0 || opts.node.length > 0)) throw new InputError('--live reads the deployment, not files: give either --live or input files (capture with `slotscope capture monitor` to analyse both)');
  if (opts.live) {
    const summary = new PlanSummary();
    const durationMs = parseDuration(opts.duration);
    const seeds = endpointsFrom(opts, opts.live === true ? [] : [opts.live], warn);
    if (seeds.length > 1) throw new InputError('--live captures one deployment: give one node, as --live or -u');
    const ep = seeds[0];
    const stop = listenForStop();
    // MONITOR needs ioredis; an analysis of files never loads it.
    const { analyzeLive } = await import('../analyze/analyze-live.js');
    let nodes = 0;
    const progress = captureProgress(startProgress(), durationMs);
    const live = await analyzeLive(ep, {
      observer: summary.observer(),
      redactKeys: Boolean(opts.redactKeys),
      target: findTarget(opts.target),
      durationMs,
      signal: stop.stop,
      onTopology: (t) => note(monitorWarning((nodes = t.nodes.length), durationMs, opts.duration)),
      onAttached: () => {
        warn(`MONITOR attached on ${nodeCount(nodes)}; analysing ${forHowLong(durationMs, opts.duration)}`);
        progress.start();
      },
      watch: (node, sink) => progress.counted(node, sink),
    });
    progress.done(`analysed ${linesFrom(live.nodes)}`);
    for (const n of live.nodes) if (n.error) warn(n.error);
    const shown = redactor ? redactedRun(live, summary, redactor) : { analysis: live, plan: summary, redaction: null };
    emitReport(buildReport(shown.analysis, shown.plan.result(), live.known, [], shown.redaction ?? undefined), opts.format, out);
    endStopped(stop, 'the report covers the traffic up to then');
    return;
  }
  const { specs, capture, warnings } = inputSpecs(inputs, opts);
  const progress = startProgress();
  const started = Date.now();
  const run = await readinessReport(specs, capture, warnings, {
    distinct: { maxExactKeys: opts.exactKeys, precision: 9 },
    redactor,
    target: findTarget(opts.target),
    maxLineBytes: opts.maxLineBytes,
    ...readingCallbacks(progress, specs),
    jobs: opts.jobs,
  });
  const { report, analysis, guessed } = run;
  progress.done(readSummary(analysis.inputs, Date.now() - started));
  guessed.forEach(warn);
  if (summaryOut) writeSummary(run.summary(), summaryOut);
  emitReport(report, opts.format, out);
  note(skippedLinesNotes(analysis.inputs));
  if (opts.strict && report.totals.skippedLines > 0) process.exitCode = EXIT_INPUT;
}
