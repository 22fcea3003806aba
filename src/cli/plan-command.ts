// `slotscope plan`: one set of changes, a runbook and a layout, with the rename map on request.
import { findTarget } from '../analyze/targets.js';
import { InputError } from '../ingest/input-error.js';
import type { InputStats } from '../ingest/input-stats.js';
import type { InputSpec } from '../ingest/read-input.js';
import { DEFAULT_PLAN_OPTIONS, makePlan } from '../plan/make-plan.js';
import { renderPlanHtml } from '../report/plan-html.js';
import { renderPlanMarkdown } from '../report/plan-markdown.js';
import { redactPlan } from '../report/redact-report.js';
import { redactedReasons, skippedLinesNotes } from '../report/skipped-lines.js';
import { byteSize, seconds } from '../report/format-numbers.js';
import { emit, EXIT_INPUT, inputSpecs, note, openOutput, redactorFor, startProgress } from './cli-io.js';
import { isSummaryFile } from '../summary/read-summary.js';

export interface PlanCommandOptions {
  node: string[];
  format: string;
  output?: string;
  shards: number;
  renameMap?: string;
  ownWriteWindow: number;
  inputFormat?: string;
  maxLineBytes?: number;
  target: string;
  redactKeys?: boolean;
  redactSecretFile?: string;
  strict?: boolean;
}

/** RFC 4180: quoted, quotes doubled; keys keep their exact bytes (latin1 strings). */
function csvField(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

export async function planCommand(inputs: string[], opts: PlanCommandOptions): Promise<void> {
  const redactor = redactorFor(opts);
  // A rename map is the keys themselves: asked for with --redact-keys, it would break the promise.
  if (redactor && opts.renameMap) throw new InputError('--rename-map writes real key names, so it cannot be used with --redact-keys');
  const out = openOutput(opts.output, inputs, opts);
  const map = openOutput(opts.renameMap, inputs, opts);
  const { specs, capture } = inputSpecs(inputs, opts);
  // The planner's second pass replays each line under the chosen renames to predict what they fix: a
  // summary holds counts, not lines, so a plan from one would be unverified. Refused rather than guessed.
  const summary = specs.find((s) => isSummaryFile(s.path));
  if (summary) throw new InputError('a summary, not a capture: plan reads the captures twice (the second pass predicts each fix line by line); give it the captures, or see the short plan in `slotscope merge`\'s report', summary.path);
  const known = capture.topology;
  map?.write('old_key,new_key\n');
  // makePlan hands its options to the analysis, which reads `target` from them.
  const options = {
    ...DEFAULT_PLAN_OPTIONS,
    target: findTarget(opts.target),
    shards: opts.shards,
    ownWriteWindowMs: opts.ownWriteWindow,
    maxLineBytes: opts.maxLineBytes,
    primaries: known?.mode === 'cluster' ? known.primaries : undefined,
    renameMap: map ? (from: string, to: string) => map.write(Buffer.from(`${csvField(from)},${csvField(to)}\n`, 'latin1')) : undefined,
  };
  const progress = startProgress();
  const started = Date.now();
  // Bytes of the inputs read so far (done) and of the one being read; pass 2, if any, reads them all again.
  let [passes, done, reading] = [0, 0, 0];
  const onInput = (spec: InputSpec, i: number, pass: 1 | 2): void => {
    progress.input(spec.path, i, specs.length, `pass ${pass} reading`);
    [passes, done, reading] = [pass, done + reading, 0];
  };
  const onProgress = (n: number): void => {
    progress.bytes(n);
    reading = n;
  };
  const onCopy = (spec: InputSpec, i: number): void => progress.input(spec.path, i, specs.length, 'keeping a copy of');
  let read: readonly InputStats[] = [];
  const plan = await makePlan(specs, { ...options, onInput, onProgress, onCopy, onCopyBytes: (n) => progress.bytes(n), onRead: (inputs) => (read = inputs) });
  progress.done(`planned from ${specs.length} input${specs.length === 1 ? '' : 's'} (${byteSize((done + reading) / passes)}, read ${passes === 1 ? 'once' : 'twice'}) in ${seconds(Date.now() - started)}`);
  map?.close();
  const shown = redactor ? redactPlan(plan, redactor) : plan;
  emit(opts.format === 'json' ? JSON.stringify(shown, null, 2) + '\n' : opts.format === 'html' ? renderPlanHtml(shown) : renderPlanMarkdown(shown), out);
  note(skippedLinesNotes(redactor ? read.map((i) => redactedReasons(i, redactor)) : read));
  if (opts.strict && plan.skippedLines > 0) process.exitCode = EXIT_INPUT;
}
