// Replica-read candidates: read-heavy patterns whose reads rarely follow the same client's write (a
// replica lags, so read-your-own-write would see stale data), ranked by the load they take off primaries.
import { type PatternStat, distinctKeys } from './collect.js';

export interface ReplicaReadCandidate {
  pattern: string;
  reads: number;
  writes: number;
  /** null for a pattern that is never written. */
  readWriteRatio: number | null;
  readsPerSecond: number;
  /** Share of reads that followed the same client's write to the key within the window. */
  ownWriteReadShare: number;
  distinctKeys: number;
}

export interface ReplicaReadOptions {
  minReadWriteRatio: number;
  maxOwnWriteReadShare: number;
  minReads: number;
}

export const CLIENT_SETTINGS = 'ioredis: new Cluster(nodes, { scaleReads: "slave" }); redis-py: RedisCluster(read_from_replicas=True); other clients: READONLY on replica connections.';

export function replicaReads(patterns: Iterable<PatternStat>, seconds: number, o: ReplicaReadOptions): { candidates: ReplicaReadCandidate[]; excluded: ReplicaReadCandidate[] } {
  const all = [...patterns].filter((p) => p.reads >= o.minReads).map((p): ReplicaReadCandidate => ({
    pattern: p.pattern,
    reads: p.reads,
    writes: p.writes,
    readWriteRatio: p.writes ? p.reads / p.writes : null,
    readsPerSecond: seconds > 0 ? p.reads / seconds : 0,
    ownWriteReadShare: p.reads ? p.ownWriteReads / p.reads : 0,
    distinctKeys: distinctKeys(p),
  }));
  const ok = (c: ReplicaReadCandidate): boolean => (c.readWriteRatio === null || c.readWriteRatio >= o.minReadWriteRatio) && c.ownWriteReadShare <= o.maxOwnWriteReadShare;
  const byReads = (a: ReplicaReadCandidate, b: ReplicaReadCandidate): number => b.reads - a.reads || a.pattern.localeCompare(b.pattern);
  return { candidates: all.filter(ok).sort(byReads), excluded: all.filter((c) => !ok(c)).sort(byReads) };
}
