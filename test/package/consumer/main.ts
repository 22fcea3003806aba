// Uses slotscope as a project depending on it would: only `from 'slotscope'`, under strict NodeNext, with
// the declarations the package ships. Each call is checked against what the bundled sample holds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import {
  analyze,
  captureMonitor,
  captureScan,
  checkGates,
  discover,
  type GateLimits,
  InputError,
  type LibraryInput,
  makePlan,
  parseRedisUrl,
  plan,
  PLAN_SCHEMA,
  type Plan,
  readPlan,
  renderPlanMarkdown,
  renderMarkdown,
  type Report,
  REPORT_SCHEMA,
  slotOfString,
  verify,
  verifyPlan,
} from 'slotscope';

const capture = readFileSync('app.monitor');
const inputs: LibraryInput[] = [{ node: 'app', data: Readable.from([capture]) }];
const report: Report = await analyze(inputs);
assert.equal(report.schema, REPORT_SCHEMA);
assert.equal(report.verdict.status, 'blocked');
assert.equal(report.inputs[0]?.records, 1768);
assert.ok(report.totals.crossSlotCommands > 0);
assert.match(renderMarkdown(report), /CROSSSLOT|cross-slot/i);

const limits: GateLimits = { maxCrossSlotCommands: 0, maxCrossSlotTransactions: 0, maxCrossSlotScripts: 0, maxSkippedShare: 0.01, minCommands: 1, failOn: 'blocked' };
const failed = checkGates(report, limits).filter((g) => !g.passed).map((g) => g.gate);
assert.ok(failed.length > 0);

const p: Plan = await plan(['app.monitor'], { shards: 3 });
assert.equal(p.schema, PLAN_SCHEMA);
assert.ok(p.predicted.fixed.transactions > 0);
assert.match(renderPlanMarkdown(p), /Runbook|runbook/);
const viaSpecs = await makePlan([{ path: 'app.monitor', node: 'app' }]);
assert.deepEqual(viaSpecs.predicted, p.predicted);

// The redis-cli docs' own example: CLUSTER KEYSLOT foo is 12182.
assert.equal(slotOfString('foo'), 12182);
assert.equal(parseRedisUrl('redis://127.0.0.1:7000').port, 7000);
for (const f of [captureMonitor, captureScan, discover, verify, verifyPlan, readPlan]) assert.equal(typeof f, 'function');

await assert.rejects(analyze([{ node: 'app', data: Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0]) }]), (e: unknown) => e instanceof InputError && /zstd-compressed/.test(e.message));

// "exports" keeps the modules behind the entry private.
const deep = 'slotscope/dist/src/slot/crc16.js';
await assert.rejects(import(deep), (e: NodeJS.ErrnoException) => e.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED');

console.log(JSON.stringify({ verdict: report.verdict.status, crossSlotCommands: report.totals.crossSlotCommands, failedGates: failed, renames: p.renames.length }));
