// The readiness report over inputs as analyze, check and the library all make it: with the plan summary
// attached (so the verdict each shows is the same) and the capture's topology and replication guesses.
// Inputs may be summaries (slotscope.summary/2) mixed with raw files, read on one thread or several.
import type { AnalysisResult } from '../analyze/analyze-inputs.js';
import type { CaptureContext } from '../ingest/capture-manifest.js';
import type { InputSpec } from '../ingest/read-input.js';
import { runSources, type SourcesOptions } from '../summary/run-sources.js';
import type { RunSummary } from '../summary/summary-format.js';
import { buildReport, type Report } from './report.js';

export interface ReadinessRun {
  report: Report;
  analysis: AnalysisResult;
  /** Inputs that look like a replica's capture with its primary's replication stream: one sentence each. */
  guessed: string[];
  /** The run's state as a summary, for --summary-out. */
  summary(): RunSummary;
}

/** `warnings`: the sentences the report carries besides the replication guesses (manifest warnings). */
export async function readinessReport(specs: InputSpec[], capture: CaptureContext, warnings: readonly string[], options: SourcesOptions): Promise<ReadinessRun> {
  const run = await runSources(specs, capture, warnings, options);
  const report = buildReport(run.analysis, run.plan.result(), run.topology ?? undefined, [...run.warnings, ...run.guessed], run.redaction ?? undefined);
  return { report, analysis: run.analysis, guessed: run.guessed, summary: run.summary };
}
