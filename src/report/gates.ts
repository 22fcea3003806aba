// `slotscope check`: thresholds over a report, for CI. Each gate says its value and its limit, so a red
// build says exactly what moved. The gates fail closed: an input that yielded nothing, or mostly
// unreadable lines, fails the build rather than passing it for lack of evidence.
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
const KEY_DUMPS = new Set(['scan', 'scan-quoted', 'memory-csv']);

export function checkGates(r: Report, limits: GateLimits): GateResult[] {
  const gates: GateResult[] = [
    { gate: 'verdict', value: r.verdict.status, limit: limits.failOn === 'blocked' ? 'not blocked' : 'ready', passed: VERDICT_RANK[r.verdict.status] < (limits.failOn === 'blocked' ? 2 : 1) },
    { gate: 'cross-slot commands', value: r.totals.crossSlotCommands, limit: limits.maxCrossSlotCommands, passed: r.totals.crossSlotCommands <= limits.maxCrossSlotCommands },
    { gate: 'cross-slot transactions', value: r.totals.crossSlotTransactions, limit: limits.maxCrossSlotTransactions, passed: r.totals.crossSlotTransactions <= limits.maxCrossSlotTransactions },
    { gate: 'cross-slot script calls', value: r.totals.crossSlotScripts, limit: limits.maxCrossSlotScripts, passed: r.totals.crossSlotScripts <= limits.maxCrossSlotScripts },
    ...evidenceGates(r, limits),
  ];
  if (limits.maxSkippedLines !== undefined) gates.push({ gate: 'skipped lines', value: r.totals.skippedLines, limit: limits.maxSkippedLines, passed: r.totals.skippedLines <= limits.maxSkippedLines });
  return gates;
}

/** Gates on how much was read at all: a clean verdict over nothing is not a pass. */
function evidenceGates(r: Report, limits: GateLimits): GateResult[] {
  const gates: GateResult[] = [];
  const atLeast = `at least ${limits.minCommands}`;
  const keyDumps = r.inputs.some((i) => KEY_DUMPS.has(i.format));
  // An empty input has no format; it counts as the command capture it was most likely meant to be.
  if (!keyDumps || r.inputs.some((i) => !KEY_DUMPS.has(i.format))) gates.push({ gate: 'client commands read', value: r.totals.commands, limit: atLeast, passed: r.totals.commands >= limits.minCommands });
  if (keyDumps) gates.push({ gate: 'keys read', value: r.totals.keyRecords, limit: atLeast, passed: r.totals.keyRecords >= limits.minCommands });
  const barren = r.inputs.filter((i) => i.records === 0).length;
  gates.push({ gate: 'inputs with no records', value: barren, limit: 0, passed: barren === 0 });
  const skipped = r.totals.skippedLines;
  const read = skipped + r.inputs.reduce((t, i) => t + i.records, 0);
  const share = read === 0 ? 0 : skipped / read;
  gates.push({ gate: 'skipped share', value: Number(share.toPrecision(6)), limit: limits.maxSkippedShare, passed: share <= limits.maxSkippedShare });
  return gates;
}

export function renderGates(gates: GateResult[], mark = (passed: boolean): string => (passed ? 'PASS' : 'FAIL')): string {
  return gates.map((g) => `${mark(g.passed)}  ${g.gate}: ${g.value} (limit ${g.limit})`).join('\n') + '\n';
}
