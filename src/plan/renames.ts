// Hash-tag renames: a rule wraps the entity prefix of every key of a pattern in braces, so all keys of
// one entity share a slot: `user:<id>:balance` -> `{user:<id>}:balance`. Keys that already carry a hash
// tag are left alone.
import { tokenize } from '../analyze/key-pattern.js';

export interface RenameRule {
  /** The tag's pattern, e.g. `user:<id>`. */
  tag: string;
  /** The keys' pattern, e.g. `user:<id>:balance`. */
  from: string;
  /** Template of the new keys, e.g. `{user:<id>}:balance`. */
  to: string;
  /** The same as a regular expression and replacement ($1 is the tag), for tools that rename keys. */
  regex: string;
  replacement: string;
  /** How many leading tokens the tag spans. */
  tagTokens: number;
}

const CLASS_REGEX: Record<string, string> = {
  '<id>': '(?:-?[0-9]+|(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{3,15})',
  '<uuid>': '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
  '<hex>': '[0-9a-fA-F]{16,}',
  '<date>': '[0-9]{4}-?[0-9]{2}-?[0-9]{2}(?:[tT _][0-9:]+)?',
  '<email>': '[^@\\s]+@[^@\\s]+',
  '<str>': '[A-Za-z0-9+/=_-]{16,}',
};

// A pipe becomes `[|]`, not `\|`: a GFM table cannot hold a backslash right before a pipe (the plan's Markdown).
// A pattern's literal tokens are printable (key-pattern.ts): their \xhh stand for bytes, and stay regex escapes.
const escapeRegex = (s: string): string => s.replace(/\\x[0-9a-f]{2}|[.*+?^${}()[\]\\/|]/g, (m) => (m.length === 4 ? m : m === '|' ? '[|]' : `\\${m}`));
const tokenRegex = (t: string): string => CLASS_REGEX[t] ?? escapeRegex(t);

export function makeRule(patternTokens: string[], tagTokens: number): RenameRule {
  const tag = patternTokens.slice(0, tagTokens).join('');
  const rest = patternTokens.slice(tagTokens).join('');
  return {
    tag,
    from: patternTokens.join(''),
    to: `{${tag}}${rest}`,
    regex: `^(${patternTokens.slice(0, tagTokens).map(tokenRegex).join('')})(${patternTokens.slice(tagTokens).map(tokenRegex).join('')})$`,
    replacement: '{$1}$2',
    tagTokens,
  };
}

/** The text between a key's hash-tag braces, as Redis hashes it (keyHashSlot() in cluster.c); '' when it has none. */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open < 0) return '';
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : '';
}

/** Whether Redis would hash only part of the key: a '{' followed later by '}' with bytes between. */
export function hasHashTag(key: string): boolean {
  const open = key.indexOf('{');
  return open >= 0 && key.indexOf('}', open + 1) > open + 1;
}

export class Renamer {
  private readonly byPattern = new Map<string, RenameRule>();

  /** Every rule's pattern starts with a literal word; a key starting with none of them needs no tokenizing. */
  private readonly leads: string[];

  constructor(readonly rules: RenameRule[]) {
    for (const r of rules) this.byPattern.set(r.from, r);
    // Up to a class or an escaped byte: the rest of a printable pattern is the key's own text.
    this.leads = [...new Set(rules.map((r) => /^[^<\\]*/.exec(r.from)![0]))];
  }

  /** The rule that renames a key (latin1 string), and how many of its characters the tag spans; null when none applies. */
  match(key: string): { rule: RenameRule; tagLength: number } | null {
    if (!this.leads.some((lead) => key.startsWith(lead)) || hasHashTag(key)) return null;
    const t = tokenize(key);
    const rule = this.byPattern.get(t.pattern.join(''));
    if (!rule) return null;
    let tagLength = 0;
    for (let i = 0; i < rule.tagTokens; i++) tagLength += t.raw[i].length;
    return { rule, tagLength };
  }

  /** The new name and the rule that made it, or null when no rule applies. */
  readonly apply = (key: string): { to: string; rule: RenameRule } | null => {
    const m = this.match(key);
    return m ? { to: `{${key.slice(0, m.tagLength)}}${key.slice(m.tagLength)}`, rule: m.rule } : null;
  };
}
