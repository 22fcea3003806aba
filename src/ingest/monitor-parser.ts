// Parses one `redis-cli MONITOR` line, as written by replicationFeedMonitors() in Redis:
//   <unix-seconds>.<micros> [<db> <client>] "arg" "arg" ...
// where client is ip:port, [ipv6]:port, unix:<server socket path>, or `lua` for commands a script ran.
// Works on the line's bytes; arguments are unescaped in place and described by offsets.
import { viewFor } from '../bytes/byte-view.js';
import { digits4, hasByte, isDigits4 } from '../bytes/swar.js';
import { ArgList } from '../commands/args.js';
import { BAD_ESCAPE, type Cursor, unescapeInPlace } from './sdsrepr.js';

export const enum ClientKind {
  Tcp = 0,
  Unix = 1,
  Lua = 2,
}

const NO_INTS = new Int32Array(0);

export class MonitorRecord extends ArgList {
  lineNo = 0;
  /** Unix time in microseconds. */
  timeMicros = 0;
  db = 0;
  clientStart = 0;
  clientEnd = 0;
  clientKind: ClientKind = ClientKind.Tcp;
  /**
   * Where a read worker (analyze/parallel) left what it found of this line in `pre`: the command's id (-1:
   * none), its number of keys, and four ints a key (argument, fingerprint high and low, slot). -1 when the
   * line came straight from the parser.
   */
  preAt = -1;
  pre: Int32Array = NO_INTS;

  clientAddress(): string {
    return this.buf.toString('latin1', this.clientStart, this.clientEnd);
  }
}

const SPACE = 0x20;
const QUOTE = 0x22;
const DOT = 0x2e;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACKETS = 0x5d5d5d5d;

export type MonitorLineKind = 'record' | 'control' | 'error';

/**
 * parse() fills `record` from buf[start, end) and returns 'record', 'control' for the `OK` that MONITOR
 * answers first, or 'error' with the reason in `error`. The record is reused for the next line. Reasons
 * say where, never what: the bytes of a line are keys and values.
 */
export class MonitorParser {
  readonly record = new MonitorRecord();
  error = '';
  private readonly cur: Cursor = { next: 0, errorAt: 0 };

  parse(buf: Buffer, start: number, end: number, lineNo: number): MonitorLineKind {
    const rec = this.record;
    rec.buf = buf;
    rec.argc = 0;
    rec.lineNo = lineNo;
    if (start === end) return this.fail('empty line');
    let p = start;
    if (buf[p] === 0x2b) p++; // '+' when captured over telnet
    if (end - p === 2 && buf[p] === 0x4f && buf[p + 1] === 0x4b) return 'control'; // OK

    // <seconds>.<micros>, the usual ten-digit seconds four bytes per load
    const dv = viewFor(buf);
    if (dv !== null && p + 17 < end && buf[p + 17] === SPACE && timestamp17(dv, p, rec)) p += 17;
    else if (!this.slowTimestamp(buf, p, end)) return 'error';
    else p = this.cur.next;

    // " [<db> "
    if (p + 2 >= end || buf[p] !== SPACE || buf[p + 1] !== OPEN_BRACKET) return this.fail('expected " [<db> <client>]" after the timestamp');
    p += 2;
    let db = 0;
    const dbStart = p;
    while (p < end && buf[p] >= 0x30 && buf[p] <= 0x39) db = db * 10 + (buf[p++] - 0x30);
    if (p === dbStart || p - dbStart > 5 || p >= end || buf[p] !== SPACE) return this.fail('expected a db number after "["');
    rec.db = db;
    p++;

    // The client ends at the first `] "`: an IPv6 address has its own `]`, followed by ':' not ' '.
    const clientStart = p;
    for (;;) {
      if (dv !== null) while (p + 3 < end && !hasByte(dv.getUint32(p), CLOSE_BRACKETS)) p += 4;
      if (p + 2 >= end) return this.fail('client address is not closed by "] "');
      if (buf[p] === CLOSE_BRACKET && buf[p + 1] === SPACE && buf[p + 2] === QUOTE) break;
      p++;
    }
    if (p === clientStart) return this.fail('empty client address');
    rec.clientStart = clientStart;
    rec.clientEnd = p;
    rec.clientKind = clientKindOf(buf, clientStart, p);
    p += 2;

    // "arg" "arg" ...
    const cur = this.cur;
    for (;;) {
      if (buf[p] !== QUOTE) return this.fail(`argument ${rec.argc + 1} does not start with a quote`);
      const argEnd = unescapeInPlace(buf, p, end, cur);
      if (argEnd < 0) {
        return this.fail(argEnd === BAD_ESCAPE
          ? `bad escape at byte ${cur.errorAt - p} of argument ${rec.argc + 1}`
          : `unterminated quote in argument ${rec.argc + 1}`);
      }
      rec.push(p + 1, argEnd);
      p = cur.next;
      if (p === end) return 'record';
      if (buf[p] !== SPACE || p + 1 === end) return this.fail(`unexpected byte after argument ${rec.argc}`);
      p++;
    }
  }

  /** Any other `<seconds>.<micros>`, a byte at a time; sets cur.next past it. */
  private slowTimestamp(buf: Buffer, p: number, end: number): boolean {
    let secs = 0;
    const secStart = p;
    while (p < end && buf[p] >= 0x30 && buf[p] <= 0x39) secs = secs * 10 + (buf[p++] - 0x30);
    if (p === secStart || p - secStart > 12 || p >= end || buf[p] !== DOT) return this.failed('not a MONITOR line: expected <seconds>.<micros> timestamp');
    p++;
    let micros = 0;
    const microStart = p;
    while (p < end && buf[p] >= 0x30 && buf[p] <= 0x39) micros = micros * 10 + (buf[p++] - 0x30);
    if (p - microStart !== 6) return this.failed('not a MONITOR line: expected 6 digits of microseconds');
    this.record.timeMicros = secs * 1e6 + micros;
    this.cur.next = p;
    return true;
  }

  private fail(reason: string): 'error' {
    this.error = reason;
    return 'error';
  }

  private failed(reason: string): false {
    this.error = reason;
    return false;
  }
}

/**
 * Reads `ssssssssss.uuuuuu` (ten digits of seconds: 2001 to 2286) at p into rec.timeMicros, from four
 * loads; false for any other form. (It stores rather than returns the time: a returned double is boxed.)
 */
function timestamp17(dv: DataView, p: number, rec: MonitorRecord): boolean {
  const a = dv.getUint32(p);
  const b = dv.getUint32(p + 4);
  const c = dv.getUint32(p + 8); // two digits, '.', a digit
  const d = dv.getUint32(p + 12);
  const e = dv.getUint8(p + 16) - 0x30;
  if (!isDigits4(a) || !isDigits4(b) || !isDigits4(d) || e < 0 || e > 9) return false;
  if ((c & 0xff00) !== 0x2e00 || !isDigits4((c & 0xffff00ff) | 0x3000)) return false;
  const secs = digits4(a) * 1e6 + digits4(b) * 100 + ((c >>> 24) - 0x30) * 10 + (((c >>> 16) & 0xff) - 0x30);
  rec.timeMicros = secs * 1e6 + ((c & 0xff) - 0x30) * 1e5 + digits4(d) * 10 + e;
  return true;
}

function clientKindOf(buf: Buffer, start: number, end: number): ClientKind {
  if (end - start === 3 && buf[start] === 0x6c && buf[start + 1] === 0x75 && buf[start + 2] === 0x61) return ClientKind.Lua;
  if (end - start > 5 && buf[start] === 0x75 && buf[start + 1] === 0x6e && buf[start + 2] === 0x69 && buf[start + 3] === 0x78 && buf[start + 4] === 0x3a) return ClientKind.Unix;
  return ClientKind.Tcp;
}
