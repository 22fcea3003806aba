// `slotscope analyze`: the readiness report over files, or live over MONITOR.
import { findTarget } from '../analyze/targets.js';
import { parseDuration } from '../live/duration.js';
import { parseRedisUrl } from '../live/redis-url.js';
import { listenForStop } from '../live/stop-signals.js';
import { PlanSummary } from '../plan/plan-summary.js';
import { captureProgress, linesFrom, readSummary } from '../report/progress.js';
import { buildReport } from '../report/report.js';
import { readinessReport } from '../report/readiness-report.js';
import { skippedLinesNotes } from '../report/skipped-lines.js';
import { emitReport } from './emit-report.js';
import { endStopped, EXIT_INPUT, forHowLong, inputSpecs, monitorWarning, nodeCount, note, openOutput, redactorFor, startProgress, warn } from './cli-io.js';

export interface AnalyzeCommandOptions {
  node: string[];
  format: string;
  output?: string;
  inputFormat?: string;
  strict?: boolean;
  exactKeys: number;
  redactKeys?: boolean;
  redactSecretFile?: string;
  maxLineBytes?: number;
  live?: string;
  duration: string;
  passwordFile?: string;
  target: string;
}

export async function analyzeCommand(inputs: string[], opts: AnalyzeCommandOptions): Promise<void> {
  const redactor = redactorFor(opts);
  const out = openOutput(opts.output, inputs, opts);
  if (opts.live) {
    const summary = new PlanSummary();
    const durationMs = parseDuration(opts.duration);
    const ep = parseRedisUrl(opts.live, opts.passwordFile);
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
    emitReport(buildReport(live, summary.result(), live.known), opts.format, out, redactor);
    endStopped(stop, 'the report covers the traffic up to then');
    return;
  }
  const { specs, capture, warnings } = inputSpecs(inputs, opts);
  const progress = startProgress();
  const started = Date.now();
  const { report, analysis, guessed } = await readinessReport(specs, capture, warnings, {
    distinct: { maxExactKeys: opts.exactKeys, precision: 9 },
    redactKeys: Boolean(opts.redactKeys),
    target: findTarget(opts.target),
    maxLineBytes: opts.maxLineBytes,
    onInput: (spec, i) => progress.input(spec.path, i, specs.length),
    onProgress: (n) => progress.bytes(n),
  });
  progress.done(readSummary(analysis.inputs, Date.now() - started));
  guessed.forEach(warn);
  emitReport(report, opts.format, out, redactor);
  note(skippedLinesNotes(analysis.inputs, redactor ? (r) => redactor.reason(r) : undefined));
  if (opts.strict && report.totals.skippedLines > 0) process.exitCode = EXIT_INPUT;
}
