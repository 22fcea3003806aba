// `analyze()` for a program or a test suite: the report `slotscope analyze -f json` prints, from paths or
// from bytes in memory, in one call.
import { DEFAULT_DISTINCT_OPTIONS } from '../analyze/distinct-keys.js';
import { readinessReport } from '../report/readiness-report.js';
import type { Report } from '../report/report.js';
import { type InputOptions, type LibraryInput, redactorFor, resolveInputs, targetFor } from './library-inputs.js';

export interface AnalyzeCallOptions extends InputOptions {
  /** `--exact-keys`: distinct keys counted exactly before per-slot HyperLogLog estimates take over. */
  exactKeys?: number;
  /** `--max-line-bytes`: longer lines are skipped and counted. */
  maxLineBytes?: number;
  /** Called after each chunk with the bytes read from the current input so far. */
  onProgress?: (rawBytes: number) => void;
}

/**
 * The readiness report (schema slotscope.report/1) over the inputs, as `slotscope analyze -f json` makes
 * it; rejects with an InputError (its message is the CLI's one line) on an input it cannot read.
 */
export async function analyze(inputs: readonly LibraryInput[], options: AnalyzeCallOptions = {}): Promise<Report> {
  const redactor = redactorFor(options);
  const { specs, capture, warnings } = resolveInputs(inputs, options);
  const { report } = await readinessReport(specs, capture, warnings, {
    distinct: options.exactKeys === undefined ? undefined : { ...DEFAULT_DISTINCT_OPTIONS, maxExactKeys: options.exactKeys },
    redactor,
    target: targetFor(options.target),
    maxLineBytes: options.maxLineBytes,
    onProgress: options.onProgress,
    // A library call stays on the caller's thread.
    jobs: 1,
  });
  return report;
}
