// The cluster a capture is judged for. Most rules hold for every Redis Cluster; these are the ones that
// differ by version or by the proxy in front of the shards.

/** How a target judges SORT/SORT_RO's BY and GET patterns (sortCommandGeneric() in sort.c). */
export const enum SortRule {
  /** 7.0 and 7.2: every BY pattern (an argument with `*`) and every GET, even GET #, is refused. */
  RefuseAll = 0,
  /** 7.4 (redis #12728): a pattern is allowed when patternHashSlot() equals the sorted key's slot; GET # is a pattern like any other. */
  SameSlot = 1,
  /** Redis 8's sort.c: as SameSlot, and GET # (the element itself) is never checked. */
  SameSlotHashExempt = 2,
}

export interface Target {
  id: string;
  label: string;
  sort: SortRule;
  /**
   * Multi-key commands the target's proxy splits over its shards itself, so keys in several slots are
   * accepted (not atomically). Empty for Redis Cluster, where every multi-key command must stay in one slot.
   */
  proxySplits: readonly string[];
  /** Commands the proxy runs on every shard, so they are not confined to one node. */
  allShards: readonly string[];
  /** Where the target's rules come from. */
  source: string;
}

const MULTI_KEY_OPERATIONS = 'https://redis.io/docs/latest/develop/using-commands/multi-key-operations/';

// Proxy targets take from their page only what it states; anything the page leaves open is judged by
// the strictest open-source rule (SortRule.RefuseAll), so no unstated allowance can pass a gate.
export const TARGETS: readonly Target[] = [
  { id: 'redis-7.0', label: 'Redis 7.0 Cluster', sort: SortRule.RefuseAll, proxySplits: [], allShards: [], source: 'redis 7.0 sort.c, cluster.c getNodeByQuery()' },
  { id: 'redis-7.2', label: 'Redis 7.2 Cluster', sort: SortRule.RefuseAll, proxySplits: [], allShards: [], source: 'redis 7.2 sort.c' },
  { id: 'valkey-7.2', label: 'Valkey 7.2 Cluster', sort: SortRule.RefuseAll, proxySplits: [], allShards: [], source: 'forked from redis 7.2.4' },
  { id: 'redis-7.4', label: 'Redis 7.4 Cluster', sort: SortRule.SameSlot, proxySplits: [], allShards: [], source: 'redis 7.4 sort.c, cluster.c patternHashSlot() (#12728)' },
  // Valkey 8 grew from the redis unstable tree of March 2024, which had #12728 (merged 2023-12-14).
  { id: 'valkey-8', label: 'Valkey 8 Cluster', sort: SortRule.SameSlot, proxySplits: [], allShards: [], source: 'redis unstable of 2024-03 (#12728)' },
  { id: 'redis-8', label: 'Redis 8 Cluster', sort: SortRule.SameSlotHashExempt, proxySplits: [], allShards: [], source: 'redis 8 sort.c' },
  {
    id: 'redis-software',
    label: 'Redis Software, clustering without the OSS Cluster API (proxy)',
    sort: SortRule.RefuseAll,
    // "RS clustering enabled (OSS cluster API disabled): cross-slot (all shards)": EXISTS, MGET; DEL, MSET, TOUCH, UNLINK.
    proxySplits: ['exists', 'mget', 'del', 'mset', 'touch', 'unlink'],
    // "... all shards": DBSIZE, KEYS, SCAN; FLUSHALL, FLUSHDB.
    allShards: ['dbsize', 'keys', 'scan', 'flushall', 'flushdb'],
    source: MULTI_KEY_OPERATIONS,
  },
  {
    id: 'redis-software-active-active',
    label: 'Redis Software Active-Active (proxy)',
    sort: SortRule.RefuseAll,
    // The same page: "on Active-Active, DEL, MSET, and UNLINK are single-slot".
    proxySplits: ['exists', 'mget', 'touch'],
    allShards: ['dbsize', 'keys', 'scan', 'flushall', 'flushdb'],
    source: MULTI_KEY_OPERATIONS,
  },
  {
    id: 'huawei-dcs-proxy',
    label: 'Huawei Cloud DCS Proxy Cluster',
    sort: SortRule.RefuseAll,
    // Its table "multi-key commands that support cross-slot access" (the command restrictions page).
    proxySplits: ['del', 'mget', 'mset', 'exists', 'sunion', 'sinter', 'sdiff', 'sunionstore', 'sinterstore', 'sdiffstore', 'zunionstore', 'zinterstore'],
    allShards: [],
    source: 'https://support.huaweicloud.com/intl/zh-cn/my-kualalumpur-1-usermanual-dcs/dcs-pd-200813003.html',
  },
];

export const DEFAULT_TARGET = 'redis-8';

export const TARGET_IDS: readonly string[] = TARGETS.map((t) => t.id);

/** The target named `id`; undefined when there is none (the CLI offers the list). */
export function findTarget(id: string): Target | undefined {
  return TARGETS.find((t) => t.id === id);
}

export function defaultTarget(): Target {
  return findTarget(DEFAULT_TARGET)!;
}
