// Findings agree with the plan: `analyze` judges each cross-slot finding's fix by the plan summary's choice,
// and the verdict follows (a queue library fixed by its prefix setting is not "blocked").
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { DEFAULT_PLAN_OPTIONS, makePlan } from '../../src/plan/make-plan.js';
import { slotscope } from '../helpers/cli.js';

function analyze(sample: string): Report {
  const r = slotscope(['analyze', '-f', 'json', `samples/${sample}.monitor`]);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

const fixes = (r: Report): Record<string, string> => Object.fromEntries(r.findings.filter((f) => f.id.startsWith('cross-slot') || f.id === 'script-undeclared-keys').map((f) => [f.id, f.fix]));

describe('fix kinds by the plan', () => {
  it('calls BullMQ\'s cross-slot scripts a client setting, and the verdict ready with changes', () => {
    const r = analyze('queues');
    expect(fixes(r)).toEqual({ 'cross-slot-command': 'client', 'cross-slot-script': 'client', 'cross-slot-transaction': 'client', 'script-undeclared-keys': 'client' });
    expect(r.verdict.status).toBe('ready with changes');
  });

  it('calls an MSET of random keys a client-side fan-out, not a rename', () => {
    expect(fixes(analyze('benchmark'))).toEqual({ 'cross-slot-command': 'client' });
  });

  it('says rename only where the renames fix it, and app for transfers and undeclared keys', async () => {
    const r = analyze('app');
    expect(fixes(r)).toEqual({ 'cross-slot-command': 'app', 'cross-slot-script': 'app', 'cross-slot-transaction': 'rename', 'script-undeclared-keys': 'app' });
    expect(r.verdict.status).toBe('blocked');
    // The full plan judges the same way.
    const plan = await makePlan([{ path: 'samples/app.monitor', node: 'app' }], DEFAULT_PLAN_OPTIONS);
    expect(plan.fixKinds).toEqual(fixes(r));
    expect(plan.predicted.after.transactions).toBe(0);
  });
});

describe('check gates the verdict analyze reports', () => {
  it('on every sample, the verdict gate holds the verdict of analyze', () => {
    for (const sample of ['app', 'queues', 'shop', 'benchmark', 'readiness']) {
      const r = slotscope(['check', '-f', 'json', `samples/${sample}.monitor`]);
      const gate = (JSON.parse(r.stdout) as { gates: { gate: string; value: unknown }[] }).gates.find((g) => g.gate === 'verdict');
      expect({ sample, verdict: gate?.value }).toEqual({ sample, verdict: analyze(sample).verdict.status });
    }
  });
});
