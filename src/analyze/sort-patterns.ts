// SORT/SORT_RO's BY and GET patterns, judged as a cluster does in sortCommandGeneric() (sort.c) and
// counted as Redis 8's cluster-compatibility sampling counts them there.
import { argEqualsLower, type ArgView } from '../commands/args.js';
import { crc16 } from '../slot/crc16.js';
import { slotOfRange } from '../slot/key-slot.js';
import { SortRule } from './targets.js';

const w = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const ASC = w('asc');
const DESC = w('desc');
const ALPHA = w('alpha');
const LIMIT = w('limit');
const STORE = w('store');
const BY = w('by');
const GET = w('get');
const STAR = 0x2a;
const QUESTION = 0x3f;
const BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const HASH = 0x23;

/**
 * patternHashSlot() of cluster.c (7.4+): the slot every key the pattern can form hashes to, or -1 when
 * a wildcard, a character class or an escape comes before a complete hash tag (keys in any slot).
 */
export function patternHashSlot(buf: Uint8Array, start: number, end: number): number {
  let open = -1;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b === STAR || b === QUESTION || b === BRACKET || b === BACKSLASH) return -1;
    if (open === -1 && b === OPEN) open = i;
    else if (open >= 0 && b === CLOSE) {
      if (i === open + 1) open = -2; // '{}': the whole pattern is hashed, braces and all
      else return crc16(buf, open + 1, i) & 16383;
    }
  }
  return crc16(buf, start, end) & 16383;
}

/** What one SORT line's patterns mean. */
export interface SortPatterns {
  /** Patterns the target refuses (the first one refuses the command). */
  refused: number;
  /** Patterns Redis 8's sampling counts: each BY with `*` and each GET but `#` whose slot differs from the key's. */
  redis8: number;
}

const result: SortPatterns = { refused: 0, redis8: 0 };

function hasStar(args: ArgView, i: number): boolean {
  for (let p = args.start[i]; p < args.end[i]; p++) if (args.buf[p] === STAR) return true;
  return false;
}

function isHash(args: ArgView, i: number): boolean {
  return args.end[i] - args.start[i] === 1 && args.buf[args.start[i]] === HASH;
}

/**
 * Walks the options as sortCommandGeneric() parses them (LIMIT takes two arguments, STORE one on SORT
 * only, BY and GET one each) and judges each BY with a `*` (a BY without one means "don't sort": never
 * checked) and each GET. Returns one shared object: read it before the next call.
 */
export function sortPatterns(args: ArgView, readonly: boolean, rule: SortRule): SortPatterns {
  result.refused = 0;
  result.redis8 = 0;
  if (args.argc < 2) return result;
  let keySlot = -1;
  for (let j = 2; j < args.argc; j++) {
    const left = args.argc - j - 1;
    if (argEqualsLower(args, j, ASC) || argEqualsLower(args, j, DESC) || argEqualsLower(args, j, ALPHA)) continue;
    if (argEqualsLower(args, j, LIMIT) && left >= 2) j += 2;
    else if (!readonly && argEqualsLower(args, j, STORE) && left >= 1) j++;
    else if ((argEqualsLower(args, j, BY) || argEqualsLower(args, j, GET)) && left >= 1) {
      const by = argEqualsLower(args, j, BY);
      j++;
      if (by && !hasStar(args, j)) continue;
      if (keySlot < 0) keySlot = slotOfRange(args.buf, args.start[1], args.end[1]);
      const hash = !by && isHash(args, j);
      const sameSlot = patternHashSlot(args.buf, args.start[j], args.end[j]) === keySlot;
      if (!hash && !sameSlot) result.redis8++;
      if (rule === SortRule.RefuseAll || (rule === SortRule.SameSlot ? !sameSlot : !hash && !sameSlot)) result.refused++;
    } else break; // a syntax error: the server stops here too
  }
  return result;
}
