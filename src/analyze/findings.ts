// Everything that breaks, or changes meaning, when a standalone workload moves into a cluster. Each
// finding has an id, a severity, what kind of change fixes it, a count and one example (keys only).
import type { CommandExample } from './command-example.js';
import { SampleLog, type SampleLogJSON } from './sample-log.js';
import { list, num, StateError } from './state-codec.js';

export type Severity = 'blocker' | 'warning' | 'info';
/** rename: hash tags or key prefixes; client: client code or settings; app: the application's design. */
export type FixKind = 'rename' | 'client' | 'app' | 'none';

export interface FindingDef {
  severity: Severity;
  fix: FixKind;
  message: string;
  /** What the count is a share of (default: client commands; a finding of keys counts the keys of dumps too). */
  of?: 'transactions' | 'script calls' | 'commands and keys';
}

export const FINDING_DEFS = {
  'cross-slot-command': { severity: 'blocker', fix: 'rename', message: 'Commands whose keys hash to more than one slot: a cluster answers CROSSSLOT. Hash tags that put the co-accessed keys in one slot fix them.' },
  'cross-slot-transaction': { of: 'transactions', severity: 'blocker', fix: 'rename', message: 'MULTI/EXEC blocks whose commands touch more than one slot: EXEC answers CROSSSLOT, or a queued command gets MOVED and EXEC aborts.' },
  'cross-slot-script': { of: 'script calls', severity: 'blocker', fix: 'rename', message: 'Script calls whose keys (declared, or touched while running) span slots: CROSSSLOT when the declared keys do, or when one command inside the script has keys in two slots (even with allow-cross-slot-keys); "non local key" whenever a touched key lives on another node; and for functions and #! scripts without allow-cross-slot-keys any second slot ("keys that do not hash to the same slot"). A plain EVAL, or a script allowing cross-slot keys, works only while its slots happen to share a node.' },
  'script-undeclared-keys': { of: 'script calls', severity: 'blocker', fix: 'app', message: 'Scripts that touch keys they do not pass in KEYS, in a slot none of their declared keys is in: a cluster routes a script by its declared keys only, so it fails when the key lives elsewhere. Pass every key in KEYS.' },
  'script-undeclared-same-slot': { of: 'script calls', severity: 'warning', fix: 'app', message: 'Scripts that touch keys they do not pass in KEYS, all in the slot of their declared keys (a hash-tagged prefix such as BullMQ\'s {queue}): a cluster runs them, but Redis documents undeclared keys as unsupported. Pass every key in KEYS when you can.' },
  'no-cluster-script': { of: 'script calls', severity: 'blocker', fix: 'app', message: 'Scripts (#!lua flags=no-cluster) and functions registered with flags={\'no-cluster\'}: a cluster refuses them outright ("Can not run script on cluster, \'no-cluster\' flag is set"). Drop the flag once the script keeps to one slot.' },
  'function-flags-unknown': { of: 'script calls', severity: 'warning', fix: 'none', message: 'FCALLs of functions whose FUNCTION LOAD is not in the capture: their flags (no-cluster, allow-cross-slot-keys) are unknown, so they were judged as functions without flags. Capture the FUNCTION LOAD (or a restart of the app) to judge them.' },
  'script-unknown-caller': { of: 'script calls', severity: 'blocker', fix: 'rename', message: 'Commands a script ran (`lua` lines) whose EVAL/FCALL came before the capture began, with keys in several slots: the caller is unknown, but such a call fails in a cluster (always when one command spans slots; otherwise unless its slots share a node).' },
  'nonzero-db': { of: 'commands and keys', severity: 'blocker', fix: 'rename', message: 'Commands, and keys of dumps, on a db other than 0: a cluster has only db 0 (SELECT n fails). Move each db\'s keys under a prefix of its own, checking the patterns below for collisions.' },
  'move-swapdb': { severity: 'blocker', fix: 'app', message: 'MOVE, SWAPDB and COPY ... DB n (n other than 0) need several dbs, which a cluster does not have: it refuses them.' },
  'sort-pattern-refused': { severity: 'blocker', fix: 'app', message: 'SORT/SORT_RO with a BY pattern (an argument with `*`) or any GET, even GET #: this target refuses every one ("BY/GET option of SORT denied in Cluster mode"). Sort in the application, or move to a target that allows patterns in the key\'s slot (Redis 7.4+).' },
  'sort-pattern': { severity: 'blocker', fix: 'rename', message: 'SORT/SORT_RO with a BY or GET pattern that can form keys in another slot than the sorted key\'s: refused ("... when keys formed by the pattern may be in different slots"). Give the pattern the key\'s hash tag, before any `*`.' },
  'proxy-split': { severity: 'info', fix: 'none', message: 'Multi-key commands across slots that this target\'s proxy splits over its shards itself: accepted, but not atomic across shards.' },
  'single-node-keyspace': { severity: 'blocker', fix: 'client', message: 'KEYS, SCAN, DBSIZE, RANDOMKEY, FLUSHDB and FLUSHALL act on one node in a cluster: run them on every primary (per-node SCAN instead of KEYS).' },
  'blocking-cross-slot': { severity: 'blocker', fix: 'rename', message: 'Blocking commands (BLPOP, BRPOP, BLMPOP, BZPOPMIN, XREAD BLOCK, ...) waiting on keys in several slots: CROSSSLOT.' },
  'cross-slot-move': { severity: 'blocker', fix: 'rename', message: 'Commands that move data between keys (RENAME, SMOVE, LMOVE, RPOPLPUSH, COPY, SORT ... STORE, *STORE) across slots: CROSSSLOT.' },
  'watch-cross-slot': { of: 'transactions', severity: 'blocker', fix: 'rename', message: 'MULTI/EXEC blocks WATCHing a key in another slot than their commands (counted as cross-slot transactions): a cluster client sends WATCH to that slot\'s node, so it guards the block only while both slots share a node; elsewhere the optimistic lock silently does nothing. Give them one hash tag.' },
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
  /** Which occurrence brought which pattern, for a merge to take the ones a single run would. */
  log: SampleLog;
}

export const MAX_PATTERNS = 50;

/** Counts a pattern in a map that keeps at most MAX_PATTERNS of them (the first ones seen). */
export function countPattern(counts: Map<string, number>, pattern: string, n = 1): void {
  const c = counts.get(pattern);
  if (c !== undefined) counts.set(pattern, c + n);
  else if (counts.size < MAX_PATTERNS) counts.set(pattern, n);
}

/**
 * A part's sampled patterns into `counts`: from its log, those of its occurrences one run would have taken
 * after `before` occurrences (per stream), logged again in order.
 */
export function mergeSampledPatterns(counts: Map<string, number>, log: SampleLog, part: { log: SampleLogJSON }, before: readonly number[], cap: number): void {
  for (const e of SampleLog.taken(part.log, before, cap)) {
    countPattern(counts, e.item, e.times);
    log.record(e.stream, e.occurrence, e.item, e.times);
  }
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
    const t = this.tally(id);
    t.count++;
    return t;
  }

  private tally(id: FindingId): FindingTally {
    let t = this.tallies.get(id);
    if (!t) {
      t = { count: 0, patterns: new Map(), log: new SampleLog() };
      this.tallies.set(id, t);
    }
    return t;
  }

  /** A pattern the occurrence just counted brought. */
  addPattern(id: FindingId, pattern: string): void {
    const t = this.tallies.get(id);
    if (!t) return;
    countPattern(t.patterns, pattern);
    t.log.record(0, t.count, pattern);
  }

  /** Tallies in the order they were first counted (ties in the report keep it). */
  toSummary(): FindingSummary[] {
    return [...this.tallies].map(([id, t]) => {
      return { id, count: t.count, ...(t.example ? { example: t.example } : {}), log: t.log.toJSON() };
    });
  }

  /**
   * Counts add up; the first example stays. Patterns come from a finding's first `sample` occurrences: a
   * part's log gives those of its occurrences one run would have taken after the tally's, counted again
   * in order.
   */
  merge(s: FindingSummary[], sample: number): void {
    for (const f of list<FindingSummary>(s, 'findings')) {
      if (!Object.hasOwn(FINDING_DEFS, f?.id)) throw new StateError(`unknown finding ${JSON.stringify(f?.id)}`);
      const t = this.tally(f.id);
      mergeSampledPatterns(t.patterns, t.log, f, [t.count], sample);
      t.count += num(f.count, 'finding count');
      if (f.example) t.example ??= f.example;
    }
  }
}

export interface FindingSummary {
  id: FindingId;
  count: number;
  example?: CommandExample;
  /** The patterns the first occurrences brought, in order: a merge counts them again from it. */
  log: SampleLogJSON;
}
