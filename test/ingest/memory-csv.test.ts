// The memory report reader, against the reports the tools write (rdbtools, redis-rdb-cli's rct -f mem,
// HDT3213/rdb, slotscope's own capture scan): exact key bytes, and every line accounted for.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/ingest/input-error.js';
import type { InputStats } from '../../src/ingest/input-stats.js';
import { readInput } from '../../src/ingest/read-input.js';
import type { KeyMeta } from '../../src/ingest/records.js';

const dir = mkdtempSync(join(tmpdir(), 'slotscope-memcsv-'));
let n = 0;
const RDBTOOLS = 'database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry\n';
const HDT = 'database,key,type,size,size_readable,element_count,encoding,expiration\n';

interface Read {
  keys: Buffer[];
  metas: KeyMeta[];
  stats: InputStats;
}
async function read(content: string | Buffer, maxLineBytes?: number): Promise<Read> {
  const path = join(dir, `r${n++}.csv`);
  writeFileSync(path, content);
  return readPath(path, maxLineBytes);
}
async function readPath(path: string, maxLineBytes?: number): Promise<Read> {
  const keys: Buffer[] = [];
  const metas: KeyMeta[] = [];
  const stats = await readInput(
    { path, node: 'n' },
    {
      command: () => {
        throw new Error('a memory report has no commands');
      },
      key: (buf, start, end, _node, meta) => {
        keys.push(Buffer.from(buf.subarray(start, end)));
        metas.push(meta!);
      },
    },
    { maxLineBytes },
  );
  return { keys, metas, stats };
}
/** wc -l, plus a last line without its newline. */
const lineCount = (b: Buffer): number => b.toString('latin1').split('\n').length - (b[b.length - 1] === 10 ? 1 : 0);
const accounted = (r: Read, content: string | Buffer): void => {
  const b = Buffer.isBuffer(content) ? content : Buffer.from(content, 'latin1');
  expect(r.stats.lines).toBe(lineCount(b));
  expect(r.stats.records + r.stats.skippedCount + r.stats.preamble).toBe(r.stats.lines);
};
const texts = (keys: Buffer[]): string[] => keys.map((k) => k.toString('latin1'));

describe('the reports of the tools people run on Redis 7 files', () => {
  it('HDT3213/rdb: keys, sizes, types and expiry as its own JSON output gives them', async () => {
    for (const name of ['listpack', 'stream_listpacks_1', 'memory']) {
      const csv = `test/fixtures/rdb/hdt3213/${name}.csv`;
      const r = await readPath(csv);
      expect(r.stats.format).toBe('memory-csv');
      const truth = JSON.parse(readFileSync(`test/fixtures/rdb/hdt3213/${name}.json`, 'utf8')) as { key: string; size: number; type: string; db: number; expiration?: string }[];
      expect(texts(r.keys).sort()).toEqual(truth.map((t) => t.key).sort());
      for (const t of truth) {
        const m = r.metas[texts(r.keys).indexOf(t.key)];
        expect(m).toEqual({ db: t.db, type: t.type, bytes: t.size, expiresAt: t.expiration ? Math.floor(Date.parse(t.expiration) / 1000) * 1000 : 0 });
      }
      accounted(r, readFileSync(csv));
    }
  });

  it('HDT3213/rdb largest-keys report (6 columns) is read by its header too; its prefix report is refused', async () => {
    const r = await readPath('test/fixtures/rdb/hdt3213/largest.csv');
    expect(texts(r.keys)).toEqual(['large', 'set', 'list', 'hash', 'zset']);
    expect(r.metas[0]).toEqual({ db: 0, type: 'string', bytes: 2608, expiresAt: 0 });
    await expect(readPath('test/fixtures/rdb/hdt3213/tree.csv')).rejects.toThrow(InputError);
    await expect(readPath('test/fixtures/rdb/hdt3213/tree.csv')).rejects.toThrow(/tree\.csv:1: not a per-key memory report/);
  });

  it('rdbtools: unquoted keys, quotes inside them are key bytes; a comma breaks the row and is skipped', async () => {
    const content = `${RDBTOOLS}0,string,a"b,10,raw,1,1,\n0,string,c,d,10,raw,1,1,\n3,hash,e,30,ziplist,2,4,2026-01-01T00:00:00\n`;
    const r = await read(content);
    expect(texts(r.keys)).toEqual(['a"b', 'e']);
    expect(r.metas[1]).toEqual({ db: 3, type: 'hash', bytes: 30, expiresAt: Date.UTC(2026, 0, 1) });
    expect(r.stats.firstSkipped).toEqual([{ line: 3, reason: 'expected 8 columns, got 9 (an unquoted key with a comma?)' }]);
    accounted(r, content);
  });

  it('rct -f mem: raw key bytes between quotes (quotes, commas, newlines unescaped), sizes with units', async () => {
    const content = `${RDBTOOLS}0,string,"plain","812 B",string,1,"5 B",""\n0,hash,"a"b,"c","1.2kB",ziplist,3,"10 B","2026-01-01 00:00:00.000"\n0,list,"two\nlines","3.4MB",quicklist,9,"1 B","1767225600000"\n`;
    const r = await read(content);
    expect(texts(r.keys)).toEqual(['plain', 'a"b,"c', 'two\nlines']);
    expect(r.metas.map((m) => m.bytes)).toEqual([812, 1200, 3_400_000]);
    expect(r.metas.map((m) => m.expiresAt)).toEqual([0, new Date(2026, 0, 1).getTime(), 1767225600000]);
    expect(r.stats.preamble).toBe(2); // the header, and the key's second line
    accounted(r, content);
  });

  it('slotscope capture scan: RFC 4180 quoted keys with doubled quotes', async () => {
    const content = `${RDBTOOLS}0,string,"say ""hi""",12,,,,\n0,set,"x,y",,,,,\n`;
    const r = await read(content);
    expect(texts(r.keys)).toEqual(['say "hi"', 'x,y']);
    expect(r.metas[1].bytes).toBeNull();
  });
});

describe('every line accounted for', () => {
  it('strips a UTF-8 BOM: the header is a header, not a key', async () => {
    const content = `\ufeff${HDT}3,k,string,64,64B,0,string,\n`;
    const r = await read(Buffer.from(content, 'utf8'));
    expect(r.stats.format).toBe('memory-csv');
    expect(texts(r.keys)).toEqual(['k']);
    expect(r.metas[0].db).toBe(3);
    expect(r.stats.preamble).toBe(1);
  });

  it('an unterminated quote loses only its own line', async () => {
    for (const [rows, skippedAt] of [
      [['0,"broken,string,64,64B,0,string,', '0,a,string,1,1B,0,string,', '0,b,string,2,2B,0,string,'], 2],
      [['0,a,string,1,1B,0,string,', '0,"b,string,2,2B,0,string,'], 3],
      [['0,"a,string,1,1B,0,string,', '0,"b",string,2,2B,0,string,', '0,"c",string,3,3B,0,string,'], 2],
    ] as const) {
      const content = HDT + rows.join('\n') + '\n';
      const r = await read(content);
      expect(r.stats.skippedCount, content).toBe(1);
      expect(r.stats.firstSkipped[0].line).toBe(skippedAt);
      expect(r.stats.firstSkipped[0].reason).toMatch(/^unterminated quote in column 2/);
      expect(r.keys).toHaveLength(rows.length - 1);
      accounted(r, content);
    }
  });

  it('a truncated rct row does not swallow the whole row after it as a key with a newline', async () => {
    const content = `${RDBTOOLS}0,string,"a","1 B",string,1,"1 B",""\n0,string,"trunc\n0,string,"b","2 B",string,1,"2 B",""\n`;
    const r = await read(content);
    expect(texts(r.keys)).toEqual(['a', 'b']);
    expect(r.stats.firstSkipped).toEqual([{ line: 3, reason: 'unterminated quote in column 3' }]);
    accounted(r, content);
  });

  it('a quoted key with a newline, a CRLF inside it, and CRLF line ends', async () => {
    const content = `${HDT}0,"a\r\nb",string,1,1B,0,string,\r\n0,"c\nd",string,2,2B,0,string,\r\n0,e,string,3,3B,0,string,`;
    const r = await read(content);
    expect(texts(r.keys)).toEqual(['a\r\nb', 'c\nd', 'e']);
    expect(r.stats.preamble).toBe(3);
    accounted(r, content);
  });

  it('counts empty lines as skipped, and a last line without a newline', async () => {
    const content = `${HDT}\n0,a,string,1,1B,0,string,\n\n\n0,b,string,1,1B,0,string,`;
    const r = await read(content);
    expect(r.keys).toHaveLength(2);
    expect(r.stats.skippedByReason.get('empty line')).toBe(3);
    accounted(r, content);
  });

  it('honours --max-line-bytes, for one long line and for a quoted field over many lines', async () => {
    const long = `${HDT}0,${'k'.repeat(5000)},string,1,1B,0,string,\n0,b,string,1,1B,0,string,\n`;
    const r = await read(long, 1000);
    expect(texts(r.keys)).toEqual(['b']);
    expect(r.stats.firstSkipped[0]).toEqual({ line: 2, reason: 'line of 5024 bytes is longer than the 1000-byte limit' });
    const spread = `${HDT}0,"${'k\n'.repeat(900)}",string,1,1B,0,string,\n0,b,string,1,1B,0,string,\n`;
    const s = await read(spread, 1000);
    expect(texts(s.keys)).toEqual(['b']);
    expect(s.stats.firstSkipped[0].reason).toMatch(/unterminated quote in column 2 \(the row would run past 1000 bytes\)/);
    accounted(s, spread);
  });

  it('never puts values in skip reasons', async () => {
    const content = `${HDT}SECRET,k,string,1,1B,0,string,\n0,k,string,SECRET,1B,0,string,\n0,k,string,1,1B,0,string,SECRET\n0,"SECRET"x,string,1,1B,0,string,\n0,SECRET,SECRET\n`;
    const r = await read(content);
    expect(r.stats.skippedCount).toBe(5);
    for (const s of r.stats.firstSkipped) expect(s.reason).not.toMatch(/SECRET/);
  });

  it('a 200 MB quoted field stays within bounded memory', () => {
    const script = `
      import { readInput } from './dist/src/ingest/read-input.js';
      import { Readable } from 'node:stream';
      const chunk = Buffer.alloc(1 << 20, 0x61);
      async function* gen() { yield Buffer.from('${HDT.trim()}\\n0,"'); for (let i = 0; i < 200; i++) yield chunk; yield Buffer.from('",string,1,1B,0,string,\\n0,b,string,1,1B,0,string,\\n'); }
      const stdin = Object.defineProperty(process, 'stdin', { value: Readable.from(gen()) });
      const stats = await readInput({ path: '-', node: 'n' }, { command() {}, key() {} });
      console.log(JSON.stringify({ records: stats.records, skipped: stats.skippedCount, lines: stats.lines, rss: process.resourceUsage().maxRSS }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    const out = JSON.parse(r.stdout) as { records: number; skipped: number; lines: number; rss: number };
    expect(out).toMatchObject({ records: 1, skipped: 1, lines: 3 });
    expect(out.rss / 1024).toBeLessThan(300);
  });
});

/** Go encoding/csv's fieldNeedsQuotes (HDT3213/rdb writes with it). */
const goQuote = (k: Buffer): Buffer => {
  const s = k.toString('latin1');
  const needs = s !== '' && (s === '\\.' || /[,"\r\n]/.test(s) || s[0] === ' ' || s[0] === '\t');
  return needs ? Buffer.from(`"${s.replace(/"/g, '""')}"`, 'latin1') : k;
};

describe('property: a key with any bytes, quoted as the tools quote it, reads back as the same bytes', () => {
  const anyKey = fc.uint8Array({ minLength: 0, maxLength: 40 }).map((a) => Buffer.from(a));
  it('HDT3213/rdb (Go encoding/csv), slotscope capture scan (always quoted), rct raw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyKey, { minLength: 1, maxLength: 5 }), async (keys) => {
        const hdt = Buffer.concat([Buffer.from(HDT), ...keys.flatMap((k) => [Buffer.from('0,'), goQuote(k), Buffer.from(',string,7,7B,0,string,\n')])]);
        const rfc = Buffer.concat([Buffer.from(RDBTOOLS), ...keys.flatMap((k) => [Buffer.from('0,string,"'), Buffer.from(k.toString('latin1').replace(/"/g, '""'), 'latin1'), Buffer.from('",7,,,,\n')])]);
        const rct = Buffer.concat([Buffer.from(RDBTOOLS), ...keys.flatMap((k) => [Buffer.from('0,string,"'), k, Buffer.from('","7 B",string,1,"7 B",""\n')])]);
        for (const content of [hdt, rfc, rct]) {
          const r = await read(content);
          expect(r.keys.map((k) => k.toString('hex'))).toEqual(keys.map((k) => k.toString('hex')));
          expect(r.metas.every((m) => m.bytes === 7)).toBe(true);
          accounted(r, content);
        }
      }),
      { numRuns: 150, seed: 20261201 },
    );
  });
});
