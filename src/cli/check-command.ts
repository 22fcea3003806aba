// `slotscope check`: the CI gate over the same analysis analyze reports, with an allow-list and,
// optionally, a baseline run to compare with.
import { InputError } from '../ingest/input-error.js';
import { findTarget } from '../analyze/targets.js';
import { applyAllowlist, NO_ALLOWANCE } from '../gate/allowance.js';
import { type AllowEntry, findAllowlist, readAllowlist } from '../gate/allowlist.js';
import { baselineGates, comparableBaseline } from '../gate/baseline.js';
import { checkResult, renderCheckText } from '../gate/check-result.js';
import { readReport } from '../gate/read-report.js';
import { checkGates } from '../report/gates.js';
import { readinessReport } from '../report/readiness-report.js';
import { skippedLinesNotes } from '../report/skipped-lines.js';
import { readSummary } from '../report/progress.js';
import { paintGate, terminalStyle } from '../report/terminal-style.js';
import { emit, EXIT_GATE, inputSpecs, note, openOutput, readingCallbacks, redactorFor, startProgress, warn } from './cli-io.js';
import { type CiOutputs, openCiOutputs } from '../report/ci/publish-check.js';
import type { Report } from '../report/report.js';

export interface CheckCommandOptions {
  node: string[];
  /** Unset: 0, or no count gate under --baseline (which refuses them set). */
  maxCrossSlot?: number;
  maxCrossSlotTransactions?: number;
  maxCrossSlotScripts?: number;
  maxCrossSlotRate?: number;
  maxSlotSkew?: number;
  shards?: number;
  maxSkipped?: number;
  maxSkippedShare: number;
  maxUnknownShare: number;
  minCommands: number;
  failOn: string[];
  baseline?: string;
  tolerance: number;
  maxSkewIncrease: number;
  allowlist?: string;
  strictAllowlist?: boolean;
  format: string;
  output?: string;
  inputFormat?: string;
  maxLineBytes?: number;
  target: string;
  redactKeys?: boolean;
  redactSecretFile?: string;
  junit?: string;
  codequality?: string;
  jobs?: number;
}

/** What check opens and reads before its inputs: outputs, the allow-list and the baseline. */
export interface CheckSetup {
  out: ReturnType<typeof openOutput>;
  allowlist: string | null;
  entries: AllowEntry[];
  stored: Report | null;
  ci: CiOutputs;
}

/**
 * Everything that can be refused before the inputs are read: a bad path or allow-list fails in a moment
 * (for `record`, before the wrapped command runs). The baseline is an input too: `-o` naming it would
 * truncate it before it is read.
 */
export async function prepareCheck(inputs: string[], opts: CheckCommandOptions): Promise<CheckSetup> {
  // A limit the regression gates would replace would pass unseen: refused, as any option that cannot apply.
  const counted = (['maxCrossSlot', 'maxCrossSlotTransactions', 'maxCrossSlotScripts'] as const).find((k) => opts[k] !== undefined);
  if (opts.baseline !== undefined && counted) throw new InputError(`--${counted.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is not with --baseline: the regression gates replace the count gates (see check --help)`);
  const out = openOutput(opts.output, opts.baseline !== undefined ? [...inputs, opts.baseline] : inputs, opts);
  const allowlist = findAllowlist(opts.allowlist);
  const entries = allowlist ? await readAllowlist(allowlist) : [];
  const stored = opts.baseline !== undefined ? readReport(opts.baseline) : null;
  const ci = openCiOutputs(opts, [...inputs, ...opts.node], warn);
  return { out, allowlist, entries, stored, ci };
}

export async function checkCommand(inputs: string[], opts: CheckCommandOptions, setup?: CheckSetup): Promise<void> {
  const redactor = redactorFor(opts);
  const { out, allowlist, entries, stored, ci } = setup ?? (await prepareCheck(inputs, opts));
  const { specs, capture, warnings } = inputSpecs(inputs, opts);
  const progress = startProgress();
  const started = Date.now();
  // The report analyze makes, with the capture's topology: skew is then judged over today's primaries.
  const { report, analysis, guessed } = await readinessReport(specs, capture, warnings, { target: findTarget(opts.target), redactor, maxLineBytes: opts.maxLineBytes, ...readingCallbacks(progress, specs), jobs: opts.jobs });
  progress.done(readSummary(analysis.inputs, Date.now() - started));
  guessed.forEach(warn);
  const base = stored && opts.baseline !== undefined ? comparableBaseline(stored, report, opts.baseline, redactor) : null;
  const allowance = entries.length > 0 ? applyAllowlist(report, entries, { today: new Date().toISOString().slice(0, 10), ...(redactor ? { redactPattern: (p: string) => redactor.pattern(p) } : {}) }) : NO_ALLOWANCE;
  const gates = checkGates(
    report,
    {
      maxCrossSlotCommands: opts.maxCrossSlot ?? 0,
      maxCrossSlotTransactions: opts.maxCrossSlotTransactions ?? 0,
      maxCrossSlotScripts: opts.maxCrossSlotScripts ?? 0,
      maxCrossSlotRate: opts.maxCrossSlotRate,
      maxSlotSkew: opts.maxSlotSkew,
      shards: opts.shards,
      maxSkippedLines: opts.maxSkipped,
      maxSkippedShare: opts.maxSkippedShare,
      maxUnknownShare: opts.maxUnknownShare,
      minCommands: opts.minCommands,
      failOn: opts.failOn,
      strictAllowlist: opts.strictAllowlist,
    },
    {
      allowance,
      ...(base ? { regressions: baselineGates(base, report, allowance, { tolerance: opts.tolerance, maxSkewIncrease: opts.maxSkewIncrease, shards: opts.shards }), baselineVerdict: base.verdict.status } : {}),
    },
  );
  const result = checkResult(report, gates, allowance, allowlist, base && opts.baseline !== undefined ? { file: opts.baseline, report: base } : null);
  // Set before writing: a reader that closes stdout early (EPIPE) still gets the gate's exit code.
  if (!result.passed) process.exitCode = EXIT_GATE;
  note(skippedLinesNotes(analysis.inputs));
  const json = JSON.stringify(result, null, 2) + '\n';
  if (out) emit(json, out);
  process.stdout.write(opts.format === 'json' ? json : renderCheckText(result, (ok) => paintGate(terminalStyle(), ok)));
  await ci.publish(result, report);
}
