// `slotscope check`: thresholds over a report, for CI. Each gate says its value and its limit, so a red
// build says exactly what moved.
import type { Report } from './report.js';

export interface GateLimits {
  maxCrossSlotCommands: number;
  maxCrossSlotTransactions: number;
  maxCrossSlotScripts: number;
  maxSkippedLines?: number;
  /** Fail when the verdict is `blocked`, or already at `ready with changes`. */
  failOn: 'blocked' | 'changes';
}

export interface GateResult {
  gate: string;
  value: number | string;
  limit: number | string;
  passed: boolean;
}

const VERDICT_RANK = { ready: 0, 'ready with changes': 1, blocked: 2 } as const;

export function checkGates(r: Report, limits: GateLimits): GateResult[] {
  const gates: GateResult[] = [
    { gate: 'verdict', value: r.verdict.status, limit: limits.failOn === 'blocked' ? 'not blocked' : 'ready', passed: VERDICT_RANK[r.verdict.status] < (limits.failOn === 'blocked' ? 2 : 1) },
    { gate: 'cross-slot commands', value: r.totals.crossSlotCommands, limit: limits.maxCrossSlotCommands, passed: r.totals.crossSlotCommands <= limits.maxCrossSlotCommands },
    { gate: 'cross-slot transactions', value: r.totals.crossSlotTransactions, limit: limits.maxCrossSlotTransactions, passed: r.totals.crossSlotTransactions <= limits.maxCrossSlotTransactions },
    { gate: 'cross-slot script calls', value: r.totals.crossSlotScripts, limit: limits.maxCrossSlotScripts, passed: r.totals.crossSlotScripts <= limits.maxCrossSlotScripts },
  ];
  if (limits.maxSkippedLines !== undefined) gates.push({ gate: 'skipped lines', value: r.totals.skippedLines, limit: limits.maxSkippedLines, passed: r.totals.skippedLines <= limits.maxSkippedLines });
  return gates;
}

export function renderGates(gates: GateResult[]): string {
  return gates.map((g) => `${g.passed ? 'PASS' : 'FAIL'}  ${g.gate}: ${g.value} (limit ${g.limit})`).join('\n') + '\n';
}
