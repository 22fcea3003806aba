// What an allow-list accepts in one report: whole findings, key patterns under findings, and commands'
// cross-slot calls. An entry past its expiry allows nothing and says so; one that matches nothing is stale.
import type { FindingId } from '../analyze/findings.js';
import { findTarget } from '../analyze/targets.js';
import type { FindingReport, Report } from '../report/report.js';
import type { AllowEntry } from './allowlist.js';

export interface AllowedEntry extends AllowEntry {
  /** What the entry accepted here: a finding id, `id: pattern` or a command name, with its count. */
  matched: { what: string; count: number }[];
}

export interface Allowance {
  /** Findings accepted whole: by id, by every pattern they hold, or (cross-slot-command) by every command. */
  findings: Set<FindingId>;
  /** Accepted patterns, per finding: a finding with others left still fails, naming only those. */
  patterns: Map<FindingId, Set<string>>;
  /** Commands whose cross-slot calls are accepted. */
  commands: Set<string>;
  allowed: AllowedEntry[];
  stale: AllowEntry[];
  expired: AllowEntry[];
}

export const NO_ALLOWANCE: Allowance = { findings: new Set(), patterns: new Map(), commands: new Set(), allowed: [], stale: [], expired: [] };

export interface AllowOptions {
  /** Today (UTC), YYYY-MM-DD: an entry allows through its `expires` day. */
  today: string;
  /** For a redacted report: the entry's pattern as the report shows it (each literal word hashed). */
  redactPattern?: (pattern: string) => string;
}

export function applyAllowlist(r: Report, entries: AllowEntry[], opts: AllowOptions): Allowance {
  const a: Allowance = { findings: new Set(), patterns: new Map(), commands: new Set(), allowed: [], stale: [], expired: [] };
  for (const entry of entries) {
    // A redacted run shows no key text, its allow-list's patterns included.
    const e = opts.redactPattern && entry.pattern !== undefined ? { ...entry, pattern: redactGlob(entry.pattern, opts.redactPattern) } : entry;
    if (e.expires !== undefined && e.expires < opts.today) {
      a.expired.push(e);
      continue;
    }
    const matched = matchEntry(r, e, a);
    if (matched.length > 0) a.allowed.push({ ...e, matched });
    else a.stale.push(e);
  }
  for (const f of r.findings) if (wholly(r, f, a)) a.findings.add(f.id);
  return a;
}

function matchEntry(r: Report, e: AllowEntry, a: Allowance): AllowedEntry['matched'] {
  const matched: AllowedEntry['matched'] = [];
  if (e.command !== undefined) {
    const c = r.commands[e.command];
    if (c && c.crossSlot > 0) {
      a.commands.add(e.command);
      matched.push({ what: e.command, count: c.crossSlot });
    }
    // A command no key spec describes (a module's) is accepted unjudged: the unknown-commands gate leaves it out.
    const unknown = r.unknownCommands[e.command] ?? 0;
    if (unknown > 0) {
      a.commands.add(e.command);
      matched.push({ what: e.command, count: unknown });
    }
    return matched;
  }
  const findings = r.findings.filter((f) => e.finding === undefined || f.id === e.finding);
  if (e.pattern === undefined) {
    for (const f of findings) {
      a.findings.add(f.id);
      matched.push({ what: f.id, count: f.count });
    }
    return matched;
  }
  const matches = globMatcher(e.pattern);
  for (const f of findings) {
    for (const [p, n] of Object.entries(f.patterns)) {
      if (!matches(p)) continue;
      let set = a.patterns.get(f.id);
      if (!set) a.patterns.set(f.id, (set = new Set()));
      set.add(p);
      matched.push({ what: `${f.id}: ${p}`, count: n });
    }
  }
  return matched;
}

/** Whether nothing of the finding is left once its accepted patterns or commands are taken out. */
function wholly(r: Report, f: FindingReport, a: Allowance): boolean {
  if (a.findings.has(f.id)) return true;
  const patterns = Object.keys(f.patterns);
  const accepted = a.patterns.get(f.id);
  if (patterns.length > 0 && accepted && patterns.every((p) => accepted.has(p))) return true;
  if (f.id !== 'cross-slot-command' || a.commands.size === 0) return false;
  const split = proxySplits(r);
  return Object.entries(r.commands).every(([name, c]) => c.crossSlot === 0 || split.has(name) || a.commands.has(name));
}

/** Commands the report's target splits over shards: their cross-slot calls are proxy-split, not cross-slot-command. */
export function proxySplits(r: Report): Set<string> {
  return new Set(findTarget(r.target.id)?.proxySplits ?? []);
}

/** Whether a command's cross-slot calls are accepted: by name, or by its finding accepted whole. */
export function commandAllowed(a: Allowance, name: string, split: Set<string>): boolean {
  return a.commands.has(name) || a.findings.has(split.has(name) ? 'proxy-split' : 'cross-slot-command');
}

/** A finding's patterns left after the allow-list: what a failure still has to name. */
export function patternsLeft(a: Allowance, f: FindingReport): [string, number][] {
  const accepted = a.patterns.get(f.id);
  return Object.entries(f.patterns).filter(([p]) => !accepted?.has(p));
}

function globMatcher(glob: string): (s: string) => boolean {
  if (!glob.includes('*')) return (s) => s === glob;
  const re = new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  return (s) => re.test(s);
}

/** Each stretch between `*`s redacted as the report's patterns were, so `bull:*` still matches whole words. */
function redactGlob(glob: string, redact: (pattern: string) => string): string {
  return glob.split('*').map(redact).join('*');
}
