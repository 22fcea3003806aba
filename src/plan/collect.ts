// Pass 1 of the planner: per-pattern statistics and the groups of keys that are used together in
// cross-slot commands, transactions and scripts.
import type { AnalysisObserver, KeyedCommand } from '../analyze/analyzer.js';
import { HllBank } from '../analyze/hyperloglog.js';
import { keyPattern } from '../analyze/key-pattern.js';
import type { KeyMeta } from '../ingest/records.js';
import { hashString } from '../analyze/key-hash.js';
import { memoize } from '../analyze/memoize.js';
import { Proposer, scriptGroup } from './propose.js';

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

export type GroupKind = 'command' | 'transaction' | 'script';

export interface CoAccess {
  kind: GroupKind;
  /** The command name for a cross-slot command. */
  command?: string;
  keys: readonly string[];
  /** A script that touched keys it was not given: it builds them, so renaming its arguments cannot help. */
  buildsKeys?: boolean;
}

export interface CollectOptions {
  /** Patterns tracked by name; the rest are pooled as `(other)`. */
  maxPatterns: number;
}

const EXACT_KEYS_PER_PATTERN = 1000;
/** Where keys go once maxPatterns patterns exist. */
const OTHER = '(other)';

export class PlanCollector {
  readonly patterns = new Map<string, PatternStat>();
  readonly proposer = new Proposer();
  readonly patternOf = memoize(500_000, keyPattern);

  constructor(private readonly options: CollectOptions) {}

  /** The observer to pass to analyzeInputs. */
  observer(): AnalysisObserver {
    return {
      keyed: (c) => this.keyed(c),
      key: (k, node, meta) => this.key(k, node, meta),
      transaction: (t) => {
        if (t.crossSlot) this.proposer.add({ kind: 'transaction', keys: t.keys });
      },
      scriptCall: (s) => {
        if (s.crossSlot) this.proposer.add(scriptGroup(s));
      },
    };
  }

  /** The stats of a key's pattern, with the key counted among its distinct keys. */
  private statFor(key: string): PatternStat {
    let p = this.patternOf(key);
    if (!this.patterns.has(p) && this.patterns.size >= this.options.maxPatterns) p = OTHER;
    let stat = this.patterns.get(p);
    if (!stat) {
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
    for (const key of c.keys) {
      const stat = this.statFor(key);
      stat.nodes.add(c.node);
      stat.dbs.add(c.db);
      if (c.write) stat.writes++;
      else stat.reads++;
    }
    if (c.crossSlot && !c.fromScript) this.proposer.add({ kind: 'command', command: c.command, keys: c.keys });
  }

  private key(key: string, node: string, meta: KeyMeta | null): void {
    const stat = this.statFor(key);
    stat.nodes.add(node);
    if (!meta) return;
    stat.dbs.add(meta.db);
    stat.sizedKeys++;
    if (meta.bytes !== null) stat.bytes += meta.bytes;
    if (meta.expiresAt > 0) stat.expiringKeys++;
  }
}

export function distinctKeys(stat: PatternStat): number {
  return stat.exactKeys ? stat.exactKeys.size : Math.round(stat.sketch!.estimate(0));
}
