// A report in the format asked for, to stdout or the -o file. A redacted report is made redacted (from
// redacted aggregates, src/summary/redact-summary.ts): nothing is hidden here.
import { renderHtml } from '../report/html-report.js';
import { renderMarkdown } from '../report/markdown-report.js';
import type { OutputFile } from '../report/output-file.js';
import type { Report } from '../report/report.js';
import { renderTable } from '../report/table-report.js';
import { terminalColumns } from '../report/terminal-size.js';
import { terminalStyle } from '../report/terminal-style.js';
import { emit } from './cli-io.js';

const REPORT_FORMATS: Record<string, (r: Report, out: OutputFile | null) => string> = {
  // Sized and coloured for stdout; a -o file gets 80 columns (or COLUMNS) and no colour.
  table: (r, out) => renderTable(r, out ? { width: terminalColumns({}) } : { width: terminalColumns(), style: terminalStyle() }),
  json: (r) => JSON.stringify(r, null, 2) + '\n',
  markdown: renderMarkdown,
  html: renderHtml,
};

export function emitReport(report: Report, format: string, out: OutputFile | null): void {
  emit(REPORT_FORMATS[format](report, out), out);
}
