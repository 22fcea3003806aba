// A report in the format asked for, redacted when asked, to stdout or the -o file.
import type { KeyRedactor } from '../analyze/redact-keys.js';
import { renderHtml } from '../report/html-report.js';
import { renderMarkdown } from '../report/markdown-report.js';
import type { OutputFile } from '../report/output-file.js';
import { redactReport } from '../report/redact-report.js';
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

export function emitReport(report: Report, format: string, out: OutputFile | null, redactor: KeyRedactor | null): void {
  emit(REPORT_FORMATS[format](redactor ? redactReport(report, redactor) : report, out), out);
}
