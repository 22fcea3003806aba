// redactSummary() on a summary of real MONITOR lines (samples/queues.monitor: BullMQ's keys), for what the
// CLI tests cannot reach: a skip reason that quotes input text (no parser writes one today), and a queue
// library's keys still known as such once their words are hashed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../src/analyze/analyze-inputs.js';
import { KeyRedactor } from '../../src/analyze/redact-keys.js';
import { PlanSummary } from '../../src/plan/plan-summary.js';
import { mergeSummaries } from '../../src/summary/merge-summaries.js';
import { redactSummary } from '../../src/summary/redact-summary.js';
import { runSummary } from '../../src/summary/run-summary.js';

async function summaryOf(file: string): Promise<ReturnType<typeof runSummary>> {
  const plan = new PlanSummary();
  const analysis = await analyzeInputs([{ path: file, node: 'n', data: readFileSync(file) }], { observer: plan.observer() });
  return runSummary(analysis, plan, { topology: null, warnings: [], guessed: [] });
}

describe('redactSummary', () => {
  const k = new KeyRedactor('s3cret');

  it('takes the quoted input text out of skip reasons, counting reasons that then read alike together', async () => {
    const s = await summaryOf('samples/readiness.monitor');
    s.inputs[0].skippedByReason = [['bad key "walrus:1"', 1], ['bad key "walrus:2"', 2]];
    s.inputs[0].firstSkipped = [{ line: 3, reason: 'bad key "walrus:1"' }];
    const r = redactSummary(s, k);
    expect(r.inputs[0].skippedByReason).toEqual([['bad key "…"', 3]]);
    expect(r.inputs[0].firstSkipped).toEqual([{ line: 3, reason: 'bad key "…"' }]);
    expect(r.redaction).toEqual({ secret: 'given', check: k.check });
  });

  it("keeps a queue library's keys known as such: the short plan calls them a client setting, as unredacted", async () => {
    const s = await summaryOf('samples/queues.monitor');
    const plain = mergeSummaries([{ summary: s, name: 'plain' }]).plan.result();
    const redacted = mergeSummaries([{ summary: redactSummary(s, k), name: 'redacted' }]).plan.result();
    expect(plain.fixKinds['cross-slot-script']).toBe('client');
    expect(redacted.fixKinds).toEqual(plain.fixKinds);
    expect(redacted.unfixable.map((u) => [u.kind, u.count, u.patterns.map((p) => p.replace(/<h:[0-9a-f]{8}>/g, 'w'))])).toEqual(
      plain.unfixable.map((u) => [u.kind, u.count, u.patterns.map((p) => k.pattern(p).replace(/<h:[0-9a-f]{8}>/g, 'w'))]),
    );
    const values: string[] = [];
    JSON.stringify(redactSummary(s, k).plan, (_key, v: unknown) => (typeof v === 'string' && values.push(v), v));
    expect(values.filter((v) => /bull|wait|active|emails/.test(v))).toEqual([]);
  });
});
