// `slotscope plan`: one set of changes, a runbook and a layout, with the rename map on request.
import { findTarget } from '../analyze/targets.js';
import { InputError } from '../ingest/input-error.js';
import { DEFAULT_PLAN_OPTIONS, makePlan } from '../plan/make-plan.js';
import { renderPlanMarkdown } from '../report/plan-markdown.js';
import { redactPlan } from '../report/redact-report.js';
import { emit, inputSpecs, openOutput, redactorFor } from './cli-io.js';

export interface PlanCommandOptions {
  node: string[];
  format: string;
  output?: string;
  shards: number;
  renameMap?: string;
  ownWriteWindow: number;
  inputFormat?: string;
  target: string;
  redactKeys?: boolean;
  redactSecretFile?: string;
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
  const known = capture.topology;
  map?.write('old_key,new_key\n');
  // makePlan hands its options to the analysis, which reads `target` from them.
  const options = {
    ...DEFAULT_PLAN_OPTIONS,
    target: findTarget(opts.target),
    shards: opts.shards,
    ownWriteWindowMs: opts.ownWriteWindow,
    primaries: known?.mode === 'cluster' ? known.primaries : undefined,
    renameMap: map ? (from: string, to: string) => map.write(Buffer.from(`${csvField(from)},${csvField(to)}\n`, 'latin1')) : undefined,
  };
  const plan = await makePlan(specs, options);
  map?.close();
  const shown = redactor ? redactPlan(plan, redactor) : plan;
  emit(opts.format === 'json' ? JSON.stringify(shown, null, 2) + '\n' : renderPlanMarkdown(shown), out);
}
