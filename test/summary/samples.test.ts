// Summaries of the bundled samples (real captures): per input, merged, equal the single run.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { slotscope } from '../helpers/cli.js';
import { comparable, ok } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'slotscope-summary-'));
// Every sample, the memory CSV under its own node; `app` scan and monitor apart so each node's inputs are adjacent.
const inputs = ['samples/app.monitor', 'samples/app.scan', 'samples/benchmark.monitor', 'samples/queues.monitor', 'samples/readiness.monitor', 'samples/shop.monitor', 'samples/benchmark-hot.monitor', 'mem=samples/app-memory.csv'];
const summaryOf = (input: string, i: number): string => {
  const file = join(dir, `s${i}.summary`);
  ok(['analyze', '--jobs', '1', '-f', 'json', '-o', join(dir, `r${i}.json`), '--summary-out', file, input]);
  return file;
};

describe('summaries of the samples', () => {
  const single = ok(['analyze', '--jobs', '1', '-f', 'json', ...inputs]);
  const summaries = inputs.map(summaryOf);

  it('merged, equal the single run over all inputs (JSON report)', () => {
    expect(comparable(ok(['merge', '-f', 'json', ...summaries]))).toEqual(comparable(single));
    // the findings, scripts and examples are real: the check is not vacuous
    const r = JSON.parse(single) as { findings: unknown[]; scripts: unknown[]; inputs: unknown[] };
    expect(r.findings.length).toBeGreaterThan(5);
    expect(r.scripts.length).toBeGreaterThan(0);
    expect(r.inputs).toHaveLength(inputs.length);
  });

  it('are accepted by analyze and check mixed with raw inputs', () => {
    const mixed = [summaries[0], summaries[1], ...inputs.slice(2, 5), ...summaries.slice(5)];
    expect(comparable(ok(['analyze', '-f', 'json', ...mixed]))).toEqual(comparable(single));
    const viaCheck = slotscope(['check', '-f', 'json', '--fail-on', 'blocked', ...mixed]);
    const direct = slotscope(['check', '-f', 'json', '--fail-on', 'blocked', ...inputs]);
    expect(viaCheck.status).toBe(direct.status);
    expect(JSON.parse(viaCheck.stdout)).toEqual(JSON.parse(direct.stdout));
  });

  it('merge is associative: (a+b)+c equals a+(b+c), summaries of merges included', () => {
    const [a, b, c] = [summaries.slice(0, 3), summaries.slice(3, 5), summaries.slice(5)];
    const ab = join(dir, 'ab.summary');
    const bc = join(dir, 'bc.summary');
    ok(['merge', '-f', 'json', '-o', '/dev/null', '--summary-out', ab, ...a, ...b]);
    ok(['merge', '-f', 'json', '-o', '/dev/null', '--summary-out', bc, ...b, ...c]);
    const left = ok(['merge', '-f', 'json', ab, ...c]);
    const right = ok(['merge', '-f', 'json', ...a, bc]);
    expect(comparable(left)).toEqual(comparable(right));
    expect(comparable(left)).toEqual(comparable(single));
  });

  it('--jobs 2 (one worker per node) gives the --jobs 1 report, byte for byte', () => {
    expect(ok(['analyze', '--jobs', '2', '-f', 'json', ...inputs])).toBe(single);
  });

  it('diff and check --baseline read a summary as the report it stands for', () => {
    const r = slotscope(['diff', '-f', 'json', join(dir, 'r0.json'), summaries[0]]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/"(added|removed)": \[\s*\{/);
  });

  it('plan refuses a summary with one line: its second pass needs the lines', () => {
    const r = slotscope(['plan', summaries[0]]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^slotscope: .*s0\.summary: a summary, not a capture: plan reads the captures twice.*\n$/);
  });

  it('a corrupt, truncated or wrong-version summary fails with exit 2 and one line naming it', () => {
    const good = readFileSync(summaries[2]);
    const bad = (name: string, bytes: Buffer): string => {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      return file;
    };
    const nl = good.indexOf(10);
    const cases: [string, RegExp][] = [
      [bad('cut.summary', good.subarray(0, good.length >> 1)), /corrupt summary: its gzip data is cut short or damaged$/],
      [bad('v2.summary', Buffer.concat([Buffer.from('slotscope.summary/2\n'), good.subarray(nl + 1)])), /summary version "slotscope.summary\/2": this slotscope reads slotscope.summary\/1/],
      [bad('flip.summary', Buffer.concat([good.subarray(0, nl + 30), Buffer.from('garbage'), good.subarray(nl + 37)])), /corrupt summary: /],
      [bad('empty.summary', Buffer.from('slotscope.summary/1\n')), /corrupt summary: /],
      [bad('part.summary', Buffer.concat([Buffer.from('slotscope.summary/1\n'), gzipSync('{"schema":"slotscope.summary/1"}')])), /not a complete summary: no analysis, plan, inputs/],
      [bad('state.summary', reencoded(good, (s) => ({ ...s, analysis: { ...s.analysis, ops: { at: 'AAA', values: '' } } }))), /corrupt summary: ops (cut short|malformed)$/],
      [bad('keys.summary', reencoded(good, (s) => ({ ...s, analysis: { ...s.analysis, keys: { entries: 'AAAAAAAAAAAAAAAA' } } }))), /corrupt summary: distinct keys (cut short|malformed)$/],
    ];
    for (const [file, reason] of cases) {
      for (const args of [['merge', file], ['analyze', file], ['diff', file, file]]) {
        const r = slotscope(args);
        expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
        expect(r.stderr.split('\n')).toHaveLength(2);
        expect(r.stderr).toContain(`slotscope: ${file}: `);
        expect(r.stderr.trimEnd()).toMatch(reason);
      }
    }
  });
});

/** The summary with its JSON changed by `edit`, gzip'd again under the same header. */
function reencoded(file: Buffer, edit: (s: { analysis: Record<string, unknown> }) => unknown): Buffer {
  const nl = file.indexOf(10);
  const json = JSON.parse(gunzipSync(file.subarray(nl + 1)).toString()) as { analysis: Record<string, unknown> };
  return Buffer.concat([file.subarray(0, nl + 1), gzipSync(JSON.stringify(edit(json)))]);
}
