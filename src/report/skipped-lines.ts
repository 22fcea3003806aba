// The stderr notes on unreadable input that `analyze`, `check` and `plan` print: an empty input, what ingest let
// pass (trailing gzip bytes, CRLF line endings, a forced format that read nothing), the first few
// skipped lines with file:line and reason, and how many were skipped in all.
import type { KeyRedactor } from '../analyze/redact-keys.js';
import type { InputStats } from '../ingest/input-stats.js';

const SHOWN = 3;

type ReadInput = Pick<InputStats, 'path' | 'format' | 'notes' | 'firstSkipped' | 'skippedCount'>;

/** Under --redact-keys the inputs' skip reasons are redacted already (src/summary/redact-summary.ts, redactedReasons). */
export function skippedLinesNotes(inputs: readonly ReadInput[]): string {
  let out = '';
  for (const input of inputs) {
    if (input.format === 'empty') out += `slotscope: ${input.path}: empty input\n`;
    for (const note of input.notes) out += `slotscope: ${input.path}: ${note}\n`;
    for (const s of input.firstSkipped.slice(0, SHOWN)) out += `slotscope: ${input.path}:${s.line}: ${s.reason}\n`;
    if (input.skippedCount > SHOWN) out += `slotscope: ${input.path}: ${input.skippedCount} lines skipped in all\n`;
  }
  return out;
}

/** An input's skip reasons redacted (they may quote the line's text). */
export function redactedReasons(input: ReadInput, redactor: KeyRedactor): ReadInput {
  return { path: input.path, format: input.format, notes: input.notes, skippedCount: input.skippedCount, firstSkipped: input.firstSkipped.map((s) => ({ ...s, reason: redactor.reason(s.reason) })) };
}

/** What a plan made with skipped lines says at its head. */
export const skippedNote = (lines: number): string =>
  `${lines} input line${lines === 1 ? '' : 's'} could not be read and ${lines === 1 ? 'is' : 'are'} in none of these figures (stderr named the first; \`--strict\` fails on them)`;
