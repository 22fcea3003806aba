// Replica-read candidates: patterns that clients read far more than anyone writes, whose reads rarely
// follow the same client's own write (a replica lags, so read-your-own-write would see old data), ranked
// by the load they take off primaries. The advice routes only those patterns to replicas, per key: a
// global switch would also send the excluded ones (sessions read right after their own write).
import { OTHER_PATTERN, type ReadStat } from './read-stats.js';
import { makeRule } from './renames.js';

export interface ReplicaReadCandidate {
  pattern: string;
  /** Reads clients sent (never the commands a script ran). */
  reads: number;
  writes: number;
  scriptReads: number;
  /** null for a pattern that is never written. */
  readWriteRatio: number | null;
  readsPerSecond: number;
  /** Share of client reads that followed the same client's write to the key within the window. */
  ownWriteReadShare: number;
  /** Share of client reads within the window of anyone's write to the key: a replica may answer them stale. */
  staleReadShare: number;
}

export type ExclusionReason = 'script-only' | 'few-client-reads' | 'write-heavy' | 'reads-own-writes' | 'pooled-patterns';

export interface ReplicaReadOptions {
  minReadWriteRatio: number;
  maxOwnWriteReadShare: number;
  minReads: number;
}

export interface ReplicaRouting {
  /** One anchored regex per candidate pattern, joined with `|`: what every snippet below matches keys with. */
  regex: string;
  ioredis: string;
  redisPy: string;
  lettuce: string;
  jedis: string;
  goRedis: string;
}

export interface ReplicaReads {
  candidates: ReplicaReadCandidate[];
  excluded: (ReplicaReadCandidate & { reason: ExclusionReason })[];
  /** Absent when there is no candidate: then every read stays on the primaries. */
  routing?: ReplicaRouting;
}

export function replicaReads(stats: Iterable<ReadStat>, seconds: number, o: ReplicaReadOptions): ReplicaReads {
  const candidates: ReplicaReadCandidate[] = [];
  const excluded: ReplicaReads['excluded'] = [];
  for (const s of stats) {
    if (s.clientReads === 0 && s.scriptReads === 0) continue;
    const c: ReplicaReadCandidate = {
      pattern: s.pattern,
      reads: s.clientReads,
      writes: s.writes,
      scriptReads: s.scriptReads,
      readWriteRatio: s.writes ? s.clientReads / s.writes : null,
      readsPerSecond: seconds > 0 ? s.clientReads / seconds : 0,
      ownWriteReadShare: s.clientReads ? s.ownWriteReads / s.clientReads : 0,
      staleReadShare: s.clientReads ? s.recentWriteReads / s.clientReads : 0,
    };
    const reason = exclusion(c, o);
    if (reason) excluded.push({ ...c, reason });
    else candidates.push(c);
  }
  const byReads = (a: ReplicaReadCandidate, b: ReplicaReadCandidate): number => b.reads - a.reads || b.scriptReads - a.scriptReads || a.pattern.localeCompare(b.pattern);
  candidates.sort(byReads);
  excluded.sort(byReads);
  return { candidates, excluded, ...(candidates.length ? { routing: routing(candidates.map((c) => c.pattern)) } : {}) };
}

function exclusion(c: ReplicaReadCandidate, o: ReplicaReadOptions): ExclusionReason | null {
  if (c.pattern === OTHER_PATTERN) return 'pooled-patterns';
  if (c.reads === 0) return 'script-only';
  if (c.reads < o.minReads) return 'few-client-reads';
  if (c.readWriteRatio !== null && c.readWriteRatio < o.minReadWriteRatio) return 'write-heavy';
  if (c.ownWriteReadShare > o.maxOwnWriteReadShare) return 'reads-own-writes';
  return null;
}

/** The anchored regex of a pattern's keys (`catalog:<id>` -> `^(catalog:(?:-?[0-9]+|...))()$`). */
export function patternRegex(pattern: string): string {
  const tokens = pattern.split(/(<[a-z]+>)/).filter((t) => t !== '');
  return makeRule(tokens, tokens.length).regex;
}

/** RE2 (Go) has no lookahead: `<id>`'s "hex with a digit" guard goes, so it also takes digit-free hex words. */
const goRegex = (re: string): string => re.replace(/\(\?=[^)]*\)/g, '');

function routing(patterns: string[]): ReplicaRouting {
  const regex = patterns.map(patternRegex).join('|');
  const str = JSON.stringify(regex);
  return {
    regex,
    ioredis: [
      '// ioredis: new Cluster(nodes, { scaleReads }). ioredis asks it only for read-only commands; nodes[0] is',
      '// the slot\'s primary, the rest its replicas. Only the patterns slotscope found safe go to a replica.',
      '(nodes, command) => {',
      `  const replicaKeys = new RegExp(${str});`,
      '  const key = command.getKeys()[0];',
      "  const name = key === undefined ? '' : Buffer.isBuffer(key) ? key.toString('latin1') : String(key);",
      '  return nodes.length > 1 && replicaKeys.test(name) ? nodes.slice(1) : nodes[0];',
      '}',
    ].join('\n'),
    redisPy: [
      '# redis-py: read_from_replicas is per client, so a second client reads these patterns from replicas.',
      'import re',
      'from redis.cluster import RedisCluster',
      'primary = RedisCluster(host=HOST, port=PORT)',
      'replicas = RedisCluster(host=HOST, port=PORT, read_from_replicas=True)',
      `REPLICA_KEYS = re.compile(${str})`,
      'def reader(key):',
      '    return replicas if REPLICA_KEYS.match(key) else primary',
      '# reads: reader(key).get(key); every write: primary',
    ].join('\n'),
    lettuce: [
      '// Lettuce: ReadFrom is per connection, so a second connection reads these patterns from replicas.',
      'StatefulRedisClusterConnection<String, String> primary = client.connect();',
      'StatefulRedisClusterConnection<String, String> replicas = client.connect();',
      'replicas.setReadFrom(ReadFrom.REPLICA_PREFERRED);',
      `static final Pattern REPLICA_KEYS = Pattern.compile(${str});`,
      'RedisAdvancedClusterCommands<String, String> reader(String key) {',
      '  return REPLICA_KEYS.matcher(key).matches() ? replicas.sync() : primary.sync();',
      '}',
    ].join('\n'),
    jedis: 'Jedis: JedisCluster reads only from primaries. Read these patterns through Lettuce as above, or through a JedisPool per replica whose connections send READONLY, choosing the pool by the key\'s slot (JedisClusterCRC16.getSlot) and REPLICA_KEYS.',
    goRedis: [
      '// go-redis: ReadOnly is per client, so a second client reads these patterns from replicas',
      '// (RouteRandomly may also pick the primary).',
      'primary := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})',
      'replicas := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, ReadOnly: true, RouteRandomly: true})',
      `var replicaKeys = regexp.MustCompile(${JSON.stringify(goRegex(regex))})`,
      'func reader(key string) *redis.ClusterClient {',
      '\tif replicaKeys.MatchString(key) {',
      '\t\treturn replicas',
      '\t}',
      '\treturn primary',
      '}',
    ].join('\n'),
  };
}
