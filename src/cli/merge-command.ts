// `slotscope merge FILE...`: per-node summaries (`analyze --summary-out`) into the one report a single run
// over all their inputs makes, and optionally into one summary again (a merge of merges).
import { statSync } from 'node:fs';
import { buildReport } from '../report/report.js';
import { readSummaryFile } from '../summary/read-summary.js';
import { mergeSummaries, type NamedSummary } from '../summary/merge-summaries.js';
import { runSummary } from '../summary/run-summary.js';
import { writeSummary } from '../summary/write-summary.js';
import { InputError } from '../ingest/input-error.js';
import { skippedLinesNotes } from '../report/skipped-lines.js';
import { emitReport } from './emit-report.js';
import { keyRedactor } from '../analyze/redact-keys.js';
import { note, openOutput, warn } from './cli-io.js';

export interface MergeCommandOptions {
  format: string;
  output?: string;
  summaryOut?: string;
  redactSecretFile?: string;
}

export async function mergeCommand(files: string[], opts: MergeCommandOptions): Promise<void> {
  if (files.length === 0) throw new InputError('no summaries: give the files `slotscope analyze --summary-out` wrote');
  for (const f of files) {
    if (f === '-') throw new InputError('merge reads summary files, not stdin: give the files `slotscope analyze --summary-out` wrote', '-');
    if (isDirectory(f)) throw new InputError(`is a directory: give the summaries in it (${f.replace(/\/$/, '')}/*.summary)`, f);
  }
  files = onceEach(files);
  const out = openOutput(opts.output, files, {});
  const summaryOut = opts.summaryOut !== undefined ? openOutput(opts.summaryOut, opts.output !== undefined ? [...files, opts.output] : files, {}) : null;
  // Redacted summaries need no secret (their key text is hashed already); one given must be theirs.
  const secret = opts.redactSecretFile !== undefined ? keyRedactor(true, { secretFile: opts.redactSecretFile }) : null;
  // Read one at a time as the merge takes them, so only one summary is decoded at once.
  function* summaries(): Generator<NamedSummary> {
    for (const name of files) {
      const summary = readSummaryFile(name);
      if (secret && summary.redaction?.check !== secret.check) throw new InputError(summary.redaction ? 'redacted with another secret than --redact-secret-file' : 'not made with --redact-keys: --redact-secret-file is the secret redacted summaries were made with', name);
      yield { summary, name };
    }
  }
  const merged = mergeSummaries(summaries());
  if (merged.flagsElsewhere.length > 0) warn(`${merged.flagsElsewhere.length} script(s) or function(s) were called in one summary's inputs and loaded (SCRIPT LOAD, FUNCTION LOAD) in an earlier one's: their calls were judged without those flags; analyze those inputs in one run to judge them with`);
  merged.guessed.forEach(warn);
  if (summaryOut) writeSummary(runSummary(merged.analysis, merged.plan, merged), summaryOut);
  emitReport(buildReport(merged.analysis, merged.plan.result(), merged.topology ?? undefined, [...merged.warnings, ...merged.guessed], merged.redaction ?? undefined), opts.format, out);
  note(skippedLinesNotes(merged.analysis.inputs));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // reading it says why
  }
}

/** A summary named twice (by any path to the same file) is merged once, as analyze reads a file once. */
function onceEach(files: string[]): string[] {
  const seen = new Map<string, string>();
  return files.filter((f) => {
    let id: string;
    try {
      const st = statSync(f);
      id = `${st.dev}:${st.ino}`;
    } catch {
      return true; // reading it says why
    }
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, f);
      return true;
    }
    warn(first === f ? `${f}: given twice; merged once` : `${f}: the same file as ${first}; merged once`);
    return false;
  });
}
