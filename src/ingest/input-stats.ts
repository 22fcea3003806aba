// Per-input bookkeeping: how many lines were read and turned into records, and why any were skipped.
import type { LineEndings } from './line-splitter.js';

export type InputFormat = 'monitor' | 'scan' | 'scan-quoted' | 'memory-csv';
export const INPUT_FORMATS: readonly InputFormat[] = ['monitor', 'scan', 'scan-quoted', 'memory-csv'];

export interface SkippedLine {
  line: number;
  reason: string;
}

/** How many skipped lines keep their full location and reason; the rest are only counted by reason. */
const KEEP_FIRST = 10;

export class InputStats {
  format: InputFormat | 'empty' = 'empty';
  lines = 0;
  records = 0;
  /**
   * Lines that are neither records nor skipped: MONITOR's `OK`, a CSV header, the further lines of a CSV
   * row whose quoted key holds a newline. records + skipped + preamble = lines.
   */
  preamble = 0;
  bytes = 0;
  /** Records that were a replica's replication stream (client: another captured node): not traffic. */
  replicationLines = 0;
  /** The nodes those lines came from. */
  replicationFrom: string[] = [];
  /** How the lines end; 'crlf' when every line ends in CRLF, which raw keys then do not include. */
  lineEndings: LineEndings = 'lf';
  skippedCount = 0;
  readonly skippedByReason = new Map<string, number>();
  readonly firstSkipped: SkippedLine[] = [];
  /** What the reader noticed and let pass, one sentence each, for stderr (trailing garbage after gzip data). */
  readonly notes: string[] = [];

  constructor(
    readonly path: string,
    readonly node: string,
  ) {}

  skip(line: number, reason: string): void {
    this.skippedCount++;
    // Group "unterminated quote in argument 3" with "... argument 7"; quoted input text may hold `\"`.
    const group = reason.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/\d+/g, 'N');
    this.skippedByReason.set(group, (this.skippedByReason.get(group) ?? 0) + 1);
    if (this.firstSkipped.length < KEEP_FIRST) this.firstSkipped.push({ line, reason });
  }
}
