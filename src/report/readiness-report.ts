// The readiness report over inputs as analyze, check and the library all make it: with the plan summary
// attached (so the verdict each shows is the same) and the capture's topology and replication guesses.
import { type AnalysisResult, type AnalyzeOptions, analyzeInputs } from '../analyze/analyze-inputs.js';
import { type CaptureContext, guessedReplication } from '../ingest/capture-manifest.js';
import type { InputSpec } from '../ingest/read-input.js';
import { PlanSummary } from '../plan/plan-summary.js';
import { buildReport, type Report } from './report.js';

export interface ReadinessRun {
  report: Report;
  analysis: AnalysisResult;
  /** Inputs that look like a replica's capture with its primary's replication stream: one sentence each. */
  guessed: string[];
}

/** `warnings`: the sentences the report carries besides the replication guesses (manifest warnings). */
export async function readinessReport(specs: InputSpec[], capture: CaptureContext, warnings: readonly string[], options: Omit<AnalyzeOptions, 'observer'>): Promise<ReadinessRun> {
  const summary = new PlanSummary();
  const analysis = await analyzeInputs(specs, { ...options, observer: summary.observer() });
  const guessed = guessedReplication(capture, analysis.inputs);
  const report = buildReport(analysis, summary.result(), capture.topology ?? undefined, [...warnings, ...guessed]);
  return { report, analysis, guessed };
}
