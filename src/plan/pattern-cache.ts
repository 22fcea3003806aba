// Each key's pattern, remembered by the key's 64-bit fingerprint (hashBytes64, which the analyzer made for
// the line already): a direct-mapped table of typed arrays, so a key seen again costs one probe and two
// compares, with no string hashed. A Map of key strings held the text of half a million keys (hundreds of
// MiB of heap with its garbage on a wide key space) and, there, cost three times the patterns it saved.
import { tokenize } from '../analyze/key-pattern.js';

/** Entries: 2^19, 8 MiB; a key evicts the one before it in its entry. */
const BITS = 19;
/** Patterns given one shared string; past these (keys that pattern poorly), each entry keeps its own. */
const MAX_INTERNED = 65_536;

export class PatternCache {
  private readonly high = new Int32Array(1 << BITS);
  private readonly low = new Int32Array(1 << BITS);
  /** '' for an empty entry (the empty key's pattern is '' too, and is made again each time). */
  private readonly patterns: string[] = new Array<string>(1 << BITS).fill('');
  /** One string per pattern, while there are few: half a million entries held their own copies of a few dozen. */
  private readonly interned = new Map<string, string>();

  /** The pattern of `key`, whose fingerprint is (high, low). */
  patternOf(key: string, high: number, low: number): string {
    // The fingerprint's halves are finalised murmur lanes: their low bits are as good as any.
    const i = low & ((1 << BITS) - 1);
    const known = this.patterns[i];
    if (known !== '' && this.low[i] === low && this.high[i] === high) return known;
    // keyPattern() itself, past the small memory it shares with the findings: a miss here is a key not seen lately.
    const p = this.intern(tokenize(key).pattern.join(''));
    this.patterns[i] = p;
    this.high[i] = high;
    this.low[i] = low;
    return p;
  }

  private intern(p: string): string {
    const known = this.interned.get(p);
    if (known !== undefined) return known;
    if (this.interned.size < MAX_INTERNED) this.interned.set(p, p);
    return p;
  }
}
