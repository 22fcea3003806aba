// Properties of ingest over generated input: exact bytes through sdscatrepr escaping (MONITOR lines and
// quoted SCAN keys), and, for any cut or flipped capture, no throw anywhere from bytes to the analyzer,
// every line accounted for once, and skip reasons that never quote the line's bytes.
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analyze/analyzer.js';
import { gunzipMembers } from '../../src/ingest/gunzip-members.js';
import { InputStats } from '../../src/ingest/input-stats.js';
import { LineSplitter } from '../../src/ingest/line-splitter.js';
import { MonitorParser } from '../../src/ingest/monitor-parser.js';
import { lineHandler } from '../../src/ingest/read-input.js';
import { ScanLineParser } from '../../src/ingest/scan-parser.js';
import { repr } from '../../src/ingest/sdsrepr.js';

const PREFIX = '1795370304.301218 [0 10.0.0.1:5000] ';

/** Splits text into chunks at the given points, as a stream would deliver it. */
function chunked(text: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, text.length]) {
    chunks.push(Buffer.from(text.subarray(prev, p)));
    prev = p;
  }
  return chunks;
}

describe('sdscatrepr round trips', () => {
  it('bytes -> repr -> MONITOR line -> parse gives the same bytes, however the capture is chunked', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.uint8Array({ maxLength: 24 }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 6 }), (lines, cuts) => {
        const text = Buffer.from(`OK\n${lines.map((args) => PREFIX + args.map((a) => repr(a)).join(' ')).join('\n')}\n`, 'latin1');
        const parser = new MonitorParser();
        const got: string[][] = [];
        const splitter = new LineSplitter((buf, start, end, lineNo) => {
          const kind = parser.parse(buf, start, end, lineNo);
          if (kind === 'control') return;
          expect(kind).toBe('record');
          const r = parser.record;
          got.push(Array.from({ length: r.argc }, (_, i) => buf.toString('hex', r.start[i], r.end[i])));
        }, () => {});
        for (const c of chunked(text, cuts)) splitter.push(c);
        splitter.end();
        expect(got).toEqual(lines.map((args) => args.map((a) => Buffer.from(a).toString('hex'))));
      }),
      { numRuns: 1500 },
    );
  });

  it('bytes -> repr -> quoted SCAN line -> parse gives the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (key) => {
        const line = Buffer.from(repr(key), 'latin1');
        const parser = new ScanLineParser(true);
        expect(parser.parse(line, 0, line.length)).toBe(true);
        expect(line.subarray(parser.start, parser.end).toString('hex')).toBe(Buffer.from(key).toString('hex'));
      }),
      { numRuns: 3000 },
    );
  });
});

// Argument bytes drawn from letters no reason, command name or format word holds, so a reason that
// quotes any of them is seen.
const SECRET = fc.stringMatching(/^[QXZJ]{5,12}$/);
const COMMANDS = ['set', 'get', 'mset', 'sort', 'georadius', 'eval', 'zunionstore', 'xread', 'migrate', 'multi', 'exec', 'object', 'bitfield', 'spublish'];

const capture = fc.array(
  fc.tuple(fc.constantFrom(...COMMANDS), fc.array(SECRET, { maxLength: 8 }), fc.constantFrom('10.0.0.1:5000', '[::1]:6379', 'lua', 'unix:/tmp/r.sock')),
  { minLength: 1, maxLength: 12 },
).map((lines) => Buffer.from(`OK\n${lines.map(([cmd, args, client]) => `1795370304.301218 [0 ${client}] "${cmd}"${args.map((a) => ` "${a}"`).join('')}`).join('\n')}\n`, 'latin1'));

/** A capture damaged as files get damaged: bytes flipped, then cut short or with a stretch lost. */
const damaged = fc.tuple(capture, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(), fc.nat({ max: 24 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 5 })).map(([text, flips, cut, lost, keepTail, cuts]) => {
  const b = Buffer.from(text);
  for (const [at, byte] of flips) b[at % b.length] = byte;
  const end = cut % (b.length + 1);
  const bytes = keepTail ? Buffer.concat([b.subarray(0, Math.max(0, end - lost)), b.subarray(end)]) : b.subarray(0, end);
  return { bytes, cuts };
});

describe('damaged MONITOR captures', () => {
  it('never throw from bytes to the analyzer, count every line once, and quote nothing in reasons', () => {
    fc.assert(
      fc.property(damaged, ({ bytes, cuts }) => {
        const analyzer = new Analyzer();
        const stats = new InputStats('x.monitor', 'n');
        stats.format = 'monitor';
        const splitter = new LineSplitter(lineHandler('monitor', 'n', analyzer, stats), (line) => stats.skip(line, 'overlong'));
        for (const c of chunked(bytes, cuts)) splitter.push(c);
        splitter.end();
        analyzer.endInput('n');
        analyzer.finish();
        expect(stats.records + stats.skippedCount + stats.preamble).toBe(splitter.lines);
        expect(splitter.lines).toBe(bytes.length === 0 ? 0 : bytes.toString('latin1').split('\n').length - (bytes[bytes.length - 1] === 10 ? 1 : 0));
        for (const s of stats.firstSkipped) expect(s.reason).not.toMatch(/[QXZJ]{3}/);
        for (const reason of stats.skippedByReason.keys()) expect(reason).not.toMatch(/[QXZJ]{3}/);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('gzip members', () => {
  it('decode to the same bytes however the stream is chunked, members and trailing garbage included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 4 }), fc.uint8Array({ maxLength: 5 }), fc.array(fc.nat(), { maxLength: 8 }), async (members, tail, cuts) => {
        if (tail[0] === 0x1f) tail[0] = 0x20; // a tail that starts like a member is a corrupt member, not garbage
        const gz = Buffer.concat([...members.map((m) => gzipSync(m)), Buffer.from(tail)]);
        // Cut at every member boundary too, where the inflater ends exactly at a chunk's end.
        let at = 0;
        const boundaries = members.map((m) => (at += gzipSync(m).length));
        async function* chunks(): AsyncGenerator<Buffer> {
          yield* chunked(gz, [...cuts, ...boundaries, ...boundaries.map((b) => b - 8)]);
        }
        const out: Buffer[] = [];
        let trailing = -1;
        for await (const c of gunzipMembers(chunks(), 64, (n) => (trailing = n))) out.push(c);
        expect(Buffer.concat(out).toString('hex')).toBe(Buffer.concat(members).toString('hex'));
        expect(trailing).toBe(tail.some((b) => b !== 0) ? tail.length : -1);
      }),
      { numRuns: 500 },
    );
  });
});
