// `slotscope diff OLD NEW`: two reports compared for people. A report, not a gate: it exits 0 whatever changed.
import { diffReports } from '../gate/report-diff.js';
import { diffHeadline, diffSections } from '../gate/diff-sections.js';
import { readReport } from '../gate/read-report.js';
import { escape, table } from '../report/markdown-report.js';
import { render } from '../report/table-report.js';
import { emit, openOutput, warn } from './cli-io.js';

export const DIFF_SCHEMA = 'slotscope.diff/1';

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
  const d = diffReports(old, now, opts.shards);
  const headline = diffHeadline(d, oldFile, newFile);
  const sections = diffSections(d);
  let text: string;
  if (opts.format === 'json') text = JSON.stringify({ schema: DIFF_SCHEMA, old: oldFile, new: newFile, ...d }, null, 2) + '\n';
  else if (opts.format === 'markdown') text = ['# slotscope diff', '', `**${escape(headline)}**`, '', ...sections.flatMap((s) => [`## ${escape(s.title)}`, '', ...(s.table ? table(s.table) : []), ''])].join('\n');
  else text = [headline, ...sections.flatMap((s) => ['', s.title, ...(s.table ? [render(s.table)] : [])])].join('\n') + '\n';
  emit(text, out);
}
