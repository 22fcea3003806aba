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

export function mergeSummaries(runs: readonly NamedSummary[]): MergedRun {
  if (runs.length === 0) throw new Error('mergeSummaries: nothing to merge');
  const first = runs[0];
  const a = first.summary.analysis;
  const target = findTarget(a.target);
  if (!target) throw new InputError(`judged for an unknown --target ${JSON.stringify(a.target)}`, first.name);
  const analyzer = new Analyzer({ target, redactKeys: a.redactKeys === true, distinct: a.distinct });
  const plan = new PlanSummary();
  const analysis: AnalysisResult = { analyzer, inputs: [] };
  let topology: KnownTopology | null = null;
  for (const { summary, name } of runs) {
    const s = summary.analysis;
    if (s.target !== a.target) throw new InputError(`judged for --target ${s.target}, ${first.name} for ${a.target}: merge summaries made for one target`, name);
    if (s.redactKeys !== a.redactKeys) throw new InputError(`${s.redactKeys ? 'made' : 'not made'} with --redact-keys, unlike ${first.name}: merge summaries made alike`, name);
    if (summary.redaction?.check !== first.summary.redaction?.check) throw new InputError(`redacted with another secret than ${first.name}: merge summaries made with one --redact-keys secret`, name);
    if (s.distinct?.maxExactKeys !== a.distinct.maxExactKeys || s.distinct?.precision !== a.distinct.precision) throw new InputError(`made with --exact-keys ${s.distinct?.maxExactKeys}, ${first.name} with ${a.distinct.maxExactKeys}: merge summaries made alike`, name);
    try {
      analyzer.merge(s);
      plan.merge(summary.plan);
      for (const i of summary.inputs) analysis.inputs.push(inputStats(i));
    } catch (err) {
      if (err instanceof StateError || err instanceof TypeError) throw new InputError(`corrupt summary: ${err.message}`, name);
      throw err;
    }
    topology ??= summary.topology;
  }
  analyzer.finish();
  const unique = (texts: string[]): string[] => [...new Set(texts)];
  return {
    analysis,
    plan,
    topology,
    warnings: unique(runs.flatMap((r) => r.summary.warnings)),
    guessed: unique(runs.flatMap((r) => r.summary.guessed)),
    flagsElsewhere: flagsLearntElsewhere(runs),
    redaction: first.summary.redaction ?? null,
  };
}

/** Ids a summary judged without flags that an earlier summary had learnt: one run over both would have known them. */
export function flagsLearntElsewhere(runs: readonly NamedSummary[]): string[] {
  const learnt = new Set<string>();
  const out = new Set<string>();
  for (const { summary } of runs) {
    for (const id of summary.analysis.scripts?.unresolved ?? []) if (learnt.has(id)) out.add(id);
    for (const id of summary.analysis.scripts?.learnt ?? []) learnt.add(id);
  }
  return [...out];
}
