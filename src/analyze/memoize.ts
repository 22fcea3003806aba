import { hashString } from './key-hash.js';

/**
 * A function of a key, remembered for the keys that recur in a capture: a direct-mapped table of at least
 * `limit` entries, a key evicting the one before it in its entry, so memory never grows with the keyspace.
 * A Map made each miss an insert, and was dropped and refilled at its limit: on a wide key space, where
 * most lookups miss, its memories took 12% of the planner's time.
 */
export function memoize<T>(limit: number, fn: (key: string) => T): (key: string) => T {
  const size = 2 ** Math.ceil(Math.log2(Math.max(limit, 2)));
  const mask = size - 1;
  // undefined: an empty entry. Filled once, so the arrays stay of one element kind.
  const keys = new Array<string | undefined>(size).fill(undefined);
  const values = new Array<T | undefined>(size).fill(undefined);
  return (key) => {
    const i = hashString(key) & mask;
    if (keys[i] === key) return values[i]!;
    const v = fn(key);
    keys[i] = key;
    values[i] = v;
    return v;
  };
}
