// Reads an earlier run's report JSON for `check --baseline` and `diff`: the one place a stored run comes
// back in, so a summary (`slotscope.summary/2`) is accepted here too, as the report a merge of it makes.
import { readFileSync } from 'node:fs';
import { InputError } from '../ingest/input-error.js';
import { buildReport, REPORT_SCHEMA, type Report } from '../report/report.js';
import { mergeSummaries } from '../summary/merge-summaries.js';
import { isSummaryFile, readSummaryFile } from '../summary/read-summary.js';

export function readReport(path: string): Report {
  if (isSummaryFile(path)) return summaryReport(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot read it', path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // V8's own message quotes the file's bytes (a config file's password, a terminal's escape codes): not shown.
    const at = /position (\d+)/.exec((err as Error).message);
    const cut = /end of JSON input/.test((err as Error).message) || (at !== null && Number(at[1]) >= text.trimEnd().length);
    throw new InputError(cut ? 'not JSON: it ends too soon (cut short?)' : 'not JSON', path, jsonErrorLine(text, err as Error));
  }
  const schema = (json as { schema?: unknown } | null)?.schema;
  if (schema === REPORT_SCHEMA) return checkedReport(json as Report, path);
  throw new InputError(`schema ${typeof schema === 'string' ? JSON.stringify(schema) : 'missing'}: expected a report made by \`slotscope analyze -f json\` (${REPORT_SCHEMA})`, path);
}

/** The report `slotscope merge` makes of the one summary (redacted when the summary is). */
function summaryReport(path: string): Report {
  const m = mergeSummaries([{ summary: readSummaryFile(path), name: path }]);
  return buildReport(m.analysis, m.plan.result(), m.topology ?? undefined, [...m.warnings, ...m.guessed], m.redaction ?? undefined);
}

/**
 * What the comparisons read, in the shapes they read it: a truncated or hand-edited report fails here with
 * the first field that is wrong, not as a TypeError (exit 3) later.
 */
function checkedReport(r: Report, path: string): Report {
  const missing = (['target', 'verdict', 'findings', 'totals', 'commands', 'skew', 'nodes', 'slots'] as const).filter((k) => typeof r[k] !== 'object' || r[k] === null);
  if (missing.length > 0) throw new InputError(`not a complete report: no ${missing.join(', ')}`, path);
  const wrong = firstWrong(r);
  if (wrong) throw new InputError(`not a complete report: ${wrong} is not as \`slotscope analyze -f json\` writes it`, path);
  return r;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): boolean => typeof v === 'number';
const numbers = (v: unknown): boolean => Array.isArray(v) && v.every(isNumber);

/** The first field, as a path, whose shape the comparisons cannot read; null when all are as written. */
function firstWrong(r: Report): string | null {
  const checks: [string, () => boolean][] = [
    ['target.id', () => typeof r.target.id === 'string'],
    ['verdict.status', () => typeof r.verdict.status === 'string'],
    ['findings', () => Array.isArray(r.findings) && r.findings.every((f) => isObject(f) && typeof f.id === 'string' && isNumber(f.count) && (f.patterns === undefined || isObject(f.patterns)))],
    ['totals', () => (['commands', 'keyedCommands', 'distinctKeys', 'crossSlotCommands', 'transactions', 'crossSlotTransactions', 'scriptCalls', 'crossSlotScripts', 'keyRecords'] as const).every((k) => isNumber(r.totals[k]))],
    ['commands', () => Object.values(r.commands).every((c) => isObject(c) && isNumber(c.calls) && isNumber(c.crossSlot))],
    ['nodes', () => Object.values(r.nodes).every((n) => isObject(n) && isNumber(n.ops))],
    ['skew', () => isNumber(r.skew.maxOps) && isNumber(r.skew.meanOps) && Array.isArray(r.skew.hotSlots) && r.skew.hotSlots.every(isObject)],
    ['slots', () => numbers(r.slots.ops) && numbers(r.slots.keys) && (r.slots.bytes === undefined || numbers(r.slots.bytes))],
    ['topology.primaries', () => r.topology === undefined || (isObject(r.topology) && Array.isArray(r.topology.primaries) && r.topology.primaries.every((p) => isObject(p) && typeof p.address === 'string' && Array.isArray(p.slots) && isNumber(p.ops)))],
  ];
  return checks.find(([, ok]) => !ok())?.[0] ?? null;
}

/** The line V8's "at position N" points to, when it gives one. */
function jsonErrorLine(text: string, err: Error): number | undefined {
  const at = /position (\d+)/.exec(err.message);
  if (!at) return undefined;
  let line = 1;
  for (let i = 0; i < Number(at[1]) && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
