// rdbtools memory report (`rdb -c memory`), and redis-rdb-cli's `rct -f mem`, which writes the same columns
// with keys quoted:  database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry
import { parse } from 'csv-parse';
import { Readable } from 'node:stream';
import type { InputStats } from './input-stats.js';
import type { KeyMeta, RecordSink } from './records.js';

const COLUMNS = 8;

export async function readMemoryCsv(chunks: AsyncIterable<Buffer>, node: string, sink: RecordSink, stats: InputStats): Promise<void> {
  const parser = parse({
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
  });
  parser.on('skip', (err: Error & { lines?: number }) => {
    stats.skip(err.lines ?? 0, `malformed CSV row (${err.message.replace(/^Invalid [^:]*: /, '').split(':')[0]})`);
  });
  const rows = Readable.from(chunks).pipe(parser);
  let header = true;
  for await (const { record, info } of rows as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const line = info.lines;
    stats.lines = line;
    if (header) {
      header = false;
      if (record[0] === 'database' && record[2] === 'key') {
        stats.preamble++;
        continue;
      }
    }
    if (record.length !== COLUMNS) {
      // rdbtools does not quote keys: a key with a comma adds columns and cannot be told apart safely.
      stats.skip(line, `expected ${COLUMNS} columns, got ${record.length} (an unquoted key with a comma?)`);
      continue;
    }
    const meta = rowMeta(record);
    if (typeof meta === 'string') {
      stats.skip(line, meta);
      continue;
    }
    const key = Buffer.from(record[2], 'utf8');
    stats.records++;
    sink.key(key, 0, key.length, node, meta);
  }
}

function rowMeta(r: string[]): KeyMeta | string {
  const db = Number(r[0]);
  const bytes = Number(r[3]);
  if (!Number.isInteger(db) || db < 0) return `database is not a number: ${JSON.stringify(r[0].slice(0, 20))}`;
  if (r[3] !== '' && (!Number.isFinite(bytes) || bytes < 0)) return `size_in_bytes is not a number: ${JSON.stringify(r[3].slice(0, 20))}`;
  let expiresAt = 0;
  if (r[7] !== '') {
    // rdbtools writes datetime.isoformat() in UTC without a zone.
    expiresAt = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(r[7]) ? r[7] : r[7] + 'Z');
    if (!Number.isFinite(expiresAt)) return `expiry is not a date: ${JSON.stringify(r[7].slice(0, 40))}`;
  }
  return { db, type: r[1], bytes: r[3] === '' ? null : bytes, expiresAt };
}
