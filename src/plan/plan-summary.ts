// A short plan for `analyze`: tags chosen from a sample of the cross-slot traffic, found in the same pass,
// without the planner's second pass, and the fix each cross-slot finding needs by that choice (BullMQ's
// keys need a client setting, an MGET of unrelated keys a client-side fan-out, a transfer the app).
// `slotscope plan` gives the full, predicted plan.
import type { AnalysisObserver } from '../analyze/analyzer.js';
import { Candidates, type CandidatesSummary, fixableByRename, queueKeysOf, type Shape } from './candidates.js';
import { SampleLog, type SampleLogJSON } from '../analyze/sample-log.js';
import { list, num } from '../analyze/state-codec.js';
import { chooseTags } from './choose.js';
import { type GroupKind, scriptGroup } from './co-access.js';
import { type PlanFixKinds, planFixKinds } from './fix-kinds.js';
import { familyMatcher, LibraryKeys } from './library-keys.js';
import type { RenameRule } from './renames.js';
import { SCRIPT_CALLS } from '../commands/script-calls.js';

/** Cross-slot occurrences looked at, per kind. */
export const SUMMARY_SAMPLE = 10_000;

export interface Proposals {
  /** Per tag, the sampled occurrences its patterns' shapes had. */
  proposals: { tag: string; rules: RenameRule[]; fixes: Record<GroupKind, number> }[];
  unfixable: { kind: GroupKind; command?: string; patterns: string[]; count: number }[];
  fixKinds: PlanFixKinds;
}

type Kind = keyof PlanSummaryState['seen'];
/** The kinds in the order of their streams in the log. */
const KINDS: readonly Kind[] = ['command', 'transaction', 'script'];

export class PlanSummary {
  private readonly candidates = new Candidates(false);
  private readonly seen = { command: 0, transaction: 0, script: 0 };
  /** Which occurrence of each kind went under which shape: a merge replays what one run would have sampled. */
  private readonly log = new SampleLog();

  /**
   * Hooks that unset themselves once their kind's sample is full: the analyzer builds key strings for a
   * cross-slot command, transaction or script call only while a hook wants them, so past the sample a long
   * capture pays nothing for the summary.
   */
  observer(): AnalysisObserver {
    const hooks: AnalysisObserver = {
      crossSlot: (event) => {
        if (this.full('command')) hooks.crossSlot = undefined;
        const c = event();
        if (!SCRIPT_CALLS.has(c.command)) this.logged('command', this.candidates.add({ kind: 'command', command: c.command, keys: c.keys, undeclared: [], source: 'none' }));
      },
      transaction: (t) => {
        if (!t.crossSlot) return;
        if (this.full('transaction')) hooks.transaction = undefined;
        this.logged('transaction', this.candidates.add({ kind: 'transaction', keys: t.keys, undeclared: [], source: 'none' }));
      },
      scriptCall: (s) => {
        if (!s.crossSlot) return;
        if (this.full('script')) hooks.scriptCall = undefined;
        this.logged('script', this.candidates.add(scriptGroup(s)));
      },
    };
    return hooks;
  }

  /** Counts one more sampled occurrence of a kind; true when it is the last the sample takes. */
  private full(kind: Kind): boolean {
    return ++this.seen[kind] >= SUMMARY_SAMPLE;
  }

  /** The shape the kind's latest occurrence was counted under (none for an occurrence with no keys or an EVAL). */
  private logged(kind: Kind, sig: string | undefined): void {
    if (sig !== undefined) this.log.record(KINDS.indexOf(kind), this.seen[kind], sig);
  }

  /** The sample taken so far, for a summary: the plan a merge proposes is made from the merged sample. */
  toSummary(): PlanSummaryState {
    return { seen: { ...this.seen }, candidates: this.candidates.toSummary(), log: this.log.toJSON() };
  }

  /**
   * A part's occurrences that one run would have sampled after this one's, replayed in order from its log:
   * the same shapes, counts, order and overflow.
   */
  merge(s: PlanSummaryState): void {
    const shapes = new Map(list<CandidatesSummary['shapes'][number]>(s.candidates?.shapes, 'plan candidates').map((x) => [x?.sig, x?.shape]));
    for (const e of SampleLog.taken(s.log, KINDS.map((k) => this.seen[k]), SUMMARY_SAMPLE)) {
      this.candidates.countShape(e.item, shapes.get(e.item));
      this.log.record(e.stream, e.occurrence, e.item);
    }
    // As one run counts them: up to the sample.
    for (const k of KINDS) this.seen[k] = Math.min(SUMMARY_SAMPLE, this.seen[k] + num(s?.seen?.[k], 'plan summary'));
  }

  result(): Proposals {
    const shapes = this.candidates.list();
    const libraries = new LibraryKeys();
    for (const s of shapes) for (const q of queueKeysOf(s)) libraries.queueKey(q);
    const families = libraries.families();
    const familyOf = familyMatcher(families);
    const isLibrary = (s: Shape): boolean => families.length > 0 && [...s.patterns, ...s.undeclaredPatterns].every((p) => familyOf(p) !== null);
    const app = shapes.filter((s) => !isLibrary(s) && !s.patterns.some((p) => familyOf(p) !== null));
    const proposals = chooseTags(app).map((c) => {
      const from = new Set(c.rules.map((r) => r.from));
      const fixes = { command: 0, transaction: 0, script: 0 };
      for (const s of app) if (fixableByRename(s) && s.patterns.every((p) => from.has(p))) fixes[s.kind] += s.count;
      return { ...c, fixes };
    });
    const unfixable = shapes
      .filter((s) => !isLibrary(s) && !fixableByRename(s))
      .map((s) => ({ kind: s.kind, ...(s.command ? { command: s.command } : {}), patterns: s.patterns, count: s.count }));
    return { proposals, unfixable, fixKinds: planFixKinds(shapes, isLibrary) };
  }
}

export interface PlanSummaryState {
  seen: { command: number; transaction: number; script: number };
  candidates: CandidatesSummary;
  /** Streams: command, transaction, script; items: shape signatures. */
  log: SampleLogJSON;
}
