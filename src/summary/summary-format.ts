// slotscope.summary/2: the aggregate state of a run, to be merged with other runs' (one job per node,
// one merge job). On disk: one header line naming the format and version, then the state gzip'd: its JSON,
// and its typed arrays' bytes after it (write-summary.ts; /1 held them as base64 inside the JSON). The
// header tells a summary from a capture by content (a capture may be gzip'd too) and its version before a
// byte is decompressed. Additive changes only within /2, as for reports.
import type { AnalyzerSummary } from '../analyze/analyzer.js';
import type { Redaction } from '../analyze/redact-keys.js';
import type { PlanSummaryState } from '../plan/plan-summary.js';
import type { InputCounts, KnownTopology } from '../report/report.js';

export const SUMMARY_SCHEMA = 'slotscope.summary/2';
/** What every summary file starts with, whatever its version. */
export const SUMMARY_MAGIC = 'slotscope.summary/';
export const SUMMARY_HEADER = `${SUMMARY_SCHEMA}\n`;

export interface InputSummary extends InputCounts {
  skippedCount: number;
  skippedByReason: [string, number][];
  firstSkipped: { line: number; reason: string }[];
  replicationLines: number;
  replicationFrom: string[];
  /** What ingest noted on stderr about the input (CRLF line endings, trailing bytes after gzip data). */
  notes?: string[];
}

/**
 * A summary made with --redact-keys holds no key text: every key, pattern and word of one is a keyed hash,
 * as the report shows it. `check` (KeyRedactor.check) tells the secrets of two summaries apart.
 */
export interface SummaryRedaction extends Redaction {
  check: string;
}

export interface RunSummary {
  schema: typeof SUMMARY_SCHEMA;
  /** The key specs the commands were read with: summaries from other tables cannot be merged. */
  keySpecsFrom: string;
  analysis: AnalyzerSummary;
  /** The plan summary's sample of cross-slot occurrences (analyze's short plan). */
  plan: PlanSummaryState;
  /** Inputs in the order read, with their skipped-line accounting. */
  inputs: InputSummary[];
  /** The cluster the capture's manifest described, when one did. */
  topology: KnownTopology | null;
  /** Manifest warnings, then the replication streams guessed without one. */
  warnings: string[];
  guessed: string[];
  /** Present when made with --redact-keys. */
  redaction?: SummaryRedaction;
}
