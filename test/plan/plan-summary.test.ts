import { describe, expect, it } from 'vitest';
import { PlanSummary, SUMMARY_SAMPLE } from '../../src/plan/plan-summary.js';
import type { TransactionEnd } from '../../src/analyze/transactions.js';

const transfer = (i: number): TransactionEnd => ({
  node: 'n', multiLine: i, execLine: i + 3, crossSlot: true, watchElsewhere: false, rendered: [],
  keys: [`account:${i}:balance`, `account:${i + 1}:balance`],
});

describe('PlanSummary observer', () => {
  it('unsets a hook once its sample is full, so the analyzer stops building key strings for it', () => {
    const summary = new PlanSummary();
    const hooks = summary.observer();
    for (let i = 0; i < SUMMARY_SAMPLE - 1; i++) hooks.transaction!(transfer(i));
    expect(hooks.transaction).toBeDefined();
    // A single-slot block is not part of the sample and does not fill it.
    hooks.transaction!({ ...transfer(0), crossSlot: false });
    expect(hooks.transaction).toBeDefined();
    hooks.transaction!(transfer(SUMMARY_SAMPLE));
    expect(hooks.transaction).toBeUndefined();
    expect(hooks.crossSlot).toBeDefined();
    expect(hooks.scriptCall).toBeDefined();
    // Every sampled block was counted: two accounts per block share no entity, so none is fixable by a tag.
    const { unfixable } = summary.result();
    expect(unfixable.reduce((n, u) => n + u.count, 0)).toBe(SUMMARY_SAMPLE);
  });
});
