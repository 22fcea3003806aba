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
  const present = [...findings.tallies].filter(([, t]) => t.count > 0).sort((a, b) => b[1].count - a[1].count).map(([id]) => id);
  const appBlockers = present.filter((id) => FINDING_DEFS[id].severity === 'blocker' && fixOf(id) === 'app');
  if (appBlockers.length > 0) return { status: 'blocked', decidedBy: appBlockers };
  const changes = present.filter((id) => FINDING_DEFS[id].severity !== 'info');
  if (changes.length > 0) return { status: 'ready with changes', decidedBy: changes };
  return { status: 'ready', decidedBy: [] };
}
