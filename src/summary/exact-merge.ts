// Whether per-node parts read in workers merge into exactly what one thread reading them in order makes.
// Counts, sketches kept per node and capped samples (replayed from their logs) always do; what is left are
// bounds a part may pass on its own, where the part's summary no longer says what one run would have kept.
// Each is rare, and then the inputs are read again on one thread.
import { DistinctKeys } from '../analyze/distinct-keys.js';
import { OTHER_SCRIPTS } from '../analyze/scripts.js';
import { flagsLearntElsewhere, type NamedSummary } from './merge-summaries.js';

/** Why the parts would not merge exactly, or null when they do. */
export function inexactMerge(parts: readonly NamedSummary[]): string | null {
  if (flagsLearntElsewhere(parts).length > 0) return 'a script or function loaded in one node is called in a later one';
  const later = parts.slice(1).map((p) => p.summary);
  if (later.some((s) => s.analysis.unknownOther > 0)) return 'a later node has more distinct unknown commands than are kept by name';
  if (later.some((s) => s.analysis.scripts.scripts.some((x) => x.id === OTHER_SCRIPTS))) return 'a later node has more distinct scripts than are kept apart';
  if (later.some((s) => s.plan.candidates.overflow > 0)) return 'a later node has more cross-slot shapes than the plan summary keeps';
  if (sizedKeysShared(parts)) return 'memory reports of two nodes list the same keys, or more than --exact-keys between them';
  return null;
}

/**
 * One run counts a key's bytes once however many memory reports list it (a primary's and its replica's):
 * parts can be added only when their sized keys are exact and no key is in two.
 */
function sizedKeysShared(parts: readonly NamedSummary[]): boolean {
  const sized = parts.map((p) => p.summary.analysis.sizedKeys).filter((s) => s !== null);
  if (sized.length < 2) return false;
  if (sized.some((s) => s.entries === undefined)) return true;
  const union = new DistinctKeys(parts[0].summary.analysis.distinct);
  let fresh = 0;
  for (const s of sized) union.merge(s, undefined, () => fresh++);
  return !union.exact || fresh !== sized.reduce((n, s) => n + DistinctKeys.keysIn(s), 0);
}
