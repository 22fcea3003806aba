// Splits a stream of byte chunks into lines without copying, except for the one line that straddles
// two chunks. A line is handed over as (buffer, start, end) with the '\n' removed, and the '\r' before it
// when the lines end in CRLF (stripCR): raw keys are exact bytes up to the newline, and may end in CR.

export type LineHandler = (buf: Buffer, start: number, end: number, lineNo: number) => void;
/** Called instead of the handler for a line longer than the bound; the line is skipped, not split. */
export type OverlongHandler = (lineNo: number, length: number) => void;

export const DEFAULT_MAX_LINE = 64 * 1024 * 1024;

export class LineSplitter {
  private carry: Buffer[] = [];
  private carryLength = 0;
  private overlong = false;
  private lineNo = 0;
  private ending = false;
  /** Lines ended by a '\n' without a '\r' before it, counted while stripping CR: a CRLF file is confirmed by 0. */
  lfOnly = 0;

  constructor(
    private readonly onLine: LineHandler,
    private readonly onOverlong: OverlongHandler,
    private readonly maxLine = DEFAULT_MAX_LINE,
    private readonly stripCR = true,
  ) {}

  get lines(): number {
    return this.lineNo;
  }

  push(chunk: Buffer): void {
    const pos = this.carryLength > 0 || this.overlong ? this.endCarry(chunk) : 0;
    if (pos < 0) return;
    const rest = this.emitLines(chunk, pos);
    if (rest < chunk.length) this.keep(chunk, rest, chunk.length);
  }

  /**
   * Completes the line carried over from earlier chunks; returns where the chunk's own lines start, or
   * -1 when the whole chunk belongs to the carried line. (Apart from the line loop so that the loop's
   * compiled code never meets a branch it has no feedback for: that cost a deopt per chunk.)
   */
  private endCarry(chunk: Buffer): number {
    const nl = chunk.indexOf(10);
    if (nl < 0) {
      this.keep(chunk, 0, chunk.length);
      return -1;
    }
    this.keep(chunk, 0, nl);
    this.flushCarry();
    return nl + 1;
  }

  /** Emits every complete line from pos on; returns where the unfinished tail starts. */
  private emitLines(chunk: Buffer, pos: number): number {
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) return pos;
      this.emit(chunk, pos, nl);
      pos = nl + 1;
    }
  }

  /** Ends the stream: a last line without '\n' is still a line. */
  end(): void {
    this.ending = true;
    if (this.carryLength > 0 || this.overlong) this.flushCarry();
  }

  private emit(buf: Buffer, start: number, end: number): void {
    this.lineNo++;
    if (end - start > this.maxLine) {
      this.onOverlong(this.lineNo, end - start);
      return;
    }
    if (this.stripCR) {
      if (end > start && buf[end - 1] === 13) end--;
      else if (!this.ending) this.lfOnly++;
    }
    this.onLine(buf, start, end, this.lineNo);
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    if (this.overlong) {
      this.carryLength += end - start;
      return;
    }
    if (this.carryLength + (end - start) > this.maxLine) {
      // Stop buffering: the line is reported as overlong once its end arrives.
      this.overlong = true;
      this.carry = [];
      this.carryLength += end - start;
      return;
    }
    if (end > start) {
      // Copy: the caller may reuse or mutate the chunk after push() returns.
      this.carry.push(Buffer.from(chunk.subarray(start, end)));
      this.carryLength += end - start;
    }
  }

  private flushCarry(): void {
    if (this.overlong) {
      this.lineNo++;
      this.onOverlong(this.lineNo, this.carryLength);
    } else {
      const line = this.carry.length === 1 ? this.carry[0] : Buffer.concat(this.carry, this.carryLength);
      this.emit(line, 0, line.length);
    }
    this.carry = [];
    this.carryLength = 0;
    this.overlong = false;
  }
}

export type LineEndings = 'lf' | 'crlf' | 'mixed';

/** How the complete lines of a head end: 'crlf' only when every one of them ends in CRLF. */
export function headLineEndings(head: Buffer): LineEndings {
  let crlf = 0;
  let lf = 0;
  for (let nl = head.indexOf(10); nl >= 0; nl = head.indexOf(10, nl + 1)) {
    if (nl > 0 && head[nl - 1] === 13) crlf++;
    else lf++;
  }
  if (crlf === 0) return 'lf';
  return lf === 0 ? 'crlf' : 'mixed';
}

/**
 * Raw keys are exact bytes up to the newline: a CR before it is a line ending only when every line ends
 * in CRLF, which the head tells and the end confirms (lfOnly of a splitter that stripped CR). Answers the
 * line endings and a note for stderr when they change what the keys are.
 */
export function confirmLineEndings(head: LineEndings, lfOnly: number): { lineEndings: LineEndings; note: string | null } {
  if (head === 'crlf' && lfOnly === 0) return { lineEndings: 'crlf', note: 'every line ends in CRLF: the CR is read as part of the line ending, not of the key' };
  if (head === 'crlf') return { lineEndings: 'mixed', note: `the first lines end in CRLF but ${lfOnly} later ones in LF only: a CR before a newline was read as a line ending, so keys that end in CR are off by that byte` };
  if (head === 'mixed') return { lineEndings: 'mixed', note: 'line endings are mixed (CRLF and LF): a CR before a newline is kept as the last byte of its key' };
  return { lineEndings: 'lf', note: null };
}

/** How much of an input is held to tell its format and line endings when no newline comes sooner. */
export const HEAD_BYTES = 64 * 1024;

/**
 * Splits a stream of raw keys (`redis-cli --scan` output) into lines, telling its line endings from the
 * head (the chunks up to a newline or 64 KiB) and confirming them at the end.
 */
export async function splitRawKeys(chunks: AsyncIterable<Buffer>, onLine: LineHandler, onOverlong: OverlongHandler): Promise<{ lines: number; lineEndings: LineEndings; note: string | null }> {
  const held: Buffer[] = [];
  let heldLength = 0;
  let head: LineEndings = 'lf';
  let splitter: LineSplitter | null = null;
  const start = (): LineSplitter => {
    const first = Buffer.concat(held, heldLength);
    head = headLineEndings(first);
    const s = new LineSplitter(onLine, onOverlong, DEFAULT_MAX_LINE, head === 'crlf');
    s.push(first);
    return s;
  };
  for await (const chunk of chunks) {
    if (splitter !== null) {
      splitter.push(chunk);
      continue;
    }
    held.push(chunk);
    heldLength += chunk.length;
    if (chunk.indexOf(10) >= 0 || heldLength >= HEAD_BYTES) splitter = start();
  }
  splitter ??= start();
  splitter.end();
  return { lines: splitter.lines, ...confirmLineEndings(head, splitter.lfOnly) };
}
