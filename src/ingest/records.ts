// What ingest hands to the next stage. Every format produces the same two kinds of record.
import type { MonitorRecord } from './monitor-parser.js';

/** What a memory report (or a live MEMORY USAGE/TYPE/PTTL probe) knows of a key besides its name. */
export interface KeyMeta {
  db: number;
  type: string;
  /** null when the dump did not measure it. */
  bytes: number | null;
  /** Absolute expiry, ms since the epoch; 0 when the key does not expire. */
  expiresAt: number;
}

export interface RecordSink {
  /**
   * A command from a MONITOR capture; rec and its buffer are reused after the call returns. Answers a
   * reason when the line cannot be a command Redis ran (a known command with the wrong number of
   * arguments: a cut line); the line is then counted as skipped, not as a record.
   */
  command(rec: MonitorRecord, node: string): string | void;
  /** A key from a SCAN dump or a memory report, as bytes buf[start, end); buf is reused after the call. */
  key(buf: Buffer, start: number, end: number, node: string, meta: KeyMeta | null): void;
}
