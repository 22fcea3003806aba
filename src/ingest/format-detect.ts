// Tells the input format from its first lines: a CSV header on the first line decides at once; otherwise
// the lines vote, so one damaged line at the top does not turn a MONITOR capture into a key dump.
import type { InputFormat } from './input-stats.js';

/** Every memory report slotscope reads starts its header so (rdbtools, rct, HDT3213/rdb); the reader checks the rest. */
const CSV_HEADER = Buffer.from('database,');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const VOTERS = 50;

export function detectFormat(head: Buffer): InputFormat {
  const votes = new Map<InputFormat, number>();
  let voters = 0;
  let first: InputFormat | null = null;
  let start = 0;
  while (start < head.length && voters < VOTERS) {
    let end = head.indexOf(10, start);
    if (end < 0) end = head.length;
    let e = end;
    if (e > start && head[e - 1] === 13) e--;
    const line = head.subarray(start, e);
    start = end + 1;
    if (line.length === 0 || line.equals(OK) || line.equals(PLUS_OK)) continue;
    const format = classify(line);
    if (first === null) {
      if (format === 'memory-csv') return format;
      first = format;
    }
    votes.set(format, (votes.get(format) ?? 0) + 1);
    voters++;
  }
  if (first === null) return 'monitor'; // nothing but OK: a MONITOR that saw no traffic
  // Any well-formed MONITOR line among them wins: raw keys almost never look like one.
  if ((votes.get('monitor') ?? 0) * 2 >= voters || (votes.get('monitor') ?? 0) >= 3) return 'monitor';
  return (votes.get('scan-quoted') ?? 0) * 2 > voters ? 'scan-quoted' : 'scan';
}

const OK = Buffer.from('OK');
const PLUS_OK = Buffer.from('+OK');

function classify(line: Buffer): InputFormat {
  // Spreadsheet tools save CSV with a UTF-8 byte order mark before the header.
  const header = line.subarray(0, BOM.length).equals(BOM) ? line.subarray(BOM.length) : line;
  if (header.subarray(0, CSV_HEADER.length).equals(CSV_HEADER)) return 'memory-csv';
  if (looksLikeMonitor(line)) return 'monitor';
  return line[0] === 0x22 ? 'scan-quoted' : 'scan';
}

/** `<digits>.<6 digits> [` */
function looksLikeMonitor(line: Buffer): boolean {
  let p = line[0] === 0x2b ? 1 : 0;
  const digits = p;
  while (p < line.length && line[p] >= 0x30 && line[p] <= 0x39) p++;
  if (p === digits || line[p] !== 0x2e) return false;
  p++;
  for (let k = 0; k < 6; k++, p++) if (!(line[p] >= 0x30 && line[p] <= 0x39)) return false;
  return line[p] === 0x20 && line[p + 1] === 0x5b;
}
