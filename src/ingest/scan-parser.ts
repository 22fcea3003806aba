// `redis-cli --scan` output: one key per line, raw (stdout not a terminal) or quoted with sdscatrepr
// escapes (`--no-raw`, or a terminal). Raw lines cannot carry a newline or NUL; quoted ones are exact.
import { BAD_ESCAPE, type Cursor, unescapeInPlace } from './sdsrepr.js';

export class ScanLineParser {
  start = 0;
  end = 0;
  error = '';
  private readonly cur: Cursor = { next: 0, errorAt: 0 };

  constructor(private readonly quoted: boolean) {}

  /** Sets [start, end) to the key's bytes in buf (unescaped in place); false with `error` set if malformed (never quoting the key). */
  parse(buf: Buffer, start: number, end: number): boolean {
    if (start === end) return this.fail('empty line');
    if (!this.quoted) {
      this.start = start;
      this.end = end;
      return true;
    }
    if (buf[start] !== 0x22) return this.fail('expected a quoted key ("...") in a --no-raw dump');
    const keyEnd = unescapeInPlace(buf, start, end, this.cur);
    if (keyEnd === BAD_ESCAPE) return this.fail(`bad escape at byte ${this.cur.errorAt - start}`);
    if (keyEnd < 0) return this.fail('unterminated quote');
    if (this.cur.next !== end) return this.fail('unexpected bytes after the closing quote');
    this.start = start + 1;
    this.end = keyEnd;
    return true;
  }

  private fail(reason: string): false {
    this.error = reason;
    return false;
  }
}
