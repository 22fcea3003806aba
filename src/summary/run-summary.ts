// A run's summary from its live aggregates, and back: each aggregate serializes and merges its own part
// (Analyzer.toSummary/merge, PlanSummary's, DistinctKeys' ...); this module only puts them side by side.
// An aggregate added to the analysis (top keys, time spans) joins by a field in AnalyzerSummary and a
// line in Analyzer.toSummary() and merge(): nothing here changes.
import type { AnalysisResult } from '../analyze/analyze-inputs.js';
import { InputStats, type InputFormat } from '../ingest/input-stats.js';
import type { LineEndings } from '../ingest/line-splitter.js';
import { KEY_SPECS_REDIS_VERSION } from '../commands/key-specs.generated.js';
import type { PlanSummary } from '../plan/plan-summary.js';
import { inputCounts, type KnownTopology } from '../report/report.js';
import { type InputSummary, type RunSummary, SUMMARY_SCHEMA, type SummaryRedaction } from './summary-format.js';

export const KEY_SPECS_FROM = `redis ${KEY_SPECS_REDIS_VERSION}`;

export interface RunContext {
  topology: KnownTopology | null;
  warnings: readonly string[];
  guessed: readonly string[];
  /** The redaction of the summaries the analysis was merged from: its key text is keyed hashes. */
  redaction?: SummaryRedaction | null;
}

export function runSummary({ analyzer, inputs }: AnalysisResult, plan: PlanSummary, ctx: RunContext): RunSummary {
  return {
    schema: SUMMARY_SCHEMA,
    keySpecsFrom: KEY_SPECS_FROM,
    analysis: analyzer.toSummary(),
    plan: plan.toSummary(),
    inputs: inputs.map(inputSummary),
    topology: ctx.topology,
    warnings: [...ctx.warnings],
    guessed: [...ctx.guessed],
    ...(ctx.redaction ? { redaction: ctx.redaction } : {}),
  };
}

function inputSummary(s: InputStats): InputSummary {
  return {
    ...inputCounts(s),
    skippedCount: s.skippedCount,
    skippedByReason: [...s.skippedByReason],
    firstSkipped: s.firstSkipped,
    replicationLines: s.replicationLines,
    replicationFrom: s.replicationFrom,
    notes: [...s.notes],
  };
}

/** An input's stats as the report and the notes read them. */
export function inputStats(s: InputSummary): InputStats {
  const stats = new InputStats(String(s.path), String(s.node));
  stats.format = s.format as InputFormat;
  stats.bytes = s.bytes;
  stats.lines = s.lines;
  stats.records = s.records;
  stats.preamble = s.preamble;
  stats.lineEndings = s.lineEndings as LineEndings;
  stats.skippedCount = s.skippedCount;
  for (const [reason, n] of s.skippedByReason) stats.skippedByReason.set(reason, n);
  stats.firstSkipped.push(...s.firstSkipped);
  stats.replicationLines = s.replicationLines;
  stats.replicationFrom = s.replicationFrom;
  stats.notes.push(...(s.notes ?? []));
  return stats;
}
