// A report in the format asked for, redacted when asked, to stdout or the -o file.
import type { KeyRedactor } from '../analyze/redact-keys.js';
import { renderHtml } from '../report/html-report.js';
import { renderMarkdown } from '../report/markdown-report.js';
import type { OutputFile } from '../report/output-file.js';
import { redactReport } from '../report/redact-report.js';
import type { Report } from '../report/report.js';
import { renderTable } from '../report/table-report.js';
import { emit } from './cli-io.js';

const REPORT_FORMATS: Record<string, (r: Report) => string> = {
  table: renderTable,
  json: (r) => JSON.stringify(r, null, 2) + '\n',
  markdown: renderMarkdown,
  html: renderHtml,
};

export function emitReport(report: Report, format: string, out: OutputFile | null, redactor: KeyRedactor | null): void {
  emit(REPORT_FORMATS[format](redactor ? redactReport(report, redactor) : report), out);
}
