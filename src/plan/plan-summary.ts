// A short plan for `analyze`: hash-tag proposals from a sample of the cross-slot traffic, found in the
// same pass, without the planner's second pass. `slotscope plan` gives the full, predicted plan.
import type { AnalysisObserver } from '../analyze/analyzer.js';
import { type Proposals, Proposer, scriptGroup } from './propose.js';

/** Cross-slot occurrences looked at, per kind. */
export const SUMMARY_SAMPLE = 10_000;

export class PlanSummary {
  private readonly proposer = new Proposer();
  private readonly seen = { command: 0, transaction: 0, script: 0 };

  observer(): AnalysisObserver {
    return {
      crossSlot: (event) => {
        if (this.seen.command++ >= SUMMARY_SAMPLE) return;
        const c = event();
        this.proposer.add({ kind: 'command', command: c.command, keys: c.keys });
      },
      transaction: (t) => {
        if (t.crossSlot && this.seen.transaction++ < SUMMARY_SAMPLE) this.proposer.add({ kind: 'transaction', keys: t.keys });
      },
      scriptCall: (s) => {
        if (s.crossSlot && this.seen.script++ < SUMMARY_SAMPLE) this.proposer.add(scriptGroup(s));
      },
    };
  }

  result(): Proposals {
    return this.proposer.result();
  }
}
