// The stderr notes on unreadable input that `analyze` and `check` print: an empty input, what ingest let
// pass (trailing gzip bytes, CRLF line endings, a forced format that read nothing), the first few
// skipped lines with file:line and reason, and how many were skipped in all.
import type { InputStats } from '../ingest/input-stats.js';

const SHOWN = 3;

/** Under --redact-keys the inputs' skip reasons are redacted already (src/summary/redact-summary.ts). */
export function skippedLinesNotes(inputs: readonly InputStats[]): string {
  let out = '';
  for (const input of inputs) {
    if (input.format === 'empty') out += `slotscope: ${input.path}: empty input\n`;
    for (const note of input.notes) out += `slotscope: ${input.path}: ${note}\n`;
    for (const s of input.firstSkipped.slice(0, SHOWN)) out += `slotscope: ${input.path}:${s.line}: ${s.reason}\n`;
    if (input.skippedCount > SHOWN) out += `slotscope: ${input.path}: ${input.skippedCount} lines skipped in all\n`;
  }
  return out;
}
