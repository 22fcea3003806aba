// `slotscope check`: the CI gate over the same analysis analyze reports.
import { analyzeInputs } from '../analyze/analyze-inputs.js';
import { findTarget } from '../analyze/targets.js';
import { PlanSummary } from '../plan/plan-summary.js';
import { checkGates, type GateLimits, renderGates } from '../report/gates.js';
import { buildReport } from '../report/report.js';
import { skippedLinesNotes } from '../report/skipped-lines.js';
import { readSummary } from '../report/progress.js';
import { paintGate, terminalStyle } from '../report/terminal-style.js';
import { EXIT_GATE, inputSpecs, note, redactorFor, startProgress } from './cli-io.js';

export interface CheckCommandOptions {
  node: string[];
  maxCrossSlot: number;
  maxCrossSlotTransactions: number;
  maxCrossSlotScripts: number;
  maxSkipped?: number;
  maxSkippedShare: number;
  minCommands: number;
  failOn: GateLimits['failOn'];
  format: string;
  inputFormat?: string;
  target: string;
  redactKeys?: boolean;
  redactSecretFile?: string;
}

export async function checkCommand(inputs: string[], opts: CheckCommandOptions): Promise<void> {
  const redactor = redactorFor(opts);
  const { specs } = inputSpecs(inputs, opts);
  // The same plan summary as analyze's, so the verdict gated here is the one analyze reports.
  const summary = new PlanSummary();
  const progress = startProgress();
  const started = Date.now();
  const result = await analyzeInputs(specs, { observer: summary.observer(), target: findTarget(opts.target), redactKeys: redactor !== null, onInput: (spec, i) => progress.input(spec.path, i, specs.length), onProgress: (n) => progress.bytes(n) });
  progress.done(readSummary(result.inputs, Date.now() - started));
  const report = buildReport(result, summary.result());
  const gates = checkGates(report, {
    maxCrossSlotCommands: opts.maxCrossSlot,
    maxCrossSlotTransactions: opts.maxCrossSlotTransactions,
    maxCrossSlotScripts: opts.maxCrossSlotScripts,
    maxSkippedLines: opts.maxSkipped,
    maxSkippedShare: opts.maxSkippedShare,
    minCommands: opts.minCommands,
    failOn: opts.failOn,
  });
  const passed = gates.every((g) => g.passed);
  // Set before writing: a reader that closes stdout early (EPIPE) still gets the gate's exit code.
  if (!passed) process.exitCode = EXIT_GATE;
  note(skippedLinesNotes(result.inputs, redactor ? (r) => redactor.reason(r) : undefined));
  const style = terminalStyle();
  process.stdout.write(opts.format === 'json' ? JSON.stringify({ schema: 'slotscope.check/1', target: report.target, passed, gates }, null, 2) + '\n' : `Judged for ${report.target.label} (--target ${report.target.id})\n${renderGates(gates, (ok) => paintGate(style, ok))}`);
}
