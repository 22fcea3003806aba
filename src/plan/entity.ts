// The entity a group of co-accessed keys shares: their longest common prefix of tokens, ending at a
// separator. `user:42:balance` + `user:42:ledger` share `user:42` (pattern `user:<id>`). Only a prefix with
// a variable part names an entity: one of fixed words (`product`, `cache:page`) is a namespace, and tagging
// it would put every key of the namespace in one slot (a coarse tag, costed as such).
import { type KeyTokens, keyTokens } from '../analyze/key-pattern.js';

/** Whether a token is one of the separators `: / | # . { }` (a token of its own, one character). */
function isSeparator(t: string | undefined): boolean {
  if (t === undefined || t.length !== 1) return false;
  const c = t.charCodeAt(0);
  return c === 0x3a || c === 0x2f || c === 0x7c || c === 0x23 || c === 0x2e || c === 0x7b || c === 0x7d;
}

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
  // Loops rather than every()/map(): the plan summary runs this on each sampled cross-slot occurrence.
  const tokens: KeyTokens[] = new Array(keys.length);
  for (let k = 0; k < keys.length; k++) tokens[k] = tokensOf(keys[k]);
  const first = tokens[0];
  let max = first.raw.length;
  for (let k = 1; k < tokens.length; k++) if (tokens[k].raw.length < max) max = tokens[k].raw.length;
  let len = 0;
  while (len < max && sameTokenAt(tokens, len)) len++;
  // End at a token boundary that every key has (the key's end or a separator)...
  while (len > 0 && !boundaryAt(tokens, len)) len--;
  // ... and not on a separator.
  while (len > 0 && isSeparator(first.raw[len - 1])) len--;
  let variable = false;
  let pattern = '';
  let value = '';
  for (let i = 0; i < len; i++) {
    if (first.pattern[i].charCodeAt(0) === 0x3c) variable = true; // '<'
    pattern += first.pattern[i];
    value += first.raw[i];
  }
  return { tokens, length: len, entity: variable, pattern, value };
}

/** Every key's token i is the first key's. */
function sameTokenAt(tokens: KeyTokens[], i: number): boolean {
  const t = tokens[0].raw[i];
  for (let k = 1; k < tokens.length; k++) if (tokens[k].raw[i] !== t) return false;
  return true;
}

/** Every key ends at token i or has a separator there. */
function boundaryAt(tokens: KeyTokens[], i: number): boolean {
  for (let k = 0; k < tokens.length; k++) if (i !== tokens[k].raw.length && !isSeparator(tokens[k].raw[i])) return false;
  return true;
}

/** A key's entity at the coarsest level: its tokens up to its first variable part (`account:7`), or ''. */
export function entityOf(key: string, tokensOf: (key: string) => KeyTokens = keyTokens): string {
  const t = tokensOf(key);
  const i = t.pattern.findIndex((p) => p.startsWith('<'));
  return i < 0 ? '' : t.raw.slice(0, i + 1).join('');
}
