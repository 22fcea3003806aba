// Hash-tag proposals from co-access groups: each cross-slot command, transaction or script whose keys
// share an entity prefix votes for tagging that entity (`{user:<id>}`); groups with no shared entity are
// unfixable by renames and get the honest alternatives instead.
import type { ScriptCallEnd } from '../analyze/scripts.js';
import type { CoAccess, GroupKind } from './collect.js';
import { entityPrefix } from './entity.js';
import { hasHashTag, makeRule, type RenameRule } from './renames.js';

/** The keys a cross-slot script call used together: those it was given and those it touched. */
export function scriptGroup(s: ScriptCallEnd): CoAccess {
  return { kind: 'script', keys: [...new Set([...s.declaredKeys, ...s.touchedKeys])], buildsKeys: s.undeclaredKeys.length > 0 };
}

export interface Proposal {
  tag: string;
  rules: RenameRule[];
  /** Occurrences whose keys all fall under this tag: what it fixes, by kind. */
  fixes: Record<GroupKind, number>;
  example: readonly string[];
}

export interface Unfixable {
  kind: GroupKind;
  /** A script that builds key names itself (e.g. from a prefix argument): its library's key prefix must change. */
  buildsKeys: boolean;
  command?: string;
  patterns: string[];
  count: number;
  /** The widest prefix the keys share (`product`), if any: a coarse tag would put them all in one slot. */
  coarseTag: string;
  example: readonly string[];
}

export interface Proposals {
  proposals: Proposal[];
  unfixable: Unfixable[];
}

interface Vote {
  tag: string;
  rules: Map<string, RenameRule>;
  fixes: Record<GroupKind, number>;
  example: readonly string[];
}

/** Votes as groups arrive, so memory holds one entry per tag and per unfixable shape, not per group. */
export class Proposer {
  private readonly votes = new Map<string, Vote>();
  private readonly unfixable = new Map<string, Unfixable>();

  add(g: CoAccess): void {
    const { votes, unfixable } = this;
    const keys = g.keys.filter((k) => !hasHashTag(k));
    if (keys.length === 0) return;
    const prefix = entityPrefix([...new Set(keys)]);
    if (prefix.entity && keys.length === g.keys.length && !g.buildsKeys) {
      let v = votes.get(prefix.pattern);
      if (!v) {
        v = { tag: prefix.pattern, rules: new Map(), fixes: { command: 0, transaction: 0, script: 0 }, example: g.keys };
        votes.set(prefix.pattern, v);
      }
      v.fixes[g.kind]++;
      for (const t of prefix.tokens) {
        const from = t.pattern.join('');
        if (!v.rules.has(from)) v.rules.set(from, makeRule(t.pattern, prefix.length));
      }
      return;
    }
    const patterns = [...new Set(prefix.tokens.map((t) => t.pattern.join('')))].sort();
    const sig = `${g.kind}\u0000${g.command ?? ''}\u0000${g.buildsKeys ? 'b' : ''}\u0000${patterns.join('\u0000')}`;
    let u = unfixable.get(sig);
    if (!u) {
      u = { kind: g.kind, buildsKeys: g.buildsKeys ?? false, command: g.command, patterns, count: 0, coarseTag: prefix.pattern, example: g.keys };
      unfixable.set(sig, u);
    }
    u.count++;
  }

  result(): Proposals {
    return rank(this.votes, this.unfixable);
  }
}

function rank(votes: Map<string, Vote>, unfixable: Map<string, Unfixable>): Proposals {
  // A key pattern gets one rule: the tag that fixes the most occurrences wins it.
  const ranked = [...votes.values()].sort((a, b) => total(b.fixes) - total(a.fixes) || a.tag.localeCompare(b.tag));
  const taken = new Set<string>();
  const proposals: Proposal[] = [];
  for (const v of ranked) {
    const rules = [...v.rules.values()].filter((r) => !taken.has(r.from));
    if (rules.length === 0) continue;
    for (const r of rules) taken.add(r.from);
    proposals.push({ tag: v.tag, rules: rules.sort((a, b) => a.from.localeCompare(b.from)), fixes: v.fixes, example: v.example });
  }
  return { proposals, unfixable: [...unfixable.values()].sort((a, b) => b.count - a.count) };
}

function total(f: Record<GroupKind, number>): number {
  return f.command + f.transaction + f.script;
}
