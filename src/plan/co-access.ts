// What the planner learns from one cross-slot occurrence: the keys a command, a transaction or a script
// call used together. Pass 1 (collect.ts) and the analyzer's quick summary (plan-summary.ts) both make
// these; candidates.ts turns them into candidate tags.
import type { ScriptCallEnd } from '../analyze/scripts.js';

export type GroupKind = 'command' | 'transaction' | 'script';

/** Where the keys a script touched without being given them came from. */
export type UndeclaredSource = 'none' | 'hard-coded' | 'argv-prefix' | 'built';

export interface CoAccess {
  kind: GroupKind;
  /** The command name for a cross-slot command. */
  command?: string;
  keys: readonly string[];
  /** Keys a script touched that it was not given; empty for commands and transactions. */
  undeclared: readonly string[];
  /** For a script with undeclared keys: written into its body, built from an ARGV prefix, or unknown. */
  source: UndeclaredSource;
}

/** The keys a cross-slot script call used together: those it was given and those it touched. */
export function scriptGroup(s: ScriptCallEnd, source: UndeclaredSource = s.undeclaredKeys.length > 0 ? 'built' : 'none'): CoAccess {
  return { kind: 'script', keys: [...new Set([...s.declaredKeys, ...s.touchedKeys])], undeclared: s.undeclaredKeys, source };
}
