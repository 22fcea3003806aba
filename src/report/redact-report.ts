// Redacted copies of a report and of the plan, for `--redact-keys`: every field that holds key text goes
// through the KeyRedactor; counts, slots and layout are untouched. Every renderer (table, JSON, Markdown,
// HTML) prints a plan from these copies, so no format can show what another hides. A report the CLI makes
// with --redact-keys is built from redacted aggregates instead (src/summary/redact-summary.ts), so a merge
// of redacted summaries makes it too; a report redacted here is a plain baseline beside a redacted run, or
// the library's. The checks on `keyof` make a field added to Report or Plan a compile error here until it
// is redacted or declared free of key text.
import type { CommandExample } from '../analyze/command-example.js';
import type { KeyRedactor, Redaction } from '../analyze/redact-keys.js';
import type { Plan, PlanRename, PlanUnfixable } from '../plan/make-plan.js';
import type { RenameRule } from '../plan/renames.js';
import type { Report } from './report.js';

/** The planner's pool for patterns past its limit: a name of slotscope's, not key text. */
const OTHER_PATTERNS = '(other)';
/** A redacted rule's regex: one built from hashes would match no real key. */
const REDACTED_REGEX = '(redacted: made with --redact-keys)';

/**
 * Which fields hold key text (true: redacted below). Listing every field makes one added to Report or Plan
 * a compile error here until it is classified, so new key text cannot slip out unredacted.
 */
const REPORT_KEY_TEXT = {
  schema: false, generator: false, verdict: false, target: false, redis8IncompatibleOps: false, totals: false, unknownCommands: false, slots: false, nodes: false, transactions: false, topology: false, warnings: false, timeSpan: false,
  topKeys: true, biggestKeys: true,
  skew: true, findings: true, inputs: true, commands: true, scripts: true, dbs: true, planSummary: true, redacted: false,
} satisfies Record<keyof Report, boolean>;
const PLAN_KEY_TEXT = {
  schema: false, inputs: false, skippedLines: false, layoutScript: false, today: false, predicted: false, otherChanges: false, fixKinds: false,
  runbook: true, clientChanges: true, conventions: true, libraries: true, layout: true, patterns: true, renames: true, unfixable: true, replicaReads: true, redacted: false,
} satisfies Record<keyof Plan, boolean>;

function mapValues<T, U>(o: Record<string, T>, fn: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fn(v)]));
}

/** Counts under redacted names: two names that redact alike (patterns hashing alike, reasons quoting different text) add up. */
function redactedCounts(counts: Record<string, number>, redact: (name: string) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of Object.entries(counts)) {
    const r = redact(name);
    out[r] = (out[r] ?? 0) + n;
  }
  return out;
}

const patternCounts = (k: KeyRedactor, patterns: Record<string, number>): Record<string, number> => redactedCounts(patterns, (p) => k.pattern(p));

const example = (k: KeyRedactor, e: CommandExample): CommandExample => ({ ...e, command: k.example(e.command) });

/** The line a redacted report or plan opens its inputs with, so a reader knows what the hashes are worth. */
export function redactionNote(r: Redaction): string {
  const secret = r.secret === 'given' ? 'a secret of your own' : 'the public default secret: they group, but a dictionary of likely words finds them again';
  return `Key text is redacted (--redact-keys): keys show as <key>, words of keys as keyed hashes <h:…>, made with ${secret}.`;
}

function redaction(k: KeyRedactor): Redaction {
  return { secret: k.secretGiven ? 'given' : 'default' };
}

export function redactReport(r: Report, k: KeyRedactor): Report {
  return {
    ...r,
    redacted: redaction(k),
    findings: r.findings.map((f) => ({ ...f, ...(f.example ? { example: example(k, f.example) } : {}), patterns: patternCounts(k, f.patterns) })),
    inputs: r.inputs.map((i) => ({
      ...i,
      skipped: {
        count: i.skipped.count,
        byReason: redactedCounts(i.skipped.byReason, (reason) => k.reason(reason)),
        first: i.skipped.first.map((s) => ({ line: s.line, reason: k.reason(s.reason) })),
      },
    })),
    commands: mapValues(r.commands, (c) => (c.example ? { ...c, example: example(k, c.example) } : c)),
    scripts: r.scripts.map((s) => ({
      ...s,
      ...(s.example ? { example: example(k, s.example) } : {}),
      ...(s.undeclaredExample ? { undeclaredExample: { ...s.undeclaredExample, pattern: k.pattern(s.undeclaredExample.pattern) } } : {}),
    })),
    skew: { ...r.skew, hotSlots: r.skew.hotSlots.map((h) => ({ ...h, keys: h.keys.map((x) => ({ ...x, key: k.key(x.key) })) })) },
    dbs: mapValues(r.dbs, (d) => ({ ...d, patterns: patternCounts(k, d.patterns) })),
    ...(r.topKeys ? { topKeys: { ...r.topKeys, keys: r.topKeys.keys.map((x) => ({ ...x, key: k.key(x.key) })) } } : {}),
    ...(r.biggestKeys ? { biggestKeys: r.biggestKeys.map((x) => ({ ...x, key: k.key(x.key) })) } : {}),
    ...(r.planSummary
      ? {
          planSummary: {
            sampledPerKind: r.planSummary.sampledPerKind,
            renames: r.planSummary.renames.map((x) => ({ tag: k.pattern(x.tag), from: x.from.map((p) => k.pattern(p)), fixes: x.fixes })),
            unfixable: r.planSummary.unfixable.map((u) => ({ ...u, patterns: u.patterns.map((p) => k.pattern(p)) })),
          },
        }
      : {}),
  };
}

function rule(k: KeyRedactor, x: RenameRule): RenameRule {
  return { ...x, tag: k.pattern(x.tag), from: k.pattern(x.from), to: k.pattern(x.to), regex: REDACTED_REGEX };
}

function rename(k: KeyRedactor, x: PlanRename): PlanRename {
  return { ...x, tag: k.pattern(x.tag), rules: x.rules.map((y) => rule(k, y)), hotspot: { ...x.hotspot, entity: k.text(x.hotspot.entity) } };
}

/**
 * Sentences of the plan (alternatives, runbook steps and checks, client-change procedures) name its
 * patterns, tags and prefixes, whole or rebuilt (a SCAN glob `customer:*:orders`, a tag `{basket:<id>}:op`):
 * every literal word of those names is replaced by its keyed hash wherever it stands as a word, so no form
 * of a name escapes, and one word still reads as one hash.
 */
function sentenceRedactor(k: KeyRedactor, p: Plan): (s: string) => string {
  const names: string[] = p.patterns.map((x) => x.pattern);
  for (const r of p.renames) for (const y of r.rules) names.push(y.from, y.to, y.tag);
  for (const c of p.clientChanges) names.push(c.from, c.to, ...c.queues);
  for (const u of p.unfixable) names.push(...u.patterns, ...(u.coarse ? [u.coarse.tag] : []));
  for (const c of p.conventions) for (const f of c.forms) names.push(f.form, f.example);
  const words = new Set<string>();
  for (const name of names) {
    if (name === OTHER_PATTERNS) continue;
    for (const w of name.replace(/<[a-z]+>/g, ' ').split(/[^\p{L}\p{N}_]+/u)) if (w !== '') words.add(w);
  }
  if (words.size === 0) return (s) => s;
  const escape = (w: string): string => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const word = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${[...words].sort((a, b) => b.length - a.length).map(escape).join('|')})(?![\\p{L}\\p{N}_])`, 'gu');
  return (s) => s.replace(word, (w) => k.pattern(w));
}

function unfixable(k: KeyRedactor, u: PlanUnfixable, inSentence: (s: string) => string): PlanUnfixable {
  return {
    ...u,
    patterns: u.patterns.map((p) => k.pattern(p)),
    ...(u.coarse ? { coarse: { ...u.coarse, tag: k.pattern(u.coarse.tag) } } : {}),
    example: u.example.map((key) => k.key(key)),
    alternatives: u.alternatives.map(inSentence),
  };
}

const patternName = (k: KeyRedactor, p: string): string => (p === OTHER_PATTERNS ? p : k.pattern(p));

export function redactPlan(p: Plan, k: KeyRedactor): Plan {
  const inSentence = sentenceRedactor(k, p);
  return {
    ...p,
    redacted: redaction(k),
    runbook: p.runbook.map((s) => ({ title: s.title, actions: s.actions.map(inSentence), check: inSentence(s.check) })),
    patterns: p.patterns.map((x) => ({ ...x, pattern: patternName(k, x.pattern) })),
    renames: p.renames.map((x) => rename(k, x)),
    clientChanges: p.clientChanges.map((c) => ({
      ...c,
      from: k.pattern(c.from),
      to: k.pattern(c.to),
      queues: c.queues.map((q) => k.pattern(q)),
      option: inSentence(c.option),
      snippet: inSentence(c.snippet),
      evidence: c.evidence.map(inSentence),
      procedure: c.procedure.map(inSentence),
      hotspot: { ...c.hotspot, entity: k.text(c.hotspot.entity) },
    })),
    conventions: p.conventions.map((c) => ({ word: k.pattern(c.word), forms: c.forms.map((f) => ({ form: k.pattern(f.form), example: k.pattern(f.example) })) })),
    libraries: p.libraries.map((l) => ({ ...l, patterns: l.patterns.map((x) => k.pattern(x)) })),
    unfixable: p.unfixable.map((u) => unfixable(k, u, inSentence)),
    // No routing: a regex or snippet made of hashes would route no real key.
    replicaReads: {
      candidates: p.replicaReads.candidates.map((c) => ({ ...c, pattern: patternName(k, c.pattern) })),
      excluded: p.replicaReads.excluded.map((c) => ({ ...c, pattern: patternName(k, c.pattern) })),
    },
    layout: { ...p.layout, hotSlots: p.layout.hotSlots.map((h) => ({ ...h, keys: h.keys.map((x) => ({ ...x, key: k.key(x.key), pattern: patternName(k, x.pattern) })) })) },
  };
}
