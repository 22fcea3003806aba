// Tells the input format from its first non-empty line.
import type { InputFormat } from './input-stats.js';

const CSV_HEADER = Buffer.from('database,type,key,size_in_bytes');

export function detectFormat(head: Buffer): InputFormat {
  let start = 0;
  for (;;) {
    let end = head.indexOf(10, start);
    if (end < 0) end = head.length;
    let e = end;
    if (e > start && head[e - 1] === 13) e--;
    if (e > start) {
      const line = head.subarray(start, e);
      const isOk = line.equals(OK) || line.equals(PLUS_OK);
      if (!isOk) return classify(line);
    }
    if (end >= head.length) return 'monitor'; // nothing but OK: a MONITOR that saw no traffic
    start = end + 1;
  }
}

const OK = Buffer.from('OK');
const PLUS_OK = Buffer.from('+OK');

function classify(line: Buffer): InputFormat {
  if (line.subarray(0, CSV_HEADER.length).equals(CSV_HEADER)) return 'memory-csv';
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
