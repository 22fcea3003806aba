// What the summary tests share: the CLI's JSON report with what a merge cannot reproduce taken out.
import { expect } from 'vitest';
import { slotscope } from '../helpers/cli.js';

/**
 * The report as JSON, without the hot slots' key samples: a Space-Saving sketch each run starts when a
 * slot stands out in its own traffic so far, so a merged one sums per-run sketches (counts are bounds).
 */
export function comparable(json: string): unknown {
  const r = JSON.parse(json) as { skew: { hotSlots: { keys?: unknown }[] }; topKeys?: unknown };
  for (const h of r.skew.hotSlots) delete h.keys;
  // Past its 1,000 counters a Space-Saving sketch merges to other counts within the same bounds (ops - error
  // <= true <= ops), not to the counts one pass gives: test/analyze/report-aggregates.test.ts holds those bounds.
  delete r.topKeys;
  return r;
}

/** Runs the CLI and expects success; returns stdout. */
export function ok(args: string[]): string {
  const r = slotscope(args);
  expect(r.stderr.split('\n').filter((l) => l.startsWith('slotscope: ') && !l.includes('manifest'))).toEqual([]);
  expect(r.status).toBe(0);
  return r.stdout;
}
