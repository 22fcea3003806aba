// Memory reports (one row per key), read by their header's column names:
//   rdbtools `rdb -c memory`:   database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry
//   redis-rdb-cli `rct -f mem`: the same header; the key and later fields quoted, the key's bytes raw
//                               (rct-mem-row.ts), sizes with units ("1.2kB"), expiry in the writer's local time
//   HDT3213/rdb `rdb -c memory`: database,key,type,size,size_readable,element_count[,encoding,expiration]
//                               (Go's encoding/csv: RFC 4180, quoted only when needed; expiry RFC 3339)
// Keys are read as the file's exact bytes. Every line is accounted for: the header and the further
// lines of a row whose quoted key holds a newline are preamble, an empty line is skipped, so
// records + skipped + preamble = lines. A quote that never closes loses only its own line: when the
// lines after it do not complete a valid row, its line is skipped and the lines after it read again.
import { CsvFields } from './csv-fields.js';
import { InputError } from './input-error.js';
import type { InputStats } from './input-stats.js';
import { DEFAULT_MAX_LINE, LineSplitter } from './line-splitter.js';
import { splitRctRow } from './rct-mem-row.js';
import type { KeyMeta, RecordSink } from './records.js';

/** A row whose quoted key holds newlines may span at most this many lines. */
const MAX_ROW_LINES = 1000;
const RDBTOOLS_HEADER = 'database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry';
const BOM = [0xef, 0xbb, 0xbf];

/** Where the columns are; -1 when the report does not have one. */
interface Layout {
  columns: number;
  key: number;
  db: number;
  type: number;
  bytes: number;
  expiry: number;
  /** rdbtools' header, which rct writes too: a row ending in '"' may be rct's raw-key form. */
  rct: boolean;
}

const RDBTOOLS: Layout = layoutOf(RDBTOOLS_HEADER.split(','));

function layoutOf(names: string[]): Layout {
  const at = (...alias: string[]): number => names.findIndex((n) => alias.includes(n));
  return {
    columns: names.length,
    key: at('key'),
    db: at('database'),
    type: at('type'),
    bytes: at('size_in_bytes', 'size'),
    expiry: at('expiry', 'expiration'),
    rct: names.join(',') === RDBTOOLS_HEADER,
  };
}

export async function readMemoryCsv(chunks: AsyncIterable<Buffer>, node: string, sink: RecordSink, stats: InputStats, maxLineBytes = DEFAULT_MAX_LINE): Promise<void> {
  const reader = new MemoryCsvReader(node, sink, stats, maxLineBytes);
  const splitter = new LineSplitter(
    (buf, start, end, lineNo) => reader.line(buf, start, end, lineNo),
    (lineNo, length) => reader.overlong(lineNo, length),
    maxLineBytes,
  );
  for await (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  reader.end();
  stats.lines = splitter.lines;
}

/** A row begun on an earlier line whose quoted field is still open. */
interface Pending {
  /** The row's lines so far, each followed by '\n', in scratch[0, length). */
  length: number;
  lineNos: number[];
  /** Where each line starts in scratch. */
  offsets: number[];
  /** The column whose quote opened it. */
  column: number;
  /** RFC 4180 cannot read it (a raw quote in an rct key): only the rct form can still complete it. */
  rctOnly: boolean;
}

class MemoryCsvReader {
  private layout: Layout | null = null;
  /** The row being read, split by RFC 4180; kept across lines while a quoted field is open. */
  private readonly fields = new CsvFields();
  /** The same row split in rct's raw-key form. */
  private readonly rctFields = new CsvFields();
  /** A line tested on its own while a row is pending. */
  private readonly probe = new CsvFields();
  private scratch = Buffer.allocUnsafe(1 << 12);
  private pending: Pending | null = null;
  private rfcRows = 0;
  private rctRows = 0;
  private readonly types: Buffer[] = [];
  private readonly typeNames: string[] = [];

  constructor(
    private readonly node: string,
    private readonly sink: RecordSink,
    private readonly stats: InputStats,
    private readonly maxLine: number,
  ) {}

  line(buf: Buffer, start: number, end: number, lineNo: number): void {
    // The splitter took off a '\r' before the '\n' (it is still in buf); inside a quoted key it is a key byte.
    const cr = end < buf.length && buf[end] === 13;
    if (this.layout === null) {
      if (lineNo === 1 && end - start >= 3 && buf[start] === BOM[0] && buf[start + 1] === BOM[1] && buf[start + 2] === BOM[2]) start += 3;
      if (start === end) {
        this.stats.skip(lineNo, 'empty line');
        return;
      }
      if (this.header(buf, start, end)) return;
    }
    if (this.pending) this.continueRow(buf, start, end, cr, lineNo);
    else this.freshRow(buf, start, end, cr, lineNo);
  }

  overlong(lineNo: number, length: number): void {
    if (this.pending) this.backOff(`unterminated quote in column ${this.pending.column} (a line after it is too long)`);
    this.stats.skip(lineNo, `line of ${length} bytes is longer than the ${this.maxLine}-byte limit`);
  }

  end(): void {
    while (this.pending) this.backOff(`unterminated quote in column ${this.pending.column} (the file ends inside it)`);
  }

  /** Reads the first line as the header; false when it is a row of a report without one (rdbtools' order then). */
  private header(buf: Buffer, start: number, end: number): boolean {
    const f = this.fields;
    f.begin(start);
    const names: string[] = [];
    if (f.walk(buf, end) === 'done') for (let i = 0; i < f.count; i++) names.push(buf.toString('latin1', f.starts[i], f.unescape(buf, i)).trim().toLowerCase());
    if (names.includes('key')) {
      if (names.indexOf('key') !== names.lastIndexOf('key')) throw new InputError('the memory report header names two key columns', this.stats.path, 1);
      this.layout = layoutOf(names);
      this.stats.preamble++;
      return true;
    }
    if (buf[start] >= 0x30 && buf[start] <= 0x39) {
      this.layout = RDBTOOLS;
      return false;
    }
    throw new InputError('not a per-key memory report: the header has no key column', this.stats.path, 1);
  }

  private freshRow(buf: Buffer, start: number, end: number, cr: boolean, lineNo: number): void {
    if (start === end) {
      this.stats.skip(lineNo, 'empty line');
      return;
    }
    if (this.rctRow(buf, start, end) && this.emit(this.rctFields, buf, lineNo, 1, false)) {
      this.rctRows++;
      return;
    }
    const f = this.fields;
    f.begin(start);
    const walked = f.walk(buf, end);
    if (walked === 'done') {
      if (this.emit(f, buf, lineNo, 1, true)) this.rfcRows++;
    } else if (walked === 'open') this.beginPending(buf, start, end, cr, lineNo, f.column, false);
    else if (walked === 'too-many') this.stats.skip(lineNo, `more than ${f.starts.length} columns`);
    else if (this.rctPossible() && buf[end - 1] !== 0x22) this.beginPending(buf, start, end, cr, lineNo, 3, true);
    else this.stats.skip(lineNo, `unexpected bytes after the closing quote in column ${f.column}`);
  }

  /** rct's raw keys are possible in a report with rdbtools' header that has shown no RFC 4180 row, or an rct one. */
  private rctPossible(): boolean {
    return this.layout!.rct && (this.rctRows > 0 || this.rfcRows === 0);
  }

  private rctRow(buf: Buffer, start: number, end: number): boolean {
    return this.layout!.rct && end > start && buf[end - 1] === 0x22 && splitRctRow(buf, start, end, this.rctFields);
  }

  /** Interprets split fields as a row; when report is false an invalid row is left to the caller. */
  private emit(f: CsvFields, buf: Buffer, lineNo: number, lines: number, report: boolean): boolean {
    const layout = this.layout!;
    if (f.count !== layout.columns) {
      // rdbtools does not quote keys: a key with a comma adds columns and cannot be told apart safely.
      if (report) this.stats.skip(lineNo, `expected ${layout.columns} columns, got ${f.count} (an unquoted key with a comma?)`);
      return false;
    }
    const meta = this.meta(f, buf);
    if (typeof meta === 'string') {
      if (report) this.stats.skip(lineNo, meta);
      return false;
    }
    const keyEnd = f.unescape(buf, layout.key);
    this.stats.records++;
    this.stats.preamble += lines - 1;
    this.sink.key(buf, f.starts[layout.key], keyEnd, this.node, meta);
    return true;
  }

  private beginPending(buf: Buffer, start: number, end: number, cr: boolean, lineNo: number, column: number, rctOnly: boolean): void {
    this.pending = { length: 0, lineNos: [], offsets: [], column, rctOnly };
    this.append(buf, start, end, cr, lineNo);
    if (!rctOnly) {
      this.fields.begin(0);
      this.fields.walk(this.scratch, this.pending.length - 1 - (cr ? 1 : 0));
    }
  }

  private continueRow(buf: Buffer, start: number, end: number, cr: boolean, lineNo: number): void {
    const p = this.pending!;
    // A line that is a whole row by itself starts a new row: the open quote above it was damage.
    if (this.completeRow(buf, start, end)) {
      this.backOff(`unterminated quote in column ${p.column}`);
      this.freshRow(buf, start, end, cr, lineNo);
      return;
    }
    this.append(buf, start, end, cr, lineNo);
    if (p.length > this.maxLine || p.lineNos.length > MAX_ROW_LINES) {
      this.backOff(`unterminated quote in column ${p.column} (the row would run past ${p.length > this.maxLine ? `${this.maxLine} bytes` : `${MAX_ROW_LINES} lines`})`);
      return;
    }
    const s = this.scratch;
    // The row would end here: before the '\n', and before a '\r' that ends the line outside any quote.
    const rowEnd = p.length - 1 - (cr ? 1 : 0);
    if (this.rctRow(s, 0, rowEnd) && this.emit(this.rctFields, s, p.lineNos[0], p.lineNos.length, false)) {
      this.rctRows++;
      this.pending = null;
      return;
    }
    if (p.rctOnly) return;
    const walked = this.fields.walk(s, rowEnd);
    if (walked === 'open') return;
    if (walked === 'done' && this.emit(this.fields, s, p.lineNos[0], p.lineNos.length, false)) {
      this.rfcRows++;
      this.pending = null;
    } else if (walked === 'bad-quote' && this.rctPossible()) p.rctOnly = true;
    else this.backOff(`unterminated quote in column ${p.column}`);
  }

  /** Whether buf[start, end) alone, with no quote in it or in rct's form, is a row that reads cleanly. */
  private completeRow(buf: Buffer, start: number, end: number): boolean {
    if (start === end) return false;
    if (this.rctRow(buf, start, end)) return typeof this.meta(this.rctFields, buf) !== 'string';
    const f = this.probe;
    f.begin(start);
    const quote = buf.indexOf(0x22, start);
    return (quote < 0 || quote >= end) && f.walk(buf, end) === 'done' && f.count === this.layout!.columns && typeof this.meta(f, buf) !== 'string';
  }

  /** Adds a line and the '\n' after it to the pending row. */
  private append(buf: Buffer, start: number, end: number, cr: boolean, lineNo: number): void {
    const p = this.pending!;
    const n = end - start + (cr ? 1 : 0);
    if (p.length + n + 1 > this.scratch.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, p.length + n + 1));
      this.scratch.copy(grown, 0, 0, p.length);
      this.scratch = grown;
    }
    p.offsets.push(p.length);
    p.lineNos.push(lineNo);
    buf.copy(this.scratch, p.length, start, start + n);
    p.length += n;
    this.scratch[p.length++] = 0x0a;
  }

  /** Skips the pending row's first line and reads the lines after it again, each as a line of its own. */
  private backOff(reason: string): void {
    const p = this.pending!;
    this.pending = null;
    const old = this.scratch;
    this.scratch = Buffer.allocUnsafe(1 << 12);
    this.stats.skip(p.lineNos[0], reason);
    for (let i = 1; i < p.lineNos.length; i++) {
      let end = (i + 1 < p.offsets.length ? p.offsets[i + 1] : p.length) - 1;
      // Strip one '\r' before the '\n' as the splitter does; old[end] still holds it.
      const cr = end > p.offsets[i] && old[end - 1] === 13;
      if (cr) end--;
      if (this.pending) this.continueRow(old, p.offsets[i], end, cr, p.lineNos[i]);
      else this.freshRow(old, p.offsets[i], end, cr, p.lineNos[i]);
    }
  }

  /** The row's database, type, size and expiry; the reason when one cannot be read (never the value). */
  private meta(f: CsvFields, buf: Buffer): KeyMeta | string {
    const l = this.layout!;
    let db = 0;
    if (l.db >= 0) {
      db = digits(buf, f.starts[l.db], f.ends[l.db]);
      if (db < 0) return 'column database is not a number';
    }
    let bytes: number | null = null;
    if (l.bytes >= 0 && f.ends[l.bytes] > f.starts[l.bytes]) {
      bytes = size(buf, f.starts[l.bytes], f.ends[l.bytes]);
      if (bytes < 0) return 'column size is not a number of bytes';
    }
    let expiresAt = 0;
    if (l.expiry >= 0 && f.ends[l.expiry] > f.starts[l.expiry]) {
      expiresAt = expiry(buf.toString('latin1', f.starts[l.expiry], f.ends[l.expiry]));
      if (!Number.isFinite(expiresAt)) return 'column expiry is not a date';
    }
    return { db, type: l.type >= 0 ? this.typeName(buf, f.starts[l.type], f.ends[l.type]) : '', bytes, expiresAt };
  }

  /** The type column's text, one string per distinct type rather than one per row. */
  private typeName(buf: Buffer, start: number, end: number): string {
    for (let i = 0; i < this.types.length; i++) if (buf.compare(this.types[i], 0, this.types[i].length, start, end) === 0) return this.typeNames[i];
    const name = buf.toString('latin1', start, end);
    if (this.types.length < 32) {
      this.types.push(Buffer.from(buf.subarray(start, end)));
      this.typeNames.push(name);
    }
    return name;
  }
}

/** A non-negative decimal integer, or -1. */
function digits(buf: Buffer, start: number, end: number): number {
  if (start === end || end - start > 15) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i] - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** SI prefixes rct's Strings.pretty uses: "812 B", "1.2kB", "3.4MB". */
const SI = 'kMGTPE';
const RCT_SIZE = /^(\d+(?:\.\d+)?) ?([kMGTPE]?)B$/;

/** Bytes, exact from rdbtools and HDT3213/rdb, to rct's 2-3 significant digits from rct; -1 when not a size. */
function size(buf: Buffer, start: number, end: number): number {
  const n = digits(buf, start, end);
  if (n >= 0) return n;
  const m = RCT_SIZE.exec(buf.toString('latin1', start, end));
  if (!m) return -1;
  return Math.round(Number(m[1]) * (m[2] === '' ? 1 : 1000 ** (SI.indexOf(m[2]) + 1)));
}

/** ms since the epoch; NaN when the text is not one of the tools' forms. */
function expiry(text: string): number {
  // rct with export_format_date=no: ms since the epoch.
  if (/^\d+$/.test(text)) return Number(text);
  // HDT3213/rdb: RFC 3339 with its zone.
  if (/(?:[zZ]|[+-]\d\d:?\d\d)$/.test(text)) return Date.parse(text);
  // rdbtools: datetime.isoformat() in UTC, without a zone.
  if (/^\d{4}-\d\d-\d\dT/.test(text)) return Date.parse(text + 'Z');
  // rct: "yyyy-MM-dd HH:mm:ss.SSS" in the zone of the machine that wrote it, taken as this machine's.
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?$/.test(text)) return Date.parse(text.replace(' ', 'T'));
  return NaN;
}
