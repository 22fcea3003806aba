// The entity a group of co-accessed keys shares: their longest common prefix of tokens, ending at a
// separator. `user:42:balance` + `user:42:ledger` share `user:42` (pattern `user:<id>`). Only a prefix with
// a variable part names an entity: one of fixed words (`product`, `cache:page`) is a namespace, and tagging
// it would put every key of the namespace in one slot (a coarse tag, costed as such).
import { type KeyTokens, keyTokens } from '../analyze/key-pattern.js';

const SEPARATOR = /^[:/|#.{}]$/;
const isSeparator = (t: string | undefined): boolean => t !== undefined && SEPARATOR.test(t);

export interface EntityPrefix {
  tokens: KeyTokens[];
  /** Leading tokens shared by every key; 0 when none. */
  length: number;
  /** The prefix has a variable part (`<id>`, `<uuid>`...): an entity worth a tag of its own. */
  entity: boolean;
  /** The prefix's pattern, e.g. `user:<id>` (empty when there is none). */
  pattern: string;
  /** The prefix itself, e.g. `user:42`. */
  value: string;
}

/** `tokensOf`: keyTokens, or a caller's own memoizedKeyTokens() for a larger memory. */
export function entityPrefix(keys: string[], tokensOf: (key: string) => KeyTokens = keyTokens): EntityPrefix {
  const tokens = keys.map(tokensOf);
  const first = tokens[0];
  let len = 0;
  const max = Math.min(...tokens.map((t) => t.raw.length));
  while (len < max && tokens.every((t) => t.raw[len] === first.raw[len])) len++;
  // End at a token boundary that every key has (the key's end or a separator)...
  while (len > 0 && !tokens.every((t) => len === t.raw.length || isSeparator(t.raw[len]))) len--;
  // ... and not on a separator.
  while (len > 0 && isSeparator(first.raw[len - 1])) len--;
  let variable = false;
  for (let i = 0; i < len; i++) if (first.pattern[i].startsWith('<')) variable = true;
  return { tokens, length: len, entity: variable, pattern: first.pattern.slice(0, len).join(''), value: first.raw.slice(0, len).join('') };
}

/** A key's entity at the coarsest level: its tokens up to its first variable part (`account:7`), or ''. */
export function entityOf(key: string, tokensOf: (key: string) => KeyTokens = keyTokens): string {
  const t = tokensOf(key);
  const i = t.pattern.findIndex((p) => p.startsWith('<'));
  return i < 0 ? '' : t.raw.slice(0, i + 1).join('');
}
