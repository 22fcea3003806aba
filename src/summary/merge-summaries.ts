// Summaries into one run, in the order given, as if their inputs had been read one after another in one
// process: the aggregates merge themselves (Analyzer.merge, PlanSummary.merge); this checks that the
// summaries were judged alike and names the file when one does not decode.
import type { AnalysisResult } from '../analyze/analyze-inputs.js';
import { Analyzer } from '../analyze/analyzer.js';
import { StateError } from '../analyze/state-codec.js';
import { findTarget } from '../analyze/targets.js';
import { InputError } from '../ingest/input-error.js';
import { PlanSummary } from '../plan/plan-summary.js';
import type { KnownTopology } from '../report/report.js';
import { inputStats } from './run-summary.js';
import type { RunSummary, SummaryRedaction } from './summary-format.js';

export interface NamedSummary {
  summary: RunSummary;
  /** The file it came from (or the inputs a worker read), for messages. */
  name: string;
}

export interface MergedRun {
  analysis: AnalysisResult;
  plan: PlanSummary;
  topology: KnownTopology | null;
  warnings: string[];
  guessed: string[];
  /** Scripts or functions one summary judged without flags that an earlier one had learnt (SCRIPT/FUNCTION LOAD). */
  flagsElsewhere: string[];
  /** The summaries' redaction (--redact-keys), all alike: their key text is keyed hashes already. */
  redaction: SummaryRedaction | null;
}

/**
 * Merges summaries taken one at a time from `runs`, holding none once merged: a fleet's merge peaks at the
 * memory of its largest summary and the aggregates, not of all its summaries at once.
 */
export function mergeSummaries(runs: Iterable<NamedSummary>): MergedRun {
  let first: NamedSummary | null = null;
  let analyzer: Analyzer | null = null;
  const plan = new PlanSummary();
  const inputs: AnalysisResult['inputs'] = [];
  let topology: KnownTopology | null = null;
  const warnings = new Set<string>();
  const guessed = new Set<string>();
  const flags = new LearntFlags();
  for (const run of runs) {
    const { summary, name } = run;
    const s = summary.analysis;
    if (first === null) {
      first = run;
      const target = findTarget(s.target);
      if (!target) throw new InputError(`judged for an unknown --target ${JSON.stringify(s.target)}`, name);
      analyzer = new Analyzer({ target, redactKeys: s.redactKeys === true, distinct: s.distinct });
    }
    const a = first.summary.analysis;
    if (s.target !== a.target) throw new InputError(`judged for --target ${s.target}, ${first.name} for ${a.target}: merge summaries made for one target`, name);
    if (s.redactKeys !== a.redactKeys) throw new InputError(`${s.redactKeys ? 'made' : 'not made'} with --redact-keys, unlike ${first.name}: merge summaries made alike`, name);
    if (summary.redaction?.check !== first.summary.redaction?.check) throw new InputError(`redacted with another secret than ${first.name}: merge summaries made with one --redact-keys secret`, name);
    if (s.distinct?.maxExactKeys !== a.distinct.maxExactKeys || s.distinct?.precision !== a.distinct.precision) throw new InputError(`made with --exact-keys ${s.distinct?.maxExactKeys}, ${first.name} with ${a.distinct.maxExactKeys}: merge summaries made alike`, name);
    try {
      analyzer!.merge(s);
      plan.merge(summary.plan);
      for (const i of summary.inputs) inputs.push(inputStats(i));
    } catch (err) {
      if (err instanceof StateError || err instanceof TypeError) throw new InputError(`corrupt summary: ${err.message}`, name);
      throw err;
    }
    topology ??= summary.topology;
    for (const w of summary.warnings) warnings.add(w);
    for (const g of summary.guessed) guessed.add(g);
    flags.add(summary);
  }
  if (first === null || analyzer === null) throw new Error('mergeSummaries: nothing to merge');
  analyzer.finish();
  return {
    analysis: { analyzer, inputs },
    plan,
    topology,
    warnings: [...warnings],
    guessed: [...guessed],
    flagsElsewhere: flags.elsewhere(),
    redaction: first.summary.redaction ?? null,
  };
}

/** Ids a summary judged without flags that an earlier summary had learnt: one run over both would have known them. */
export function flagsLearntElsewhere(runs: readonly NamedSummary[]): string[] {
  const flags = new LearntFlags();
  for (const { summary } of runs) flags.add(summary);
  return flags.elsewhere();
}

class LearntFlags {
  private readonly learnt = new Set<string>();
  private readonly out = new Set<string>();

  add(summary: RunSummary): void {
    for (const id of summary.analysis.scripts?.unresolved ?? []) if (this.learnt.has(id)) this.out.add(id);
    for (const id of summary.analysis.scripts?.learnt ?? []) this.learnt.add(id);
  }

  elsewhere(): string[] {
    return [...this.out];
  }
}
