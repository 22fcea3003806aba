// Writes a run's summary: the header line, then gzip of the state's JSON, a newline, and the bytes of its
// typed arrays one after another. Each array stands in the JSON as {"$bytes":[offset,length]} into those
// bytes: as base64 text inside the JSON, a node's million-key set cost a reader the text, its parse and
// its decoding at once (read-summary.ts).
import { gzipSync } from 'node:zlib';
import type { OutputFile } from '../report/output-file.js';
import { type RunSummary, SUMMARY_HEADER } from './summary-format.js';

export function encodeSummary(summary: RunSummary): Buffer {
  const bytes: Uint8Array[] = [];
  let offset = 0;
  const json = JSON.stringify(summary, (_key, value: unknown) => {
    if (!(value instanceof Uint8Array)) return value;
    bytes.push(value);
    offset += value.length;
    return { $bytes: [offset - value.length, value.length] };
  });
  return Buffer.concat([Buffer.from(SUMMARY_HEADER), gzipSync(Buffer.concat([Buffer.from(json), Buffer.from('\n'), ...bytes]))]);
}

/** `out` was opened before the inputs were read, so a path that cannot be written failed first. */
export function writeSummary(summary: RunSummary, out: OutputFile): void {
  out.write(encodeSummary(summary));
  out.close();
}
