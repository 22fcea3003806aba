// The result of `check` as data (`slotscope.check/2`): every format and CI writer renders from it.
import type { FindingId, Severity } from '../analyze/findings.js';
import type { Report } from '../report/report.js';
import { describeEntry, type GateResult, renderGates } from '../report/gates.js';
import type { AllowedEntry, Allowance } from './allowance.js';
import type { AllowEntry } from './allowlist.js';

export const CHECK_SCHEMA = 'slotscope.check/2';

export interface CheckResult {
  schema: typeof CHECK_SCHEMA;
  target: Report['target'];
  passed: boolean;
  gates: GateResult[];
  /** Every finding of the run; `allowed` when the allow-list accepts it whole (it then fails no gate). */
  findings: { id: FindingId; severity: Severity; count: number; allowed?: true }[];
  allowed: AllowedEntry[];
  /** Entries that matched nothing in this run. */
  stale: AllowEntry[];
  /** Entries past their date: they allow nothing any more. */
  expired: AllowEntry[];
  allowlist?: string;
  baseline?: { file: string; target: Report['target']; verdict: string };
}

export function checkResult(r: Report, gates: GateResult[], a: Allowance, allowlist: string | null, baseline: { file: string; report: Report } | null): CheckResult {
  return {
    schema: CHECK_SCHEMA,
    target: r.target,
    passed: gates.every((g) => g.passed),
    gates,
    findings: r.findings.map((f) => ({ id: f.id, severity: f.severity, count: f.count, ...(a.findings.has(f.id) ? { allowed: true as const } : {}) })),
    allowed: a.allowed,
    stale: a.stale,
    expired: a.expired,
    ...(allowlist ? { allowlist } : {}),
    ...(baseline ? { baseline: { file: baseline.file, target: baseline.report.target, verdict: baseline.report.verdict.status } } : {}),
  };
}

export function renderCheckText(c: CheckResult, mark?: (passed: boolean) => string): string {
  let out = `Judged for ${c.target.label} (--target ${c.target.id})${c.baseline ? `, against the baseline ${c.baseline.file} (${c.baseline.verdict})` : ''}\n`;
  if (c.allowlist) out += `Allow-list ${c.allowlist}: ${c.allowed.length} allowing, ${c.expired.length} expired, ${c.stale.length} stale\n`;
  out += renderGates(c.gates, mark);
  for (const e of c.allowed) out += `ALLOWED  ${describeEntry(e)} (${e.source}): ${e.reason}${e.expires ? ` [until ${e.expires}]` : ''}\n${e.matched.map((m) => `        ${m.what}: ${m.count}\n`).join('')}`;
  for (const e of c.expired) out += `EXPIRED  ${describeEntry(e)} (${e.source}): expired on ${e.expires}; it allows nothing any more\n`;
  for (const e of c.stale) out += `STALE    ${describeEntry(e)} (${e.source}): matches nothing in this run; remove it (fails with --strict-allowlist)\n`;
  return out;
}
