// One set of renames for the whole plan. Fixable shapes that share a key pattern are one component (union-
// find over patterns); every pattern of a component gets the component's outermost entity tag, so nested
// entities merge into the outer one when their keys are used together (`account:<id>:balance:backup` beside
// `account:<id>:ledger` both get `{account:<id>}`), and no pattern ever gets two tags. Every fixable shape's
// entity prefix is a token prefix of each of its patterns, so two shapes sharing a pattern have nested
// prefixes and the shortest one serves them all.
import { fixableByRename, type Shape } from './candidates.js';
import { makeRule, type RenameRule } from './renames.js';

export interface TagChoice {
  tag: string;
  rules: RenameRule[];
}

class PatternSets {
  private readonly parent = new Map<string, string>();

  add(p: string): void {
    if (!this.parent.has(p)) this.parent.set(p, p);
  }

  root(p: string): string {
    let r = p;
    while (this.parent.get(r) !== r) r = this.parent.get(r)!;
    this.parent.set(p, r);
    return r;
  }

  union(a: string, b: string): void {
    this.parent.set(this.root(a), this.root(b));
  }

  get patterns(): IterableIterator<string> {
    return this.parent.keys();
  }
}

export function chooseTags(shapes: readonly Shape[]): TagChoice[] {
  const fixable = shapes.filter(fixableByRename);
  const sets = new PatternSets();
  const tokens = new Map<string, string[]>();
  for (const s of fixable) {
    for (const p of s.patterns) {
      sets.add(p);
      tokens.set(p, s.tokens.get(p)!);
    }
    for (const p of s.patterns.slice(1)) sets.union(s.patterns[0], p);
  }
  // The outermost tag of each component.
  const outer = new Map<string, Shape>();
  for (const s of fixable) {
    const r = sets.root(s.patterns[0]);
    const o = outer.get(r);
    if (!o || s.tagTokens < o.tagTokens) outer.set(r, s);
  }
  const byTag = new Map<string, RenameRule[]>();
  for (const p of sets.patterns) {
    const o = outer.get(sets.root(p))!;
    const rules = byTag.get(o.tag) ?? byTag.set(o.tag, []).get(o.tag)!;
    rules.push(makeRule(tokens.get(p)!, o.tagTokens));
  }
  return [...byTag].map(([tag, rules]) => ({ tag, rules: rules.sort((a, b) => a.from.localeCompare(b.from)) })).sort((a, b) => a.tag.localeCompare(b.tag));
}
