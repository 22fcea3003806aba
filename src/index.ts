// slotscope as a library: parse captures, analyse them, compute slots. The CLI is one consumer of this.
export { crc16, crc16Utf8 } from './slot/crc16.js';
export { keySlot, slotOfRange, slotOfString, SLOT_COUNT } from './slot/key-slot.js';
export { CommandTable, type CommandInfo } from './commands/command-table.js';
export { ArgList, type ArgView } from './commands/args.js';
export { MonitorParser, MonitorRecord, ClientKind } from './ingest/monitor-parser.js';
export { ScanLineParser } from './ingest/scan-parser.js';
export { LineSplitter } from './ingest/line-splitter.js';
export { InputError } from './ingest/input-error.js';
export { readInput, parseInputArg, type InputSpec } from './ingest/read-input.js';
export type { RecordSink, KeyMeta } from './ingest/records.js';
export { INPUT_FORMATS, type InputFormat } from './ingest/input-stats.js';
export { repr, unescapeInPlace } from './ingest/sdsrepr.js';
export { Analyzer } from './analyze/analyzer.js';
export { analyzeInputs, type AnalyzeOptions, type AnalysisResult } from './analyze/analyze-inputs.js';
export { buildReport, REPORT_SCHEMA, type Report } from './report/report.js';
export { renderTable } from './report/table-report.js';
export { renderMarkdown } from './report/markdown-report.js';
export { renderHtml } from './report/html-report.js';
