// The fields of one CSV record, found by walking its bytes: RFC 4180 quoting (a field that starts with '"'
// runs to the next lone '"'; a quote inside it is doubled), as Go's encoding/csv and Python's csv write
// it. A quote inside an unquoted field is an ordinary byte: rdbtools writes keys unquoted, quotes and all.
// A quoted field may hold a newline, so a record may span lines: the walk stops with the quote open at
// the end of the bytes it was given and resumes where it stopped when the next line has been appended.

export const MAX_FIELDS = 64;

/** done: every field found; open: a quoted field runs on past the end; bad-quote: bytes after a closing quote. */
export type WalkResult = 'done' | 'open' | 'bad-quote' | 'too-many';

export class CsvFields {
  count = 0;
  /** Field i's content is [starts[i], ends[i]), quotes removed (doubled quotes stay doubled until unescape). */
  readonly starts = new Uint32Array(MAX_FIELDS);
  readonly ends = new Uint32Array(MAX_FIELDS);
  /** 1 when field i is quoted and holds a doubled quote. */
  readonly doubled = new Uint8Array(MAX_FIELDS);
  private pos = 0;
  private inQuote = false;
  private closed = false;

  /** Starts a record at buf[start]. */
  begin(start: number): void {
    this.count = 0;
    this.pos = start;
    this.inQuote = false;
    this.closed = false;
    this.starts[0] = start;
    this.doubled[0] = 0;
  }

  /** The 1-based column the walk is in (where an open quote started, after 'open'). */
  get column(): number {
    return this.count + 1;
  }

  /** Walks buf from where the last walk stopped up to end. */
  walk(buf: Buffer, end: number): WalkResult {
    let pos = this.pos;
    for (;;) {
      if (this.inQuote) {
        const q = buf.indexOf(0x22, pos);
        if (q < 0 || q >= end) {
          this.pos = end;
          return 'open';
        }
        if (q + 1 < end && buf[q + 1] === 0x22) {
          this.doubled[this.count] = 1;
          pos = q + 2;
          continue;
        }
        this.inQuote = false;
        this.closed = true;
        this.ends[this.count] = q;
        pos = q + 1;
        continue;
      }
      if (this.closed) {
        // After a closing quote only the separator or the end of the record may follow.
        if (pos === end) return this.finish(end);
        if (buf[pos] !== 0x2c) return 'bad-quote';
        if (!this.next(pos + 1)) return 'too-many';
        pos++;
        continue;
      }
      if (pos === this.starts[this.count] && pos < end && buf[pos] === 0x22) {
        this.inQuote = true;
        this.starts[this.count] = ++pos;
        continue;
      }
      const comma = buf.indexOf(0x2c, pos);
      if (comma < 0 || comma >= end) {
        this.ends[this.count] = end;
        return this.finish(end);
      }
      this.ends[this.count] = comma;
      if (!this.next(comma + 1)) return 'too-many';
      pos = comma + 1;
    }
  }

  /** Collapses field i's doubled quotes in place; returns its new end. */
  unescape(buf: Buffer, i: number): number {
    if (this.doubled[i] === 0) return this.ends[i];
    let w = this.starts[i];
    for (let r = w; r < this.ends[i]; r++, w++) {
      buf[w] = buf[r];
      if (buf[r] === 0x22) r++;
    }
    this.doubled[i] = 0;
    this.ends[i] = w;
    return w;
  }

  private next(start: number): boolean {
    if (this.count + 1 >= MAX_FIELDS) return false;
    this.count++;
    this.starts[this.count] = start;
    this.doubled[this.count] = 0;
    this.closed = false;
    return true;
  }

  private finish(end: number): 'done' {
    this.pos = end;
    this.count++;
    return 'done';
  }
}
