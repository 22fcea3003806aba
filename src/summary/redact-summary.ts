// `--redact-keys` for summaries: a run's summary with every piece of key text replaced by what the redacted
// report shows for it (KeyRedactor), so a summary uploaded as a CI artefact holds no key, pattern word or
// quoted input. A redacted report is made from a redacted summary, one run's or a merge's, and never
// redacted again: redaction commutes with merging because every aggregate merges by what redaction keeps
// (fingerprints, slots, counts) or by text that one word always hashes alike, and orders its lists by the
// text it holds, the redacted one. Counts, slots and the 64-bit key fingerprints of the distinct-key sets
// stay as they are. The checks on `keyof` make a field added to a summary a compile error here until it is
// redacted or declared free of key text.
import type { AnalysisResult } from '../analyze/analyze-inputs.js';
import type { AnalyzerSummary, NodeSummary } from '../analyze/analyzer.js';
import type { CommandExample } from '../analyze/command-example.js';
import { printable } from '../analyze/key-pattern.js';
import type { SlotKeysSummary } from '../analyze/slot-keys.js';
import type { TopKeysJSON } from '../analyze/top-keys.js';
import type { KeyRedactor } from '../analyze/redact-keys.js';
import { Candidates, type CandidatesSummary, queueKeysOf, type Shape, shapeSig } from '../plan/candidates.js';
import type { PlanSummary, PlanSummaryState } from '../plan/plan-summary.js';
import type { SampleLogJSON } from '../analyze/sample-log.js';
import { list, StateError } from '../analyze/state-codec.js';
import { InputError } from '../ingest/input-error.js';
import { type MergedRun, mergeSummaries, type NamedSummary } from './merge-summaries.js';
import { runSummary } from './run-summary.js';
import type { InputSummary, RunSummary } from './summary-format.js';

/** Which fields hold key text (true: redacted below). */
const RUN_KEY_TEXT = {
  schema: false, keySpecsFrom: false, topology: false, warnings: false, guessed: false, redaction: false,
  analysis: true, plan: true, inputs: true,
} satisfies Record<keyof RunSummary, boolean>;
const ANALYSIS_KEY_TEXT = {
  target: false, redactKeys: false, distinct: false, commands: false, scriptCommands: false, keyedCommands: false, crossSlotCommands: false, keyRecords: false,
  unknownCommands: false, unknownOther: false, keys: false, sizedKeys: false, ops: false, scriptOps: false, bytes: false, transactions: false, redis8: false,
  perCommand: true, dbs: true, findings: true, scripts: true, slotKeys: true, topKeys: true, biggestKeys: true, nodes: true,
} satisfies Record<keyof AnalyzerSummary, boolean>;
const NODE_KEY_TEXT = {
  name: false, commands: false, scriptCommands: false, keyedCommands: false, crossSlotCommands: false, ops: false, bytes: false, ownKeys: false, span: false,
  topKeys: true, slotKeys: true,
} satisfies Record<keyof NodeSummary, boolean>;
const INPUT_KEY_TEXT = {
  path: false, node: false, format: false, bytes: false, lines: false, records: false, preamble: false, lineEndings: false, skippedCount: false, replicationLines: false, replicationFrom: false, notes: false,
  skippedByReason: true, firstSkipped: true,
} satisfies Record<keyof InputSummary, boolean>;
const PLAN_KEY_TEXT = { seen: false, candidates: true, log: true } satisfies Record<keyof PlanSummaryState, boolean>;
const SHAPE_KEY_TEXT = {
  kind: false, command: false, count: false, tagTokens: false, tagged: false, source: false, slots: false, maxSlots: false,
  patterns: true, example: true, tag: true, tokens: true, coarse: true, undeclaredPatterns: true, queues: true,
} satisfies Record<keyof Shape, boolean>;

export function redactSummary(s: RunSummary, k: KeyRedactor): RunSummary {
  return {
    ...s,
    analysis: redactAnalysis(s.analysis, k),
    plan: redactPlan(s.plan, k),
    inputs: s.inputs.map((i) => ({ ...i, skippedByReason: redactedCounts(i.skippedByReason, (r) => k.reason(r)), firstSkipped: i.firstSkipped.map((x) => ({ ...x, reason: k.reason(x.reason) })) })),
    redaction: { secret: k.secretGiven ? 'given' : 'default', check: k.check },
  };
}

/** An analysis made in one process (analyze --live) as its redacted summary, merged alone: what its redacted report is made from. */
export function redactedRun(analysis: AnalysisResult, plan: PlanSummary, k: KeyRedactor): MergedRun {
  return mergeSummaries([{ summary: redactSummary(runSummary(analysis, plan, { topology: null, warnings: [], guessed: [] }), k), name: 'the analysis' }]);
}

/**
 * A part of a run made with --redact-keys: redacted with the run's secret, unless a summary file was made
 * so already; one redacted with another secret is refused, naming the file.
 */
export function redactedPart(part: NamedSummary, k: KeyRedactor): NamedSummary {
  const made = part.summary.redaction;
  if (made) {
    if (made.check !== k.check) throw new InputError("redacted with another secret than this run's (--redact-secret-file, SLOTSCOPE_REDACT_SECRET): give the one it was made with", part.name);
    return part;
  }
  try {
    return { ...part, summary: redactSummary(part.summary, k) };
  } catch (err) {
    if (err instanceof TypeError || err instanceof StateError) throw new InputError(`corrupt summary: ${err.message}`, part.name);
    throw err;
  }
}

/** Counts under redacted names, in the order first seen: two names that redact alike add up. */
function redactedCounts(counts: [string, number][], redact: (name: string) => string): [string, number][] {
  const out = new Map<string, number>();
  for (const [name, n] of counts) {
    const r = redact(name);
    out.set(r, (out.get(r) ?? 0) + n);
  }
  return [...out];
}

function redactAnalysis(a: AnalyzerSummary, k: KeyRedactor): AnalyzerSummary {
  const example = (e: CommandExample): CommandExample => ({ ...e, command: k.example(e.command) });
  const pattern = (p: string): string => k.pattern(p);
  // A key's name as the redacted report shows it; the sketches tell keys apart by fingerprint.
  const shown = (key: string): string => k.key(printable(key));
  const slotKeys = (x: SlotKeysSummary): SlotKeysSummary => ({ ...x, names: x.names.map((n) => (n === null ? null : shown(n))) });
  const topKeys = (x: TopKeysJSON): TopKeysJSON => ({ ...x, counters: x.counters.map((c) => (c.key === null ? c : { ...c, key: shown(c.key) })) });
  return {
    ...a,
    redactKeys: true,
    perCommand: a.perCommand.map((c) => (c.example ? { ...c, example: example(c.example) } : c)),
    dbs: a.dbs.map((d) => ({ ...d, log: redactedLog(d.log, pattern) })),
    findings: a.findings.map((f) => ({ ...f, ...(f.example ? { example: example(f.example) } : {}), log: redactedLog(f.log, pattern) })),
    scripts: {
      ...a.scripts,
      scripts: a.scripts.scripts.map((s) => ({
        ...s,
        ...(s.example ? { example: example(s.example) } : {}),
        ...(s.undeclaredExample ? { undeclaredExample: { ...s.undeclaredExample, pattern: pattern(s.undeclaredExample.pattern) } } : {}),
      })),
    },
    slotKeys: slotKeys(a.slotKeys),
    topKeys: topKeys(a.topKeys),
    nodes: a.nodes.map((n) => ({ ...n, ...(n.topKeys ? { topKeys: topKeys(n.topKeys) } : {}), ...(n.slotKeys ? { slotKeys: slotKeys(n.slotKeys) } : {}) })),
    biggestKeys: { ...a.biggestKeys, keys: a.biggestKeys.keys.map((x) => ({ ...x, key: shown(x.key) })) },
  };
}

/** A sample log with its items (patterns, shape signatures) redacted: items that redact alike count as one. */
function redactedLog(log: SampleLogJSON, redact: (item: string) => string): SampleLogJSON {
  return { ...log, items: list<string>(log?.items, 'sample log').map(redact) };
}

/** The plan sample redacted, and its log naming each shape by its redacted signature. */
function redactPlan(p: PlanSummaryState, k: KeyRedactor): PlanSummaryState {
  const sigs = new Map<string, string>();
  const candidates = redactCandidates(p.candidates, k, sigs);
  // A shape the part could not keep (past MAX_SHAPES) has no redacted form; it stays overflow either way.
  return { ...p, candidates, log: redactedLog(p.log, (sig) => sigs.get(sig) ?? sig) };
}

/**
 * The plan sample's shapes with their patterns, tags and tokens redacted, merged again by their redacted
 * signature (a shape keeps its place; two that redact alike add up). What the short plan reads in words
 * (which patterns are a queue library's keys) is read first and carried in `queues`.
 */
function redactCandidates(c: CandidatesSummary, k: KeyRedactor, sigs: Map<string, string>): CandidatesSummary {
  const patterns = (ps: string[]): string[] => ps.map((p) => k.pattern(p)).sort();
  const shapes = c.shapes.map(({ sig, shape: s }) => {
    const shape: CandidatesSummary['shapes'][number]['shape'] = {
      ...s,
      patterns: patterns(s.patterns),
      example: s.example.map((key) => k.key(key)),
      tag: k.pattern(s.tag),
      tokens: s.tokens.map(([p, tokens]) => [k.pattern(p), k.tokens(tokens)]),
      coarse: k.text(s.coarse),
      undeclaredPatterns: patterns(s.undeclaredPatterns),
      queues: queueKeysOf(s).map((q) => ({ ...q, prefix: k.pattern(q.prefix), queue: k.pattern(q.queue), type: k.pattern(q.type) })),
    };
    sigs.set(sig, shapeSig(shape));
    return { sig: sigs.get(sig)!, shape };
  });
  const into = new Candidates(false);
  into.merge({ overflow: c.overflow, shapes });
  return into.toSummary();
}
