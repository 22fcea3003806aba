/**
 * A function of a key, remembered for the keys that recur in a capture. Bounded: past `limit` entries the
 * memory is dropped and refilled, so memory never grows with the keyspace.
 */
export function memoize<T>(limit: number, fn: (key: string) => T): (key: string) => T {
  let memo = new Map<string, T>();
  return (key) => {
    let v = memo.get(key);
    if (v === undefined) {
      // A new Map, not clear(): V8's clear() leaves the old table pointing at the new one, so a memory that
      // lived long enough to be promoted chains every later table to an old-space one, and each
      // scavenge copies all their entries (4x the cost of tokenising a key; most of the GC while sampling).
      if (memo.size >= limit) memo = new Map();
      v = fn(key);
      memo.set(key, v);
    }
    return v;
  };
}
