// Per-pattern read statistics for replica reads, from the analyzer's keyed events. Only reads a client
// sent can go to a replica: the commands a script runs (the `lua` lines) run on the primary, so they
// count as script reads, never as client reads; the script call itself (EVAL and its declared keys) is
// left to those lines. Writes count from everyone, since any write makes a replica's copy briefly stale.
// A write a script made for a client is not that client's own write here: MONITOR's `lua` lines carry
// no client.
import type { AnalysisObserver, KeyedCommand } from '../analyze/analyzer.js';
import { SCRIPT_CALLS } from '../commands/script-calls.js';

export interface ReadStat {
  pattern: string;
  clientReads: number;
  /** Writes by clients and by scripts. */
  writes: number;
  scriptReads: number;
  /** Client reads within the window of the key's latest write, made by the same client (read-your-own-write). */
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
/** Keys whose last write is remembered per node; past this, writes older than the window are forgotten first. */
const MAX_WRITES_REMEMBERED = 200_000;

/** A key's last write: when, and by which client ('' for a script). Updated in place. */
interface LastWrite {
  micros: number;
  client: string;
}

/** The last write of each recently written key of one node, bounded; only writes within the window matter. */
class LastWrites {
  private readonly writes = new Map<string, LastWrite>();

  set(key: string, micros: number, client: string, windowMicros: number): void {
    const w = this.writes.get(key);
    if (w) {
      w.micros = micros;
      w.client = client;
      return;
    }
    if (this.writes.size >= MAX_WRITES_REMEMBERED) this.forget(micros - windowMicros);
    this.writes.set(key, { micros, client });
  }

  get(key: string): LastWrite | undefined {
    return this.writes.get(key);
  }

  /** Drops writes before `before`; if that frees too little, the longest-known keys go too. */
  private forget(before: number): void {
    for (const [k, w] of this.writes) if (w.micros < before) this.writes.delete(k);
    let drop = this.writes.size - (MAX_WRITES_REMEMBERED * 3) / 4;
    for (const k of this.writes.keys()) {
      if (drop-- <= 0) break;
      this.writes.delete(k);
    }
  }
}

export class ReadStats {
  readonly patterns = new Map<string, ReadStat>();
  firstMicros = Infinity;
  lastMicros = 0;
  private readonly lastWrites = new Map<string, LastWrites>();

  /** `patternOf` is the planner's memoized keyPattern, shared so each key's pattern is made once. */
  constructor(
    private readonly options: ReadStatsOptions,
    private readonly patternOf: (key: string) => string,
  ) {}

  observer(): AnalysisObserver {
    return { keyed: (c) => this.add(c) };
  }

  add(c: KeyedCommand): void {
    if (c.timeMicros < this.firstMicros) this.firstMicros = c.timeMicros;
    if (c.timeMicros > this.lastMicros) this.lastMicros = c.timeMicros;
    if (SCRIPT_CALLS.has(c.command)) return;
    const windowMicros = this.options.windowMs * 1000;
    let writes = this.lastWrites.get(c.node);
    if (!writes) this.lastWrites.set(c.node, (writes = new LastWrites()));
    for (const key of c.keys) {
      const stat = this.statFor(key);
      if (c.write) {
        stat.writes++;
        writes.set(key, c.timeMicros, c.client, windowMicros);
      } else if (c.fromScript) {
        stat.scriptReads++;
      } else {
        stat.clientReads++;
        const w = writes.get(key);
        if (w && c.timeMicros - w.micros <= windowMicros) {
          stat.recentWriteReads++;
          // The key's latest write was this client's: a replica could still miss it.
          if (w.client === c.client) stat.ownWriteReads++;
        }
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
