// Everything that breaks, or changes meaning, when a standalone workload moves into a cluster. Each
// finding has an id, a severity, what kind of change fixes it, a count and one example (keys only).
import type { CommandExample } from './command-example.js';

export type Severity = 'blocker' | 'warning' | 'info';
/** rename: hash tags or key prefixes; client: client code or settings; app: the application's design. */
export type FixKind = 'rename' | 'client' | 'app' | 'none';

export interface FindingDef {
  severity: Severity;
  fix: FixKind;
  message: string;
}

export const FINDING_DEFS = {
  'cross-slot-command': { severity: 'blocker', fix: 'rename', message: 'Commands whose keys hash to more than one slot: a cluster answers CROSSSLOT. Hash tags that put the co-accessed keys in one slot fix them.' },
  'cross-slot-transaction': { severity: 'blocker', fix: 'rename', message: 'MULTI/EXEC blocks whose commands touch more than one slot: EXEC answers CROSSSLOT, or a queued command gets MOVED and EXEC aborts.' },
  'cross-slot-script': { severity: 'blocker', fix: 'rename', message: 'Script calls whose keys (declared, or touched while running) span slots: CROSSSLOT when the declared keys do; "non local key" whenever a touched key lives on another node; and for functions and #! scripts any second slot ("keys that do not hash to the same slot"). A plain EVAL works only while its slots happen to share a node.' },
  'script-undeclared-keys': { severity: 'blocker', fix: 'app', message: 'Scripts that touch keys they do not pass in KEYS: a cluster routes a script by its declared keys only, so it fails when the key lives elsewhere. Pass every key in KEYS.' },
  'nonzero-db': { severity: 'blocker', fix: 'rename', message: 'Commands on a db other than 0: a cluster has only db 0 (SELECT n fails). Move each db\'s keys under a prefix of its own, checking the patterns below for collisions.' },
  'move-swapdb': { severity: 'blocker', fix: 'app', message: 'MOVE and SWAPDB need several dbs, which a cluster does not have.' },
  'single-node-keyspace': { severity: 'blocker', fix: 'client', message: 'KEYS, SCAN, DBSIZE, RANDOMKEY, FLUSHDB and FLUSHALL act on one node in a cluster: run them on every primary (per-node SCAN instead of KEYS).' },
  'blocking-cross-slot': { severity: 'blocker', fix: 'rename', message: 'Blocking commands (BLPOP, BRPOP, BLMPOP, BZPOPMIN, XREAD BLOCK, ...) waiting on keys in several slots: CROSSSLOT.' },
  'cross-slot-move': { severity: 'blocker', fix: 'rename', message: 'Commands that move data between keys (RENAME, SMOVE, LMOVE, RPOPLPUSH, COPY, SORT ... STORE, *STORE) across slots: CROSSSLOT.' },
  'watch-cross-slot': { severity: 'warning', fix: 'rename', message: 'WATCH guards keys in another slot than the transaction: it works only while both slots live on one node. Give them one hash tag.' },
  'pubsub-broadcast': { severity: 'warning', fix: 'client', message: 'PUBLISH is broadcast to every node over the cluster bus, which costs every node. SPUBLISH/SSUBSCRIBE (Redis 7) send a channel to one shard.' },
  'unknown-command': { severity: 'warning', fix: 'none', message: 'Commands the key-spec table does not know (modules?): their keys were not analysed.' },
  'unix-socket-clients': { severity: 'info', fix: 'none', message: 'Unix-socket clients all show the server\'s socket path in MONITOR, so their connections cannot be told apart: transactions among them may be mixed up.' },
  'partial-transaction': { severity: 'info', fix: 'none', message: 'Transactions cut by the capture\'s start or end (EXEC without MULTI, or MULTI without EXEC): not judged.' },
} satisfies Record<string, FindingDef>;

export type FindingId = keyof typeof FINDING_DEFS;

export interface FindingTally {
  count: number;
  example?: CommandExample;
  /** Key patterns involved, with how often, bounded. */
  patterns: Map<string, number>;
}

const MAX_PATTERNS = 50;

/** Counts a pattern in a map that keeps at most MAX_PATTERNS of them (the first ones seen). */
export function countPattern(counts: Map<string, number>, pattern: string, n = 1): void {
  const c = counts.get(pattern);
  if (c !== undefined) counts.set(pattern, c + n);
  else if (counts.size < MAX_PATTERNS) counts.set(pattern, n);
}

export class Findings {
  readonly tallies = new Map<FindingId, FindingTally>();

  /** Counts one occurrence; the example is built only for the first. */
  add(id: FindingId, example?: () => CommandExample): FindingTally {
    const t = this.count(id);
    if (!t.example && example) t.example = example();
    return t;
  }

  /** Counts one occurrence and returns the tally, for callers that set its example themselves (`??=`). */
  count(id: FindingId): FindingTally {
    let t = this.tallies.get(id);
    if (!t) {
      t = { count: 0, patterns: new Map() };
      this.tallies.set(id, t);
    }
    t.count++;
    return t;
  }

  addPattern(id: FindingId, pattern: string, n = 1): void {
    const t = this.tallies.get(id);
    if (t) countPattern(t.patterns, pattern, n);
  }
}
