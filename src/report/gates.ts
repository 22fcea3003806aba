// `slotscope check`: thresholds over a report, for CI. Each gate says its value and its limit, and a failed
// one names what failed (commands, key patterns, finding ids) with a count and one example each, so a red
// build says exactly what moved. The gates fail closed: an input that yielded nothing, mostly unreadable
// lines, or mostly commands whose keys cannot be judged fails the build rather than passing it for lack of
// evidence.
import { type CommandExample, exampleText } from '../analyze/command-example.js';
import type { FindingId, Severity } from '../analyze/findings.js';
import { verdictOf, type VerdictStatus } from '../analyze/verdict.js';
import { SEVERITIES, VERDICT_VALUES } from '../gate/fail-on.js';
import { type Allowance, commandAllowed, NO_ALLOWANCE, patternsLeft, proxySplits } from '../gate/allowance.js';
import { type PatternExample, patternExamples } from '../gate/pattern-example.js';
import { round, skewOf } from '../gate/skew.js';
import type { Report } from './report.js';

export interface GateLimits {
  maxCrossSlotCommands: number;
  maxCrossSlotTransactions: number;
  maxCrossSlotScripts: number;
  maxSkippedLines?: number;
  /** Skipped lines over the lines that were records or skipped; above this the build fails. */
  maxSkippedShare: number;
  /** Client commands (MONITOR inputs) or keys (key dumps) each kind of input must yield at least. */
  minCommands: number;
  /** Commands no key spec describes (module commands), over client commands: their keys go unjudged (default 0.01). */
  maxUnknownShare?: number;
  /**
   * `blocked` / `changes`: the verdict (fail when blocked, or already at `ready with changes`); a severity:
   * any finding of it or worse; a finding id: that finding.
   */
  failOn: string | readonly string[];
  /** Cross-slot commands over keyed commands. */
  maxCrossSlotRate?: number;
  /** Busiest node (or slot) over the mean: see skewOf(). */
  maxSlotSkew?: number;
  shards?: number;
  /** Stale allow-list entries fail the build (--strict-allowlist). */
  strictAllowlist?: boolean;
}

/** What stands behind a failed gate: a command, a key pattern or a finding, with one example (keys only). */
export interface GateFailure {
  what: string;
  count: number;
  example?: CommandExample;
}

export interface GateResult {
  gate: string;
  value: number | string;
  limit: number | string;
  passed: boolean;
  failures?: GateFailure[];
}

const VERDICT_RANK: Record<VerdictStatus, number> = { ready: 0, 'ready with changes': 1, blocked: 2 };
const SEVERITY_RANK: Record<Severity, number> = { blocker: 2, warning: 1, info: 0 };
const KEY_DUMPS = new Set(['scan', 'scan-quoted', 'memory-csv']);
/** The findings each count gate counts (disjoint: a WATCH elsewhere is counted only when the block itself is in one slot). */
const TRANSACTION_FINDINGS: FindingId[] = ['cross-slot-transaction', 'watch-cross-slot'];
const SCRIPT_FINDINGS: FindingId[] = ['cross-slot-script'];

export interface GateContext {
  allowance?: Allowance;
  /** With a baseline, the absolute cross-slot counts give way to these regression gates (baseline.ts). */
  regressions?: GateResult[];
  /** The baseline's verdict: a verdict no worse than it passes. */
  baselineVerdict?: VerdictStatus;
}

export function checkGates(r: Report, limits: GateLimits, ctx: GateContext = {}): GateResult[] {
  const allowance = ctx.allowance ?? NO_ALLOWANCE;
  const failOnAll = typeof limits.failOn === 'string' ? [limits.failOn] : limits.failOn;
  const example = patternExamples(r);
  const gates: GateResult[] = [];
  const verdict = verdictGate(r, failOnAll, allowance, ctx.baselineVerdict);
  if (verdict) gates.push(verdict);
  if (ctx.regressions) gates.push(...ctx.regressions);
  else {
    const commands = crossSlotCommands(r, allowance);
    gates.push(
      { gate: 'cross-slot commands', value: total(commands), limit: limits.maxCrossSlotCommands, passed: total(commands) <= limits.maxCrossSlotCommands, failures: commands },
      findingCountGate('cross-slot transactions', r.totals.crossSlotTransactions, limits.maxCrossSlotTransactions, TRANSACTION_FINDINGS, r, allowance, example),
      findingCountGate('cross-slot script calls', r.totals.crossSlotScripts, limits.maxCrossSlotScripts, SCRIPT_FINDINGS, r, allowance, example),
    );
  }
  const failOn = failOnAll.filter((v) => !(VERDICT_VALUES as readonly string[]).includes(v));
  if (failOn.length > 0) gates.push(failOnGate(r, failOn, allowance));
  if (limits.maxCrossSlotRate !== undefined) {
    const commands = crossSlotCommands(r, allowance);
    const rate = round(r.totals.keyedCommands > 0 ? total(commands) / r.totals.keyedCommands : 0);
    gates.push({ gate: 'cross-slot rate (of keyed commands)', value: rate, limit: limits.maxCrossSlotRate, passed: rate <= limits.maxCrossSlotRate, failures: commands });
  }
  if (limits.maxSlotSkew !== undefined) {
    const s = skewOf(r, limits.shards);
    gates.push({ gate: `skew (${s.basis})`, value: s.value, limit: limits.maxSlotSkew, passed: s.value <= limits.maxSlotSkew, failures: s.busiest ? [{ what: s.busiest.what, count: s.busiest.ops }] : [] });
  }
  gates.push(...evidenceGates(r, limits, allowance));
  if (limits.maxSkippedLines !== undefined) gates.push({ gate: 'skipped lines', value: r.totals.skippedLines, limit: limits.maxSkippedLines, passed: r.totals.skippedLines <= limits.maxSkippedLines });
  if (limits.strictAllowlist) {
    const stale = allowance.stale.map((e) => ({ what: `${e.source}: ${describeEntry(e)}`, count: 0 }));
    gates.push({ gate: 'stale allow-list entries', value: stale.length, limit: 0, passed: stale.length === 0, failures: stale });
  }
  // Only a failed gate names what stands behind it: a passing one stays one line.
  return gates.map((g) => (g.passed || !g.failures?.length ? withoutFailures(g) : g));
}

function withoutFailures({ failures: _, ...g }: GateResult): GateResult {
  return g;
}

/** The verdict once the allowed findings are out: `blocked` by an allowed KEYS in an ops script no longer is. */
function verdictGate(r: Report, failOn: readonly string[], a: Allowance, baseline: VerdictStatus | undefined): GateResult | null {
  const changes = failOn.includes('changes');
  if (!changes && !failOn.includes('blocked')) return null;
  const left = r.findings.filter((f) => !a.findings.has(f.id));
  const v = left.length === r.findings.length ? r.verdict : verdictOf(left);
  const failRank = changes ? 1 : 2;
  const rank = VERDICT_RANK[v.status];
  const passed = rank < failRank || (baseline !== undefined && rank <= VERDICT_RANK[baseline]);
  const limit = `${changes ? 'ready' : 'not blocked'}${baseline !== undefined ? `, or no worse than the baseline's ${baseline}` : ''}`;
  const failures = v.decidedBy.map((id) => left.find((f) => f.id === id)!).map((f) => failure(f.id, f.count, f.example));
  return { gate: 'verdict', value: v.status, limit, passed, failures };
}

/** Each command's cross-slot calls the allow-list leaves, busiest first. */
function crossSlotCommands(r: Report, a: Allowance): GateFailure[] {
  const split = proxySplits(r);
  return Object.entries(r.commands)
    .filter(([name, c]) => c.crossSlot > 0 && !commandAllowed(a, name, split))
    .map(([name, c]) => failure(name, c.crossSlot, c.example))
    .sort((x, y) => y.count - x.count);
}

/** A count of transactions or script calls, less the findings allowed whole; failing, it names those findings and their patterns. */
function findingCountGate(gate: string, count: number, limit: number, ids: FindingId[], r: Report, a: Allowance, example: PatternExample): GateResult {
  const findings = r.findings.filter((f) => ids.includes(f.id));
  const allowed = findings.filter((f) => a.findings.has(f.id)).reduce((t, f) => t + f.count, 0);
  const value = Math.max(0, count - allowed);
  const failures: GateFailure[] = [];
  for (const f of findings) {
    if (a.findings.has(f.id)) continue;
    failures.push(failure(f.id, f.count, f.example));
    for (const [p, n] of patternsLeft(a, f)) failures.push(failure(`${f.id}: ${p}`, n, example(p, f.id)));
  }
  return { gate, value, limit, passed: value <= limit, failures };
}

function failOnGate(r: Report, failOn: string[], a: Allowance): GateResult {
  const severities = failOn.filter((v): v is Severity => (SEVERITIES as readonly string[]).includes(v));
  const floor = Math.min(...severities.map((s) => SEVERITY_RANK[s]));
  const hit = r.findings.filter((f) => !a.findings.has(f.id) && (failOn.includes(f.id) || SEVERITY_RANK[f.severity] >= floor));
  return { gate: 'findings to fail on', value: hit.length, limit: `none of ${failOn.join(', ')}`, passed: hit.length === 0, failures: hit.map((f) => failure(`${f.id} (${f.severity})`, f.count, f.example)) };
}

/** Gates on how much was read at all: a clean verdict over nothing is not a pass. */
function evidenceGates(r: Report, limits: GateLimits, a: Allowance): GateResult[] {
  const gates: GateResult[] = [];
  const atLeast = `at least ${limits.minCommands}`;
  const keyDumps = r.inputs.some((i) => KEY_DUMPS.has(i.format));
  // An empty input has no format; it counts as the command capture it was most likely meant to be.
  if (!keyDumps || r.inputs.some((i) => !KEY_DUMPS.has(i.format))) gates.push({ gate: 'client commands read', value: r.totals.commands, limit: atLeast, passed: r.totals.commands >= limits.minCommands });
  if (keyDumps) gates.push({ gate: 'keys read', value: r.totals.keyRecords, limit: atLeast, passed: r.totals.keyRecords >= limits.minCommands });
  const barren = r.inputs.filter((i) => i.records === 0);
  gates.push({ gate: 'inputs with no records', value: barren.length, limit: 0, passed: barren.length === 0, failures: barren.map((i) => ({ what: i.path, count: 0 })) });
  const skipped = r.totals.skippedLines;
  const read = skipped + r.inputs.reduce((t, i) => t + i.records, 0);
  const share = read === 0 ? 0 : skipped / read;
  gates.push({ gate: 'skipped share', value: round(share), limit: limits.maxSkippedShare, passed: share <= limits.maxSkippedShare });
  // A module's commands (JSON.MGET across slots fails in a cluster too) are not judged: beyond a small share
  // of the traffic, a clean verdict says little. An allow-listed command is accepted as it is.
  const unknown = Object.entries(r.unknownCommands).filter(([name]) => !a.commands.has(name));
  const unjudged = unknown.reduce((t, [, n]) => t + n, 0);
  const unknownShare = r.totals.commands === 0 ? 0 : unjudged / r.totals.commands;
  const maxUnknown = limits.maxUnknownShare ?? 0.01;
  gates.push({ gate: 'unknown commands share', value: round(unknownShare), limit: maxUnknown, passed: unknownShare <= maxUnknown, failures: unknown.map(([name, n]) => ({ what: name, count: n })) });
  return gates;
}

export function failure(what: string, count: number, example: CommandExample | undefined): GateFailure {
  return example ? { what, count, example } : { what, count };
}

const total = (fs: GateFailure[]): number => fs.reduce((t, f) => t + f.count, 0);

export function describeEntry(e: { finding?: string; command?: string; pattern?: string }): string {
  return [e.finding && `finding ${e.finding}`, e.command && `command ${e.command}`, e.pattern && `pattern ${e.pattern}`].filter(Boolean).join(', ');
}

/** Failures shown per gate in text; the JSON keeps them all. */
const SHOWN = 10;

export function renderGates(gates: GateResult[], mark = (passed: boolean): string => (passed ? 'PASS' : 'FAIL')): string {
  let out = '';
  for (const g of gates) {
    out += `${mark(g.passed)}  ${g.gate}: ${g.value} (limit ${g.limit})\n`;
    for (const f of (g.failures ?? []).slice(0, SHOWN)) out += `        ${f.what}${f.count > 0 ? `: ${f.count}` : ''}${f.example ? `, e.g. ${exampleText(f.example)}` : ''}\n`;
    if ((g.failures?.length ?? 0) > SHOWN) out += `        … and ${g.failures!.length - SHOWN} more (all in -f json)\n`;
  }
  return out;
}
