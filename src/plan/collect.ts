// Pass 1 of the planner: per-pattern statistics, the groups of keys used together in cross-slot commands,
// transactions and scripts (as candidate shapes), the lines that were cross-slot, and what identifies the
// key families client libraries build (key types, CLIENT SETNAME, script bodies).
import type { AnalysisObserver, Analyzer, KeyedCommand } from '../analyze/analyzer.js';
import { HllBank } from '../analyze/hyperloglog.js';
import { memoizedKeyTokens } from '../analyze/key-pattern.js';
import type { ScriptCallEnd } from '../analyze/scripts.js';
import { argString } from '../commands/args.js';
import { ClientKind, type MonitorRecord } from '../ingest/monitor-parser.js';
import type { KeyMeta, RecordSink } from '../ingest/records.js';
import { hashString } from '../analyze/key-hash.js';
import { Candidates } from './candidates.js';
import { scriptGroup, type UndeclaredSource } from './co-access.js';
import { LibraryKeys } from './library-keys.js';
import { LineSet } from './line-set.js';
import { PatternCache } from './pattern-cache.js';
import { SCRIPT_CALLS } from '../commands/script-calls.js';

export interface PatternStat {
  pattern: string;
  exactKeys: Set<string> | null;
  sketch: HllBank | null;
  reads: number;
  writes: number;
  bytes: number;
  sizedKeys: number;
  expiringKeys: number;
  nodes: Set<string>;
  dbs: Set<number>;
}

/** Per db, from the keys of SCAN dumps and memory reports: how many expire, and when the last of them does. */
export interface DbKeys {
  keys: number;
  expiring: number;
  /** The latest expiry, ms since the epoch; 0 when none expires. */
  lastExpiry: number;
}

/** The cross-slot lines of pass 1, for pass 2 to tell which the changes fixed. */
export interface CrossSlotLines {
  commands: LineSet;
  /** By EXEC line. */
  transactions: LineSet;
  /** By the call's line. */
  scripts: LineSet;
}

export interface CollectOptions {
  /** Patterns tracked by name; the rest are pooled as `(other)`. */
  maxPatterns: number;
}

const EXACT_KEYS_PER_PATTERN = 1000;
/** Where keys go once maxPatterns patterns exist. */
const OTHER = '(other)';
/** Script bodies kept to tell hard-coded keys from built ones, and the ARGV of a call, at most. */
const MAX_BODIES = 1000;
const MAX_ARGV = 16;
const MAX_ARGV_BYTES = 256;
/** Every BullMQ script body carries this line (bullmq's src/commands/*.lua). */
const BULLMQ_MARK = 'local rcall = redis.call';

/** A node's last script call as its client line gave it: the body (EVAL only) and ARGV. */
interface CallArgs {
  body: string | null;
  argv: string[];
}

export class PlanCollector {
  readonly patterns = new Map<string, PatternStat>();
  /** Every cross-slot occurrence is tokenised here, and keys recur across them: a memory of their own. */
  readonly candidates = new Candidates(true, memoizedKeyTokens(200_000));
  readonly libraries = new LibraryKeys();
  readonly crossSlot: CrossSlotLines = { commands: new LineSet(), transactions: new LineSet(), scripts: new LineSet() };
  readonly dbs = new Map<number, DbKeys>();
  /** Script bodies by sha, for EVALSHA calls. */
  private readonly bodies = new Map<string, string>();
  private readonly calls = new Map<string, CallArgs>();
  /** Patterns by fingerprint, shared with ReadStats: each key's pattern is made once for both. */
  readonly patternCache = new PatternCache();

  constructor(private readonly options: CollectOptions) {}

  /** The observer to pass to analyzeInputs. */
  observer(): AnalysisObserver {
    return {
      command: (node, line, crossSlot) => {
        if (crossSlot) this.crossSlot.commands.add(node, line);
      },
      keyed: (c) => this.keyed(c),
      key: (k, node, meta, high, low) => this.key(k, node, meta, high, low),
      transaction: (t) => {
        if (!t.crossSlot) return;
        this.crossSlot.transactions.add(t.node, t.execLine);
        this.candidates.add({ kind: 'transaction', keys: t.keys, undeclared: [], source: 'none' });
      },
      scriptCall: (s) => this.scriptCall(s),
    };
  }

  /** The sink to read inputs into: it sees each record after the analyzer, for what only records show. */
  front(analyzer: Analyzer): RecordSink {
    return {
      command: (rec, node) => {
        analyzer.command(rec, node);
        // Only CLIENT, EVAL* and FCALL* lines matter here: told by their first byte, without a string per line.
        const first = rec.buf[rec.start[0]] | 0x20;
        if (rec.clientKind !== ClientKind.Lua && rec.argc >= 2 && (first === 0x63 || first === 0x65 || first === 0x66)) this.clientLine(rec, node);
      },
      key: (buf, start, end, node, meta) => analyzer.key(buf, start, end, node, meta),
    };
  }

  /** Runs after the analyzer has ended the node's previous script call, so `calls` still held its arguments. */
  private clientLine(rec: MonitorRecord, node: string): void {
    const name = argString(rec, 0).toLowerCase();
    if (name === 'client' && rec.argc === 3 && argString(rec, 1).toLowerCase() === 'setname') this.libraries.clientName(argString(rec, 2));
    if (!SCRIPT_CALLS.has(name) || rec.argc < 3) return;
    const numkeys = Number(argString(rec, 2));
    const argv: string[] = [];
    for (let i = 3 + (Number.isInteger(numkeys) && numkeys > 0 ? numkeys : 0); i < rec.argc && argv.length < MAX_ARGV; i++) {
      if (rec.end[i] - rec.start[i] <= MAX_ARGV_BYTES) argv.push(argString(rec, i));
    }
    this.calls.set(node, { body: name.startsWith('eval') && !name.startsWith('evalsha') ? argString(rec, 1) : null, argv });
  }

  private scriptCall(s: ScriptCallEnd): void {
    const call = this.calls.get(s.node);
    if (call?.body != null && !this.bodies.has(s.stats.id) && this.bodies.size < MAX_BODIES) {
      this.bodies.set(s.stats.id, call.body);
      if (call.body.includes(BULLMQ_MARK)) this.libraries.bullmqScript();
    }
    if (!s.crossSlot) return;
    this.crossSlot.scripts.add(s.node, s.line);
    this.candidates.add(scriptGroup(s, this.source(s, call)));
  }

  /** Where a script's undeclared keys come from: its body names them, an ARGV prefix starts them, or unknown. */
  private source(s: ScriptCallEnd, call: CallArgs | undefined): UndeclaredSource {
    if (s.undeclaredKeys.length === 0) return 'none';
    const body = call?.body ?? this.bodies.get(s.stats.id) ?? null;
    let source: UndeclaredSource = 'hard-coded';
    for (const k of s.undeclaredKeys) {
      if (body !== null && body.includes(k)) continue;
      if (call && call.argv.some((a) => a.length >= 2 && k.startsWith(a))) source = 'argv-prefix';
      else return 'built';
    }
    return source;
  }

  /** The stats of `p`, the key's pattern, with the key counted among its distinct keys. */
  private statFor(key: string, p: string): PatternStat {
    if (!this.patterns.has(p) && this.patterns.size >= this.options.maxPatterns) p = OTHER;
    let stat = this.patterns.get(p);
    if (!stat) {
      this.libraries.pattern(p);
      stat = { pattern: p, exactKeys: new Set(), sketch: null, reads: 0, writes: 0, bytes: 0, sizedKeys: 0, expiringKeys: 0, nodes: new Set(), dbs: new Set() };
      this.patterns.set(p, stat);
    }
    if (stat.exactKeys) {
      stat.exactKeys.add(key);
      if (stat.exactKeys.size > EXACT_KEYS_PER_PATTERN) {
        stat.sketch = new HllBank(1, 12);
        for (const k of stat.exactKeys) stat.sketch.add(0, hashString(k));
        stat.exactKeys = null;
      }
    } else stat.sketch!.add(0, hashString(key));
    return stat;
  }

  private keyed(c: KeyedCommand): void {
    for (let k = 0; k < c.keys.length; k++) {
      const key = c.keys[k];
      const stat = this.statFor(key, this.patternCache.patternOf(key, c.prints[2 * k], c.prints[2 * k + 1]));
      stat.nodes.add(c.node);
      stat.dbs.add(c.db);
      if (c.write) stat.writes++;
      else stat.reads++;
    }
    // A script call's keys are judged with the script's (scriptCall), not twice.
    if (c.crossSlot && !c.fromScript && !SCRIPT_CALLS.has(c.command)) this.candidates.add({ kind: 'command', command: c.command, keys: c.keys, undeclared: [], source: 'none' });
  }

  private key(key: string, node: string, meta: KeyMeta | null, high: number, low: number): void {
    const stat = this.statFor(key, this.patternCache.patternOf(key, high, low));
    stat.nodes.add(node);
    if (!meta) return;
    stat.dbs.add(meta.db);
    stat.sizedKeys++;
    if (meta.bytes !== null) stat.bytes += meta.bytes;
    if (meta.expiresAt > 0) stat.expiringKeys++;
    let db = this.dbs.get(meta.db);
    if (!db) {
      db = { keys: 0, expiring: 0, lastExpiry: 0 };
      this.dbs.set(meta.db, db);
    }
    db.keys++;
    if (meta.expiresAt > 0) {
      db.expiring++;
      if (meta.expiresAt > db.lastExpiry) db.lastExpiry = meta.expiresAt;
    }
  }
}

export function distinctKeys(stat: PatternStat): number {
  return stat.exactKeys ? stat.exactKeys.size : Math.round(stat.sketch!.estimate(0));
}
