// Splits a stream of byte chunks into lines without copying, except for the one line that straddles
// two chunks. A line is handed over as (buffer, start, end) with the '\n' and any '\r' before it removed.

export type LineHandler = (buf: Buffer, start: number, end: number, lineNo: number) => void;
/** Called instead of the handler for a line longer than the bound; the line is skipped, not split. */
export type OverlongHandler = (lineNo: number, length: number) => void;

export const DEFAULT_MAX_LINE = 64 * 1024 * 1024;

export class LineSplitter {
  private carry: Buffer[] = [];
  private carryLength = 0;
  private overlong = false;
  private lineNo = 0;

  constructor(
    private readonly onLine: LineHandler,
    private readonly onOverlong: OverlongHandler,
    private readonly maxLine = DEFAULT_MAX_LINE,
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
    if (this.carryLength > 0 || this.overlong) this.flushCarry();
  }

  private emit(buf: Buffer, start: number, end: number): void {
    this.lineNo++;
    if (end - start > this.maxLine) {
      this.onOverlong(this.lineNo, end - start);
      return;
    }
    if (end > start && buf[end - 1] === 13) end--;
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
