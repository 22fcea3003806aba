/**
 * A function of a key, remembered for the keys that recur in a capture. Bounded: past `limit` entries the
 * memory is dropped and refilled, so memory never grows with the keyspace.
 */
export function memoize<T>(limit: number, fn: (key: string) => T): (key: string) => T {
  const memo = new Map<string, T>();
  return (key) => {
    let v = memo.get(key);
    if (v === undefined) {
      if (memo.size >= limit) memo.clear();
      v = fn(key);
      memo.set(key, v);
    }
    return v;
  };
}
