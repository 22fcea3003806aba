// Runs inputs through one Analyzer as analyzeInputs() does, with a sink of the planner's in front of it:
// pass 1 looks at records the analyzer does not keep (CLIENT SETNAME, script bodies), pass 2 rewrites them.
import { Analyzer } from '../analyze/analyzer.js';
import type { AnalysisResult, AnalyzeOptions } from '../analyze/analyze-inputs.js';
import type { InputStats } from '../ingest/input-stats.js';
import { type InputSpec, readInput } from '../ingest/read-input.js';
import type { RecordSink } from '../ingest/records.js';

export async function runInputs(specs: InputSpec[], options: AnalyzeOptions, front: (analyzer: Analyzer) => RecordSink): Promise<AnalysisResult> {
  const analyzer = new Analyzer(options);
  const sink = front(analyzer);
  const inputs: InputStats[] = [];
  for (const [i, spec] of specs.entries()) {
    options.onInput?.(spec, i);
    inputs.push(await readInput(spec, sink, options));
    analyzer.endInput(spec.node);
  }
  analyzer.finish();
  return { analyzer, inputs };
}
