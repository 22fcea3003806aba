// What the CI writers (JUnit, GitHub Actions, GitLab Code Quality) read: the gates of a check with what
// failed behind each, and the report's findings. One place says how a gate or a finding reads as text, so
// every CI system shows the same words.
import { type CommandExample, exampleText } from '../../analyze/command-example.js';
import type { Severity } from '../../analyze/findings.js';
import type { GateResult } from '../gates.js';
import type { Report } from '../report.js';
import { count } from '../format-numbers.js';

/** A check's result as `check` computes it: the writers need no more of it than this. */
export interface CheckOutcome {
  target: { id: string; label: string };
  passed: boolean;
  gates: GateResult[];
  /** The run's findings; `allowed` when an allow-list accepts one whole. */
  findings: { id: string; allowed?: true }[];
}

export interface CiFinding {
  id: string;
  severity: Severity;
  count: number;
  message: string;
  example?: CommandExample;
  /** Key patterns involved, most frequent first. */
  patterns: Record<string, number>;
  allowed?: true;
}

/** What the writers read: the outcome, each finding with the report's words and example, and the inputs. */
export interface CiCheck {
  target: { id: string; label: string };
  passed: boolean;
  gates: GateResult[];
  findings: CiFinding[];
  /** The inputs read, so an example's node names its capture file. */
  inputs: { node: string; path: string }[];
}

/** The outcome with the report's detail; `report` is the one the gates judged (redacted under --redact-keys). */
export function ciCheck(outcome: CheckOutcome, report: Pick<Report, 'findings' | 'inputs'>): CiCheck {
  const allowed = new Set(outcome.findings.filter((f) => f.allowed).map((f) => f.id));
  const findings = report.findings.map((f): CiFinding => ({ id: f.id, severity: f.severity, count: f.count, message: f.message, patterns: f.patterns, ...(f.example ? { example: f.example } : {}), ...(allowed.has(f.id) ? { allowed: true as const } : {}) }));
  return { target: outcome.target, passed: outcome.passed, gates: outcome.gates, findings, inputs: report.inputs };
}

/** Patterns a finding's text names; the rest are counted, not listed. */
const PATTERNS_SHOWN = 5;

export function gateLine(g: GateResult): string {
  return `${g.gate}: ${g.value} (limit ${g.limit})`;
}

/** A failed gate: its line, then each command, pattern or finding behind it with its count and example. */
export function gateText(g: GateResult): string {
  const lines = [gateLine(g)];
  for (const f of g.failures ?? []) lines.push(`  ${f.what}: ${f.count}${f.example ? `, e.g. ${exampleText(f.example)}` : ''}`);
  return lines.join('\n');
}

export function findingLine(f: CiFinding): string {
  return `${f.id} (${f.severity}): ${count(f.count)}${f.allowed ? ', allowed by the allow-list' : ''}`;
}

export function findingText(f: CiFinding): string {
  const lines = [findingLine(f), f.message];
  const patterns = Object.entries(f.patterns);
  if (patterns.length) {
    const shown = patterns.slice(0, PATTERNS_SHOWN).map(([p, n]) => `${p} (${n})`).join(', ');
    lines.push(`patterns: ${shown}${patterns.length > PATTERNS_SHOWN ? `, and ${patterns.length - PATTERNS_SHOWN} more` : ''}`);
  }
  if (f.example) lines.push(`e.g. ${exampleText(f.example)}`);
  return lines.join('\n');
}

/**
 * Whether a finding reads as a failure: a blocker, not allowed, on a check that failed. On a check that
 * passed (its limits allow what was found) findings are information, so a green build shows no red case.
 */
export const findingFails = (check: CiCheck, f: CiFinding): boolean => !check.passed && !f.allowed && f.severity === 'blocker';

/** The capture file an example's node was read from, when it is known. */
export function exampleFile(check: CiCheck, e: CommandExample | undefined): string | undefined {
  return e ? check.inputs.find((i) => i.node === e.node)?.path : undefined;
}
