// Tells the input format from its first lines: a CSV header on the first line decides at once; otherwise
// the lines vote, so one damaged line at the top does not turn a MONITOR capture into a key dump. A raw
// key dump is what is left when nothing else fits, so it must look like keys to win: binary data, JSON and
// prose (spaces in most lines) are not told as one, since every line would count as a key.
import type { InputFormat } from './input-stats.js';

/** Every memory report slotscope reads starts its header so (rdbtools, rct, HDT3213/rdb); the reader checks the rest. */
const CSV_HEADER = Buffer.from('database,');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const VOTERS = 50;

/** The format, or why none fits with confidence. */
export type Detection = { format: InputFormat } | { unsure: string };

export function detectFormat(head: Buffer): Detection {
  const votes = new Map<InputFormat, number>();
  let voters = 0;
  let first: InputFormat | null = null;
  let start = 0;
  const raw = new RawKeyEvidence();
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
      if (format === 'memory-csv') return { format };
      first = format;
    }
    if (format === 'scan') raw.add(line, voters === 0);
    votes.set(format, (votes.get(format) ?? 0) + 1);
    voters++;
  }
  if (first === null) return { format: 'monitor' }; // nothing but OK: a MONITOR that saw no traffic
  // Any well-formed MONITOR line among them wins: raw keys almost never look like one.
  if ((votes.get('monitor') ?? 0) * 2 >= voters || (votes.get('monitor') ?? 0) >= 3) return { format: 'monitor' };
  if ((votes.get('scan-quoted') ?? 0) * 2 > voters) return { format: 'scan-quoted' };
  const unsure = raw.against(voters);
  return unsure === null ? { format: 'scan' } : { unsure };
}

/**
 * What the lines left to a raw key dump say against it. `redis-cli --scan` prints keys raw: any bytes but
 * a NUL (which cuts a key) or a newline, so a few odd lines are keys; most lines being odd is not a dump.
 */
class RawKeyEvidence {
  private nul = false;
  private json = false;
  private binary = 0;
  private spaced = 0;

  add(line: Buffer, first: boolean): void {
    if (line.includes(0)) this.nul = true;
    if (first && (line[0] === 0x7b || line[0] === 0x5b) && (line.length === 1 || line.includes(JSON_KEY))) this.json = true;
    if (!isText(line)) this.binary++;
    // Two spaces make words; a key may hold one.
    const space = line.indexOf(0x20);
    if (space >= 0 && line.indexOf(0x20, space + 1) >= 0) this.spaced++;
  }

  /** Why the lines are not a key dump, or null; voters counts every line that voted. */
  against(voters: number): string | null {
    if (this.nul) return 'binary data: NUL bytes, which no SCAN dump holds';
    if (this.binary * 2 > voters) return `binary data: ${this.binary} of the first ${voters} lines are not text`;
    if (this.json) return 'it looks like JSON';
    if (this.spaced * 2 > voters) return `${this.spaced} of the first ${voters} lines hold words separated by spaces, which keys rarely do`;
    return null;
  }
}

const JSON_KEY = Buffer.from('":');

/** Valid UTF-8 without control bytes other than tab (keys are bytes, but a dump of them is mostly text). */
function isText(line: Buffer): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c < 0x80) {
      if ((c < 0x20 && c !== 0x09) || c === 0x7f) return false;
      continue;
    }
    const extra = c > 0xf4 ? -1 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : -1;
    if (extra < 0) return false;
    for (let k = 1; k <= extra; k++) if (i + k >= line.length || (line[i + k] & 0xc0) !== 0x80) return false;
    i += extra;
  }
  return true;
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
