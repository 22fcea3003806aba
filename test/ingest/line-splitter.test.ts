import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/ingest/line-splitter.js';

function split(chunks: Buffer[], maxLine?: number) {
  const lines: string[] = [];
  const overlong: [number, number][] = [];
  const s = new LineSplitter((b, st, en, n) => lines.push(`${n}:${b.toString('latin1', st, en)}`), (n, len) => overlong.push([n, len]), maxLine);
  for (const c of chunks) s.push(c);
  s.end();
  return { lines, overlong, count: s.lines };
}

describe('LineSplitter', () => {
  it('gives the same lines however the bytes are chunked', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-c\r]{0,6}$/), { maxLength: 12 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 10 }), (lines, trailing, cuts) => {
        const text = Buffer.from(lines.join('\n') + (trailing ? '\n' : ''), 'latin1');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let prev = 0;
        for (const p of [...points, text.length]) {
          chunks.push(text.subarray(prev, p));
          prev = p;
        }
        expect(split(chunks).lines).toEqual(split([text]).lines);
      }),
      { numRuns: 2000 },
    );
  });

  it('strips CRLF, keeps a last line without newline, and counts lines', () => {
    const r = split([Buffer.from('a\r\nb'), Buffer.from('c\r'), Buffer.from('\nlast')]);
    expect(r.lines).toEqual(['1:a', '2:bc', '3:last']);
    expect(r.count).toBe(3);
  });

  it('skips an overlong line, even one spread over chunks, and goes on', () => {
    const r = split([Buffer.from('ok\n0123'), Buffer.from('456789'), Buffer.from('abc\nnext\n')], 8);
    expect(r.lines).toEqual(['1:ok', '3:next']);
    expect(r.overlong).toEqual([[2, 13]]);
  });
});
