// Reads a summary back, refusing anything that is not a whole slotscope.summary/2 with one line: another
// version, a file cut short, damaged gzip, JSON without the parts a merge needs.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../ingest/input-error.js';
import { readError } from '../ingest/input-source.js';
import { type RunSummary, SUMMARY_HEADER, SUMMARY_MAGIC, SUMMARY_SCHEMA } from './summary-format.js';
import { KEY_SPECS_FROM } from './run-summary.js';

const MAGIC = Buffer.from(SUMMARY_MAGIC);
const known = new Map<string, boolean>();

/**
 * Whether a file is a summary, by its first bytes (a capture, gzip'd or not, never starts so). Only a
 * regular file is looked at: reading the head of a FIFO or a device would take it from the reader.
 */
export function isSummaryFile(path: string): boolean {
  if (path === '-') return false;
  let is = known.get(path);
  if (is !== undefined) return is;
  const head = Buffer.alloc(MAGIC.length);
  let n = 0;
  try {
    if (!statSync(path).isFile()) return false;
    const fd = openSync(path, 'r');
    try {
      n = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false; // the reader of inputs says what is wrong with it
  }
  is = n === MAGIC.length && head.equals(MAGIC);
  known.set(path, is);
  return is;
}

export function readSummaryFile(path: string): RunSummary {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    throw readError(err, path);
  }
  return decodeSummary(data, path);
}

/**
 * Refuses a summary of another version from its first line alone: before a long read of raw inputs given
 * beside it, since summaries are decoded only as the merge takes them.
 */
export function checkSummaryVersion(path: string): void {
  const head = Buffer.alloc(41);
  let n: number;
  try {
    const fd = openSync(path, 'r');
    try {
      n = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw readError(err, path);
  }
  checkHeader(head.subarray(0, n), path);
}

/** The offset of the newline ending the header. */
function checkHeader(data: Buffer, path: string): number {
  const nl = data.indexOf(10);
  const header = data.toString('latin1', 0, nl < 0 ? Math.min(data.length, 40) : Math.min(nl, 40));
  if (!header.startsWith(SUMMARY_MAGIC)) throw new InputError(`not a summary (made by \`slotscope analyze --summary-out\`, ${SUMMARY_SCHEMA})`, path);
  if (`${header}\n` !== SUMMARY_HEADER) throw new InputError(`summary version ${JSON.stringify(header)}: this slotscope reads ${SUMMARY_SCHEMA}; make it again with this version`, path);
  return nl;
}

export function decodeSummary(data: Buffer, path: string): RunSummary {
  const nl = checkHeader(data, path);
  let body: Buffer;
  try {
    body = gunzipSync(data.subarray(nl + 1));
  } catch {
    throw new InputError('corrupt summary: its gzip data is cut short or damaged', path);
  }
  // The JSON, then after its newline (JSON.stringify writes none) the bytes its arrays point into.
  const end = body.indexOf(10);
  if (end < 0) throw new InputError('corrupt summary: not JSON inside', path);
  const base = end + 1;
  let json: RunSummary;
  try {
    json = JSON.parse(body.toString('utf8', 0, end), (_key, value: unknown) => {
      const at = bytesAt(value);
      if (at === null) return value;
      if (base + at[0] + at[1] > body.length) throw new InputError('corrupt summary: its arrays are cut short', path);
      return new Uint8Array(body.buffer, body.byteOffset + base + at[0], at[1]);
    }) as RunSummary;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError('corrupt summary: not JSON inside', path);
  }
  if (json?.schema !== SUMMARY_SCHEMA) throw new InputError(`corrupt summary: schema ${JSON.stringify(json?.schema)} inside a ${SUMMARY_SCHEMA} file`, path);
  const missing = (['analysis', 'plan', 'inputs', 'warnings', 'guessed'] as const).filter((k) => typeof json[k] !== 'object' || json[k] === null);
  if (missing.length > 0) throw new InputError(`not a complete summary: no ${missing.join(', ')}`, path);
  // Redacted aggregates without the secret's check could not be told apart from another secret's.
  if (json.analysis.redactKeys === true && typeof json.redaction?.check !== 'string') throw new InputError('corrupt summary: made with --redact-keys, and no redaction', path);
  if (json.keySpecsFrom !== KEY_SPECS_FROM) throw new InputError(`made with the key specs of ${String(json.keySpecsFrom)}, this slotscope has ${KEY_SPECS_FROM}: analyze it again with this version`, path);
  return json;
}

/** The [offset, length] of {"$bytes": [offset, length]}, what write-summary.ts puts for a typed array. */
function bytesAt(value: unknown): [number, number] | null {
  if (typeof value !== 'object' || value === null || !('$bytes' in value)) return null;
  const at = (value as { $bytes: unknown }).$bytes;
  return Array.isArray(at) && at.length === 2 && at.every((n) => Number.isSafeInteger(n) && n >= 0) ? (at as [number, number]) : null;
}
