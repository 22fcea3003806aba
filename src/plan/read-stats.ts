// Per-pattern read statistics for replica reads, from the analyzer's keyed events. Only reads a client
// sent can go to a replica: the commands a script runs (the `lua` lines) run on the primary, so they
// count as script reads, never as client reads; the script call itself (EVAL and its declared keys) is
// left to those lines. Writes count from everyone, since any write makes a replica's copy briefly stale.
// A write a script made for a client is not that client's own write here: MONITOR's `lua` lines carry
// no client.
import type { AnalysisObserver, KeyedCommand } from '../analyze/analyzer.js';
import { SCRIPT_CALLS } from '../commands/script-calls.js';
import type { PatternCache } from './pattern-cache.js';

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

/**
 * The last write of each recently written key of one node, bounded; only writes within the window matter.
 * Keys go by fingerprint (the analyzer's, for the line) in an open-addressing table of typed arrays, at
 * most half full: no key string is kept or hashed.
 */
class LastWrites {
  private high = new Int32Array(0);
  private low = new Int32Array(0);
  private micros = new Float64Array(0);
  /** When the key was first written here, 1 up: the order in which the longest-known keys are forgotten; 0: empty. */
  private since = new Float64Array(0);
  private clients: string[] = [];
  private mask = -1;
  private size = 0;
  private writes = 0;

  constructor() {
    this.rebuild(1 << 12, []);
  }

  set(high: number, low: number, micros: number, client: string, windowMicros: number): void {
    let i = this.find(high, low);
    if (this.since[i] === 0) {
      if (this.size >= MAX_WRITES_REMEMBERED) this.forget(micros - windowMicros);
      else if (2 * (this.size + 1) > this.mask + 1) this.rebuild(2 * (this.mask + 1), this.entries());
      i = this.find(high, low);
      this.high[i] = high;
      this.low[i] = low;
      this.since[i] = ++this.writes;
      this.size++;
    }
    this.micros[i] = micros;
    this.clients[i] = client;
  }

  /** The entry of the key's last write, or -1 when none is remembered. */
  get(high: number, low: number): number {
    const i = this.find(high, low);
    return this.since[i] === 0 ? -1 : i;
  }

  microsAt(i: number): number {
    return this.micros[i];
  }

  clientAt(i: number): string {
    return this.clients[i];
  }

  /** The key's entry, or the empty one where it would go. */
  private find(high: number, low: number): number {
    let i = low & this.mask;
    while (this.since[i] !== 0 && (this.low[i] !== low || this.high[i] !== high)) i = (i + 1) & this.mask;
    return i;
  }

  /** Drops writes before `before`; if that frees too little, the longest-known keys go too. */
  private forget(before: number): void {
    let kept = this.entries().filter((i) => this.micros[i] >= before);
    const drop = kept.length - (MAX_WRITES_REMEMBERED * 3) / 4;
    if (drop > 0) {
      const last = Float64Array.from(kept, (i) => this.since[i]).sort()[drop - 1];
      kept = kept.filter((i) => this.since[i] > last);
    }
    this.rebuild(this.mask + 1, kept);
  }

  /** The entries in use. */
  private entries(): number[] {
    const out: number[] = [];
    for (let i = 0; i <= this.mask; i++) if (this.since[i] !== 0) out.push(i);
    return out;
  }

  /** A table of `size` entries holding the given entries of this one. */
  private rebuild(size: number, keep: readonly number[]): void {
    const [high, low, micros, since, clients] = [this.high, this.low, this.micros, this.since, this.clients];
    this.high = new Int32Array(size);
    this.low = new Int32Array(size);
    this.micros = new Float64Array(size);
    this.since = new Float64Array(size);
    this.clients = new Array<string>(size).fill('');
    this.mask = size - 1;
    for (const j of keep) {
      const i = this.find(high[j], low[j]);
      this.high[i] = high[j];
      this.low[i] = low[j];
      this.micros[i] = micros[j];
      this.since[i] = since[j];
      this.clients[i] = clients[j];
    }
    this.size = keep.length;
  }
}

export class ReadStats {
  readonly patterns = new Map<string, ReadStat>();
  firstMicros = Infinity;
  lastMicros = 0;
  private readonly lastWrites = new Map<string, LastWrites>();

  /** `patternCache`: the planner's, shared so each key's pattern is made once. */
  constructor(
    private readonly options: ReadStatsOptions,
    private readonly patternCache: PatternCache,
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
    for (let k = 0; k < c.keys.length; k++) {
      const high = c.prints[2 * k];
      const low = c.prints[2 * k + 1];
      const stat = this.statFor(this.patternCache.patternOf(c.keys[k], high, low));
      if (c.write) {
        stat.writes++;
        writes.set(high, low, c.timeMicros, c.client, windowMicros);
      } else if (c.fromScript) {
        stat.scriptReads++;
      } else {
        stat.clientReads++;
        const w = writes.get(high, low);
        if (w >= 0 && c.timeMicros - writes.microsAt(w) <= windowMicros) {
          stat.recentWriteReads++;
          // The key's latest write was this client's: a replica could still miss it.
          if (writes.clientAt(w) === c.client) stat.ownWriteReads++;
        }
      }
    }
  }

  /** Seconds between the first and the last keyed command. */
  get seconds(): number {
    return this.lastMicros > this.firstMicros ? (this.lastMicros - this.firstMicros) / 1e6 : 0;
  }

  private statFor(p: string): ReadStat {
    if (!this.patterns.has(p) && this.patterns.size >= this.options.maxPatterns) p = OTHER_PATTERN;
    let stat = this.patterns.get(p);
    if (!stat) {
      stat = { pattern: p, clientReads: 0, writes: 0, scriptReads: 0, ownWriteReads: 0, recentWriteReads: 0 };
      this.patterns.set(p, stat);
    }
    return stat;
  }
}
