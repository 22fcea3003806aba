// The readiness verdict: `blocked` when a blocker needs the application itself to change, `ready with
// changes` when what stands in the way can be fixed by key renames or client code, `ready` otherwise.
import { FINDING_DEFS, type FindingId, type Findings, type FixKind } from './findings.js';

export type VerdictStatus = 'ready' | 'ready with changes' | 'blocked';

export interface Verdict {
  status: VerdictStatus;
  /** The findings that decide the status, most frequent first. */
  decidedBy: FindingId[];
}

/** `fixOf` lets the plan judge a finding's fix (BullMQ's cross-slot scripts need a client setting, not the app). */
export function computeVerdict(findings: Findings, fixOf: (id: FindingId) => FixKind = (id) => FINDING_DEFS[id].fix): Verdict {
  return verdictOf([...findings.tallies].map(([id, t]) => ({ id, count: t.count, fix: fixOf(id) })));
}

/** The verdict over findings with their fix kinds: also what `check` judges once an allow-list took some out. */
export function verdictOf(findings: { id: FindingId; count: number; fix: FixKind }[]): Verdict {
  const present = findings.filter((f) => f.count > 0).sort((a, b) => b.count - a.count);
  const appBlockers = present.filter((f) => FINDING_DEFS[f.id].severity === 'blocker' && f.fix === 'app').map((f) => f.id);
  if (appBlockers.length > 0) return { status: 'blocked', decidedBy: appBlockers };
  const changes = present.filter((f) => FINDING_DEFS[f.id].severity !== 'info').map((f) => f.id);
  if (changes.length > 0) return { status: 'ready with changes', decidedBy: changes };
  return { status: 'ready', decidedBy: [] };
}
