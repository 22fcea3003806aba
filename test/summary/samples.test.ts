// Summaries of the bundled samples (real captures): per input, merged, equal the single run.
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeSummary } from '../../src/summary/read-summary.js';
import type { RunSummary } from '../../src/summary/summary-format.js';
import { encodeSummary } from '../../src/summary/write-summary.js';
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

  it('merged with one named twice (by another path too), merge it once and say so, as analyze reads a file once', () => {
    const [a, b] = summaries;
    const other = join(dir, '.', '.', a.slice(dir.length + 1)).replace(dir, `${dir}/.`);
    const r = slotscope(['merge', '-f', 'json', a, b, a, other]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(ok(['merge', '-f', 'json', a, b]));
    expect(r.stderr).toBe(`slotscope: ${a}: given twice; merged once\nslotscope: ${other}: the same file as ${a}; merged once\n`);
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
      [bad('v1.summary', Buffer.concat([Buffer.from('slotscope.summary/1\n'), good.subarray(nl + 1)])), /summary version "slotscope.summary\/1": this slotscope reads slotscope.summary\/2/],
      [bad('flip.summary', Buffer.concat([good.subarray(0, nl + 30), Buffer.from('garbage'), good.subarray(nl + 37)])), /corrupt summary: /],
      [bad('empty.summary', Buffer.from('slotscope.summary/2\n')), /corrupt summary: /],
      [bad('part.summary', Buffer.concat([Buffer.from('slotscope.summary/2\n'), gzipSync('{"schema":"slotscope.summary/2"}\n')])), /not a complete summary: no analysis, plan, inputs/],
      // An array pointing past the bytes after the JSON, as a file cut inside them and gzip'd whole again.
      [bad('short.summary', Buffer.concat([Buffer.from('slotscope.summary/2\n'), gzipSync(gunzipped(good).subarray(0, -1))])), /corrupt summary: its arrays are cut short$/],
      [bad('state.summary', reencoded(good, (s) => ({ ...s, analysis: { ...s.analysis, ops: { at: new Uint8Array(3), values: new Uint8Array(0) } } }))), /corrupt summary: ops cut short$/],
      [bad('keys.summary', reencoded(good, (s) => ({ ...s, analysis: { ...s.analysis, keys: { entries: 'AAAAAAAAAAAAAAAA' } } }))), /corrupt summary: distinct keys malformed$/],
      // Redacted aggregates with no secret's check could not be told from another secret's: never merged.
      [bad('no-redaction.summary', reencoded(good, (s) => ({ ...s, analysis: { ...s.analysis, redactKeys: true } }))), /corrupt summary: made with --redact-keys, and no redaction$/],
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
    // Summaries are decoded as the merge takes them, after the raw inputs before them: another version is
    // refused before those are read (this raw input fails at its first line when read).
    const raw = bad('broken.monitor', Buffer.from('not a monitor line\n'));
    const r = slotscope(['analyze', raw, join(dir, 'v1.summary')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd()).toBe(`slotscope: ${join(dir, 'v1.summary')}: summary version "slotscope.summary/1": this slotscope reads slotscope.summary/2; make it again with this version`);
  });
});

describe('summaries of the samples made with --redact-keys', () => {
  const secret = join(dir, 'secret');
  writeFileSync(secret, 'fleet secret\n');
  const redact = ['--redact-keys', '--redact-secret-file', secret];
  const redactedSummary = (input: string, i: number): string => {
    const file = join(dir, `red${i}.summary`);
    ok(['analyze', '--jobs', '1', ...redact, '-f', 'json', '-o', '/dev/null', '--summary-out', file, input]);
    return file;
  };
  const summaries = inputs.map(redactedSummary);
  const FORMATS = ['json', 'table', 'markdown', 'html'];

  it('merged, give the report of one --redact-keys run, redacted once (hashes of words, not of hashes)', () => {
    const single = ok(['analyze', '--jobs', '1', ...redact, '-f', 'json', ...inputs]);
    const merged = ok(['merge', '-f', 'json', ...summaries]);
    expect(comparable(merged)).toEqual(comparable(single));
    const r = JSON.parse(merged) as { redacted: unknown; findings: { id: string; patterns: Record<string, number> }[]; biggestKeys: { key: string }[] };
    expect(r.redacted).toEqual({ secret: 'given' });
    const h = (word: string): string => `<h:${createHmac('sha256', 'fleet secret').update(word).digest('hex').slice(0, 8)}>`;
    // A pattern of one word and an id, as the unredacted run names it, shows that word's hash: redacted once.
    const plainPatterns = Object.keys((JSON.parse(ok(['merge', '-f', 'json', join(dir, 's0.summary')])) as typeof r).findings.find((f) => f.id === 'cross-slot-command')!.patterns);
    const word = plainPatterns.map((p) => /^([a-z]{3,}):<id>$/.exec(p)?.[1]).find((w) => w !== undefined)!;
    expect(Object.keys(r.findings.find((f) => f.id === 'cross-slot-command')!.patterns)).toContain(`${h(word)}:<id>`);
    expect(r.biggestKeys.length).toBeGreaterThan(5);
    // --jobs 2 redacts each worker's summary, then merges them: the same report.
    expect(comparable(ok(['analyze', '--jobs', '2', ...redact, '-f', 'json', ...inputs]))).toEqual(comparable(single));
  });

  it('merged, equal the unredacted merge redacted afterwards, byte for byte in every format: redaction commutes with merging', () => {
    const plain = join(dir, 'plain-all.summary');
    ok(['merge', '-f', 'json', '-o', '/dev/null', '--summary-out', plain, ...inputs.map((_, i) => join(dir, `s${i}.summary`))]);
    for (const f of FORMATS) expect(ok(['merge', '-f', f, ...summaries]), f).toBe(ok(['analyze', ...redact, '-f', f, plain]));
  });

  it('give, byte for byte in every format, the report of one --redact-keys run where the merge is exact', () => {
    // Without redis-benchmark's samples: their top keys pass the sketch's 1,000 counters (see comparable()).
    const exact = inputs.filter((i) => !i.includes('benchmark'));
    const parts = exact.map((input) => summaries[inputs.indexOf(input)]);
    for (const f of FORMATS) expect(ok(['merge', '-f', f, ...parts]), f).toBe(ok(['analyze', '--jobs', '1', ...redact, '-f', f, ...exact]));
  });

  it('mixed with raw inputs, redact those with the run\'s secret; check reads them too', () => {
    const mixed = [summaries[0], summaries[1], ...inputs.slice(2, 5), ...summaries.slice(5)];
    const single = ok(['analyze', '--jobs', '1', ...redact, '-f', 'json', ...inputs]);
    expect(comparable(ok(['analyze', ...redact, '-f', 'json', ...mixed]))).toEqual(comparable(single));
    // An unredacted summary is redacted on the way in.
    expect(comparable(ok(['analyze', ...redact, '-f', 'json', join(dir, 's0.summary'), ...summaries.slice(1)]))).toEqual(comparable(single));
    const viaCheck = slotscope(['check', ...redact, '-f', 'json', '--fail-on', 'blocked', ...mixed]);
    const direct = slotscope(['check', ...redact, '-f', 'json', '--fail-on', 'blocked', ...inputs]);
    expect(viaCheck.status).toBe(direct.status);
    expect(JSON.parse(viaCheck.stdout)).toEqual(JSON.parse(direct.stdout));
  });

  it('refuse, in one line naming the file (exit 2), a merge with unredacted ones or ones made with another secret', () => {
    const other = join(dir, 'other-secret.summary');
    ok(['analyze', '--jobs', '1', '--redact-keys', '-f', 'json', '-o', '/dev/null', '--summary-out', other, inputs[2]]);
    const refused = (args: string[], file: string, reason: RegExp): void => {
      const r = slotscope(args);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).toMatch(new RegExp(`^slotscope: ${file.replace(/[.]/g, '\\.')}: `));
      expect(r.stderr.trimEnd()).toMatch(reason);
    };
    refused(['merge', summaries[0], join(dir, 's1.summary')], join(dir, 's1.summary'), /not made with --redact-keys, unlike .*red0\.summary/);
    refused(['merge', join(dir, 's0.summary'), summaries[1]], summaries[1], /made with --redact-keys, unlike .*s0\.summary/);
    refused(['merge', summaries[0], other], other, /redacted with another secret than .*red0\.summary/);
    refused(['analyze', summaries[0], inputs[1]], inputs[1], /not made with --redact-keys, unlike .*red0\.summary/);
    refused(['analyze', ...redact, other, inputs[1]], other, /redacted with another secret than this run's/);
    refused(['merge', '--redact-secret-file', secret, summaries[0], other], other, /redacted with another secret than --redact-secret-file/);
    expect(slotscope(['merge', '--redact-secret-file', secret, ...summaries.slice(0, 2)]).status).toBe(0);
    refused(['plan', summaries[0]], summaries[0], /a summary, not a capture/);
  });
});

/** The summary with its state changed by `edit`, written again as slotscope writes it. */
function reencoded(file: Buffer, edit: (s: { analysis: Record<string, unknown> }) => unknown): Buffer {
  const summary = decodeSummary(file, 'good.summary') as unknown as { analysis: Record<string, unknown> };
  return encodeSummary(edit(summary) as RunSummary);
}

/** What the summary's gzip holds: its JSON, a newline, its arrays' bytes. */
function gunzipped(file: Buffer): Buffer {
  return gunzipSync(file.subarray(file.indexOf(10) + 1));
}
