// `plan()` for a program or a test suite: the plan `slotscope plan -f json` prints, from paths or from
// bytes in memory, in one call.
import { InputError } from '../ingest/input-error.js';
import { rereadable } from '../ingest/memory-source.js';
import { DEFAULT_PLAN_OPTIONS, makePlan, type Plan } from '../plan/make-plan.js';
import { redactPlan } from '../report/redact-report.js';
import { type InputOptions, type LibraryInput, redactorFor, resolveInputs, targetFor } from './library-inputs.js';

export interface PlanCallOptions extends InputOptions {
  /** `--shards`: primaries to plan for (default 3). */
  shards?: number;
  /** `--own-write-window`: ms within which a client reading a key it wrote needs the primary (default 100). */
  ownWriteWindowMs?: number;
  /** `--rename-map`: called once per distinct key of a key dump or memory report that a rename applies to. */
  renameMap?: (oldKey: string, newKey: string) => void;
}

/** The migration plan (schema slotscope.plan/2) over the inputs, as `slotscope plan -f json` makes it. */
export async function plan(inputs: readonly LibraryInput[], options: PlanCallOptions = {}): Promise<Plan> {
  const redactor = redactorFor(options);
  // As the CLI refuses --rename-map with --redact-keys: the map is the keys themselves.
  if (redactor && options.renameMap) throw new InputError('renameMap gives real key names, so it cannot be used with redactKeys');
  const { specs, capture } = resolveInputs(inputs, options);
  const known = capture.topology;
  // makePlan hands its options to the analysis, which reads `target` from them.
  const planOptions = {
    ...DEFAULT_PLAN_OPTIONS,
    target: targetFor(options.target),
    shards: options.shards ?? DEFAULT_PLAN_OPTIONS.shards,
    ownWriteWindowMs: options.ownWriteWindowMs ?? DEFAULT_PLAN_OPTIONS.ownWriteWindowMs,
    primaries: known?.mode === 'cluster' ? known.primaries : undefined,
    renameMap: options.renameMap,
  };
  // Pass 2 reads the inputs again with every change applied: a stream's bytes are kept for it in memory
  // (stdin's or a named pipe's, given by path, makePlan keeps on disk).
  const made = await makePlan(await Promise.all(specs.map(async (s) => (s.data === undefined ? s : { ...s, data: await rereadable(s.data, s.path) }))), planOptions);
  return redactor ? redactPlan(made, redactor) : made;
}
