// `slotscope diff OLD NEW`: two reports compared for people. A report, not a gate: it exits 0 whatever changed.
import { diffReports } from '../gate/report-diff.js';
import { renderDiff } from '../gate/diff-sections.js';
import { readReport } from '../gate/read-report.js';
import { emit, openOutput, warn } from './cli-io.js';

export interface DiffCommandOptions {
  format: string;
  output?: string;
  shards?: number;
}

export async function diffCommand(oldFile: string, newFile: string, opts: DiffCommandOptions): Promise<void> {
  const out = openOutput(opts.output, [oldFile, newFile], {});
  const old = readReport(oldFile);
  const now = readReport(newFile);
  if (old.target.id !== now.target.id) warn(`${oldFile} was judged for --target ${old.target.id}, ${newFile} for ${now.target.id}: findings may differ for that alone`);
  if (Boolean(old.redacted) !== Boolean(now.redacted)) warn(`one report is redacted (--redact-keys) and the other is not: their key patterns cannot match`);
  emit(renderDiff(diffReports(old, now, opts.shards), oldFile, newFile, opts.format), out);
}
