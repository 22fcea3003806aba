// `check --baseline`: fail only on what got worse than an earlier run (main's). A command or key pattern
// newly cross-slot, a new finding, a cross-slot rate up by more than the tolerance, skew up by more than
// its bound. What the allow-list accepts is left out here too.
import type { KeyRedactor } from '../analyze/redact-keys.js';
import { findTarget } from '../analyze/targets.js';
import { InputError } from '../ingest/input-error.js';
import { redactReport } from '../report/redact-report.js';
import type { Report } from '../report/report.js';
import { failure, type GateFailure, type GateResult } from '../report/gates.js';
import { type Allowance, commandAllowed, proxySplits } from './allowance.js';
import { patternExamples } from './pattern-example.js';
import { diffReports } from './report-diff.js';
import { round } from './skew.js';
import { significantPercent } from '../report/format-numbers.js';

export interface BaselineLimits {
  /** Absolute share points a cross-slot rate may rise by (0.01: from 2% to 3%). */
  tolerance: number;
  /** Relative rise of the skew figure allowed (0.25: from 1.2 to 1.5). */
  maxSkewIncrease: number;
  shards?: number;
}

export const BASELINE_DEFAULTS = { tolerance: 0.01, maxSkewIncrease: 0.25 } as const;

/**
 * The baseline as this run can compare it, or a refusal naming the file. Another target judges SORT and
 * proxy-split commands differently: refused unless neither run has any command whose judgement differs.
 * A plain baseline beside a redacted run is redacted with this run's secret; a redacted baseline beside a
 * plain run cannot be compared (its hashes are not reversible), nor two made with different kinds of secret.
 */
export function comparableBaseline(base: Report, now: Report, file: string, redactor: KeyRedactor | null): Report {
  if (base.target.id !== now.target.id) {
    const known = findTarget(base.target.id) !== undefined;
    const differ = targetRuleCommands(base.target.id, now.target.id);
    const used = [...new Set([base, now].flatMap((r) => Object.keys(r.commands)).filter((c) => differ.has(c)))];
    if (!known) throw new InputError(`made for --target ${base.target.id}, which this version does not know: make both with one --target`, file);
    if (used.length > 0) throw new InputError(`made for --target ${base.target.id}, this run for ${now.target.id}, which judge ${used.join(', ')} differently: make both with one --target`, file);
  }
  if (base.redacted && !now.redacted) throw new InputError('made with --redact-keys and this run without: its hashed patterns cannot be compared with plain ones (add --redact-keys with the same secret)', file);
  if (!base.redacted && redactor) return redactReport(base, redactor);
  if (base.redacted && now.redacted && base.redacted.secret !== now.redacted.secret) throw new InputError(`redacted with ${base.redacted.secret === 'given' ? 'a secret of its own' : 'the default secret'}, this run with ${now.redacted.secret === 'given' ? 'a secret of its own' : 'the default secret'}: the hashes cannot match`, file);
  return base;
}

/** Commands two targets judge differently: SORT when their SORT rules differ, and those one proxy splits or fans out and the other does not. */
function targetRuleCommands(a: string, b: string): Set<string> {
  const x = findTarget(a);
  const y = findTarget(b);
  if (!x || !y) return new Set();
  const out = new Set<string>();
  if (x.sort !== y.sort) out.add('sort').add('sort_ro');
  for (const [p, q] of [[x.proxySplits, y.proxySplits], [x.allShards, y.allShards]] as const) for (const c of [...p, ...q]) if (!p.includes(c) || !q.includes(c)) out.add(c);
  return out;
}

export function baselineGates(base: Report, now: Report, a: Allowance, limits: BaselineLimits): GateResult[] {
  const d = diffReports(base, now, limits.shards);
  const split = proxySplits(now);
  const example = patternExamples(now);
  const commands = d.crossSlot.added.filter((c) => !commandAllowed(a, c.name, split)).map((c) => failure(c.name, c.new!.crossSlot, c.example));
  const findings = d.findings.added.filter((f) => !a.findings.has(f.id)).map((f) => failure(`${f.id} (${f.severity})`, f.new, f.example));
  const patterns = d.patterns.added
    .filter((p) => !a.findings.has(p.finding) && !a.patterns.get(p.finding)?.has(p.pattern))
    .map((p) => failure(`${p.finding}: ${p.pattern}`, p.count, example(p.pattern, p.finding)));
  const newlyCrossSlot = new Set(d.crossSlot.added.map((c) => c.name));
  const rises: (GateFailure & { rise: number })[] = [];
  for (const r of d.rates) {
    if (r.command && (newlyCrossSlot.has(r.name) || commandAllowed(a, r.name, split))) continue;
    // Compared as shown (6 digits): 3% - 2% is exactly one point, not 0.010000000000000002.
    const rise = round((r.new ?? 0) - (r.old ?? 0));
    if (rise > limits.tolerance) rises.push({ ...failure(`${r.name}: ${pct(r.old)} -> ${pct(r.new)}`, r.count, r.example), rise });
  }
  const worst = rises.reduce((m, r) => Math.max(m, r.rise), 0);
  const { old: so, new: sn } = d.skew;
  const skewRise = round(Math.max(0, so.value > 0 ? sn.value / so.value - 1 : 0));
  const gates: GateResult[] = [
    { gate: 'commands newly cross-slot', value: commands.length, limit: 0, passed: commands.length === 0, failures: commands },
    { gate: 'new findings', value: findings.length, limit: 0, passed: findings.length === 0, failures: findings },
    { gate: 'new key patterns under findings', value: patterns.length, limit: 0, passed: patterns.length === 0, failures: patterns },
    { gate: 'cross-slot rate rise', value: round(worst), limit: limits.tolerance, passed: rises.length === 0, failures: rises.map(({ rise: _, ...f }) => f) },
    {
      gate: `skew rise (${d.skew.basis}: ${so.value} -> ${sn.value})`,
      value: skewRise,
      limit: limits.maxSkewIncrease,
      passed: skewRise <= limits.maxSkewIncrease,
      failures: sn.busiest ? [{ what: sn.busiest.what, count: sn.busiest.ops }] : [],
    },
  ];
  return gates;
}

const pct = (share: number | null): string => (share === null ? 'none' : significantPercent(share, 6));
