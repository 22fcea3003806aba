// Per-pattern read statistics for replica reads, from the analyzer's keyed events. Only reads a client
// sent can go to a replica: the commands a script runs (the `lua` lines) run on the primary, so they
// count as script reads, never as client reads; the script call itself (EVAL and its declared keys) is
// left to those lines. Writes count from everyone, since any write makes a replica's copy briefly stale.
// A write a script made for a client is not that client's own write here: MONITOR's `lua` lines carry
// no client.
import type { AnalysisObserver, KeyedCommand } from '../analyze/analyzer.js';
import { keyPattern } from '../analyze/key-pattern.js';
import { memoize } from '../analyze/memoize.js';

export interface ReadStat {
  pattern: string;
  clientReads: number;
  /** Writes by clients and by scripts. */
  writes: number;
  scriptReads: number;
  /** Client reads of a key the same client wrote within the window (read-your-own-write). */
  ownWriteReads: number;
  /** Client reads of a key anyone wrote within the window: what a lagging replica may answer stale. */
  recentWriteReads: number;
}

export interface ReadStatsOptions {
  windowMs: number;
  /** Patterns tracked by name; the rest are pooled as `(other)`. */
  maxPatterns: number;
}

export const OTHER_PATTERN = '(other)';
/** Last writes remembered, per key and per client and key; past this the oldest go first. */
const MAX_WRITES_REMEMBERED = 200_000;
const SCRIPT_CALLS = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

/** When each key was last written: a Map in recency order (re-inserted on write), bounded. */
class LastWrites {
  private readonly times = new Map<string, number>();

  set(id: string, micros: number): void {
    this.times.delete(id);
    this.times.set(id, micros);
    if (this.times.size <= MAX_WRITES_REMEMBERED) return;
    let drop = MAX_WRITES_REMEMBERED / 4;
    for (const k of this.times.keys()) {
      this.times.delete(k);
      if (--drop === 0) break;
    }
  }

  within(id: string, micros: number, windowMicros: number): boolean {
    const t = this.times.get(id);
    return t !== undefined && micros - t <= windowMicros;
  }
}

export class ReadStats {
  readonly patterns = new Map<string, ReadStat>();
  firstMicros = Infinity;
  lastMicros = 0;
  private readonly byKey = new LastWrites();
  private readonly byClient = new LastWrites();
  private readonly patternOf = memoize(500_000, keyPattern);

  constructor(private readonly options: ReadStatsOptions) {}

  observer(): AnalysisObserver {
    return { keyed: (c) => this.add(c) };
  }

  add(c: KeyedCommand): void {
    if (c.timeMicros < this.firstMicros) this.firstMicros = c.timeMicros;
    if (c.timeMicros > this.lastMicros) this.lastMicros = c.timeMicros;
    if (SCRIPT_CALLS.has(c.command)) return;
    const windowMicros = this.options.windowMs * 1000;
    for (const key of c.keys) {
      const stat = this.statFor(key);
      const keyId = `${c.node}\u0000${key}`;
      const clientId = `${c.node}\u0000${c.client}\u0000${key}`;
      if (c.write) {
        stat.writes++;
        this.byKey.set(keyId, c.timeMicros);
        if (!c.fromScript) this.byClient.set(clientId, c.timeMicros);
      } else if (c.fromScript) {
        stat.scriptReads++;
      } else {
        stat.clientReads++;
        if (this.byClient.within(clientId, c.timeMicros, windowMicros)) stat.ownWriteReads++;
        if (this.byKey.within(keyId, c.timeMicros, windowMicros)) stat.recentWriteReads++;
      }
    }
  }

  /** Seconds between the first and the last keyed command. */
  get seconds(): number {
    return this.lastMicros > this.firstMicros ? (this.lastMicros - this.firstMicros) / 1e6 : 0;
  }

  private statFor(key: string): ReadStat {
    let p = this.patternOf(key);
    if (!this.patterns.has(p) && this.patterns.size >= this.options.maxPatterns) p = OTHER_PATTERN;
    let stat = this.patterns.get(p);
    if (!stat) {
      stat = { pattern: p, clientReads: 0, writes: 0, scriptReads: 0, ownWriteReads: 0, recentWriteReads: 0 };
      this.patterns.set(p, stat);
    }
    return stat;
  }
}
