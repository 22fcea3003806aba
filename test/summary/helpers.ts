// What the summary tests share: the CLI's JSON report with what a merge cannot reproduce taken out.
import { expect } from 'vitest';
import { slotscope } from '../helpers/cli.js';

/**
 * The report as JSON, without the hot slots' key samples: for summaries that split one node's inputs, whose
 * per-node Space-Saving sketches then merge to bounds (a summary per node merges them exactly).
 */
export function comparable(json: string): unknown {
  const r = JSON.parse(json) as { skew: { hotSlots: { keys?: unknown }[] }; topKeys?: unknown };
  for (const h of r.skew.hotSlots) delete h.keys;
  // Past its 1,000 counters a Space-Saving sketch merges to other counts within the same bounds (ops - error
  // <= true <= ops), not to the counts one pass gives: test/analyze/report-aggregates.test.ts holds those bounds.
  delete r.topKeys;
  return r;
}

/** Runs the CLI and expects success with no notice on stderr but the given ones; returns stdout. */
export function ok(args: string[], notices: string[] = []): string {
  const r = slotscope(args);
  expect(r.stderr.split('\n').filter((l) => l.startsWith('slotscope: ') && !l.includes('manifest'))).toEqual(notices);
  expect(r.status).toBe(0);
  return r.stdout;
}
