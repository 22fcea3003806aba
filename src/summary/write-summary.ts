// Writes a run's summary: the header line, then the state as gzip'd JSON.
import { gzipSync } from 'node:zlib';
import type { OutputFile } from '../report/output-file.js';
import { type RunSummary, SUMMARY_HEADER } from './summary-format.js';

export function encodeSummary(summary: RunSummary): Buffer {
  return Buffer.concat([Buffer.from(SUMMARY_HEADER), gzipSync(JSON.stringify(summary))]);
}

/** `out` was opened before the inputs were read, so a path that cannot be written failed first. */
export function writeSummary(summary: RunSummary, out: OutputFile): void {
  out.write(encodeSummary(summary));
  out.close();
}
