// What --fail-on takes, apart from the gates so the CLI can validate it without loading them.
import type { Severity } from '../analyze/findings.js';

/** The verdict values: fail when blocked, or already when changes are needed. */
export const VERDICT_VALUES = ['blocked', 'changes'] as const;
/** Most severe first: a severity given fails on findings of it or worse. */
export const SEVERITIES: readonly Severity[] = ['blocker', 'warning', 'info'];
