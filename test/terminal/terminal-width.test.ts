// The width, cut and wrap functions, and the table layout, over real reports of the samples (and of a
// capture whose keys and file name are not ASCII).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../src/analyze/analyze-inputs.js';
import { parseInputArg } from '../../src/ingest/read-input.js';
import { PlanSummary } from '../../src/plan/plan-summary.js';
import { buildReport, type Report } from '../../src/report/report.js';
import { reportSections } from '../../src/report/report-sections.js';
import { renderTable } from '../../src/report/table-report.js';
import { layoutTable } from '../../src/report/terminal-table.js';
import { cutToWidth, displayWidth, terminalSafe, wrapToWidth } from '../../src/report/terminal-width.js';

async function report(paths: string[]): Promise<Report> {
  const summary = new PlanSummary();
  const result = await analyzeInputs(paths.map((p) => parseInputArg(p)), { observer: summary.observer() });
  return buildReport(result, summary.result());
}

const QUICK_START = ['samples/app.monitor', 'samples/benchmark.monitor', 'samples/app-memory.csv'];
const WIDTHS = [40, 60, 80, 100, 160];
const oneWord = (l: string): boolean => !/\S\s+\S/.test(l.trim());

describe('display width', () => {
  it('counts East Asian wide characters and emoji as two columns and combining marks as none', () => {
    expect(displayWidth('user:1')).toBe(6);
    expect(displayWidth('用户:1')).toBe(6);
    expect(displayWidth('ｆｕｌｌ')).toBe(8);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('🔥x')).toBe(3);
  });

  it("shows a key's raw bytes escaped, so nothing reaches the terminal as a control", () => {
    const key = Buffer.from('用户:\x1b[2J\x07', 'utf8').toString('latin1');
    expect(terminalSafe(key)).toBe('\\xe7\\x94\\xa8\\xe6\\x88\\xb7:\\x1b[2J\\x07');
    expect(displayWidth(terminalSafe(key))).toBe(terminalSafe(key).length);
  });

  it('cuts to the width, never through a wide character, and marks the cut', () => {
    expect(cutToWidth('short', 10)).toBe('short');
    expect(cutToWidth('abcdefghij', 5)).toBe('abcd…');
    const cut = cutToWidth('数据数据数据', 6);
    expect(cut).toBe('数据…');
    expect(displayWidth(cut)).toBeLessThanOrEqual(6);
  });
});

describe('prose wrapped to the width', () => {
  it("wraps every finding's explanation with a hanging indent, keeping every word", async () => {
    const r = await report(QUICK_START);
    const messages = r.findings.map((f) => `${f.id}: ${f.message}`);
    expect(Math.max(...messages.map((m) => m.length))).toBeGreaterThan(300);
    for (const width of WIDTHS) {
      for (const m of messages) {
        const lines = wrapToWidth(m, width, '  ', '    ');
        for (const l of lines) expect(displayWidth(l) <= width || oneWord(l), `${width}: ${l}`).toBe(true);
        lines.slice(1).forEach((l) => expect(l).toMatch(/^ {4}\S/));
        expect(lines.join(' ').split(/\s+/).filter(Boolean)).toEqual(m.split(/\s+/).filter(Boolean));
      }
    }
  });

  it('lets a word longer than the line stand alone rather than break it', () => {
    const key = `k:${'x'.repeat(100)}`;
    expect(wrapToWidth(`a ${key} b`, 40, '  ', '    ')).toEqual(['  a', `    ${key}`, '    b']);
  });
});

describe('tables laid out for the width', () => {
  it("fits every section of the quick start's report, one line per row (plus one under it when the last columns move)", async () => {
    const r = await report(QUICK_START);
    for (const width of WIDTHS) {
      for (const s of reportSections(r)) {
        if (!s.table || s.table.rows.length === 0) continue;
        const lines = layoutTable(s.table, width);
        for (const l of lines) expect(displayWidth(l), `${width} ${s.title}: ${l}`).toBeLessThanOrEqual(width);
        // One line per row (and the head and its rule); the lines under them, for moved columns, are indented.
        const headed = s.table.head.some(Boolean) ? 2 : 0;
        expect(lines.filter((l) => !/^ {4}\S/.test(l))).toHaveLength(headed + s.table.rows.length);
        if (width >= 100) expect(lines).toHaveLength(headed + s.table.rows.length);
      }
    }
  });

  it('keeps numeric columns whole and cuts only text, with an ellipsis', async () => {
    const r = await report(QUICK_START);
    const cross = reportSections(r).find((s) => s.title.startsWith('Cross-slot commands'))!.table!;
    const lines = layoutTable(cross, 80);
    const mset = lines.find((l) => l.includes('mset'))!;
    expect(mset).toMatch(/^ {2}mset +300 {2}benchmark:1202 {2}mset "key:\d+" \?.*…$/);
    expect(displayWidth(mset)).toBe(80);
    // Wide enough, every cell is whole.
    const wide = layoutTable(cross, 200);
    cross.rows.forEach((r, i) => expect(wide[i + 2]).toMatch(new RegExp(`^  ${r[0]} +${r[1]}  ${r[2].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)));
  });

  it('aligns columns by display width when a file name is wide characters and a key is raw UTF-8 bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slotscope-width-'));
    const path = join(dir, '数据库-缓存.monitor');
    const key = '"\\xe7\\x94\\xa8\\xe6\\x88\\xb7:1"';
    // 40 reads make the key's slot hot, so the skew table names it: there it is the key itself, raw bytes.
    const gets = Array.from({ length: 40 }, (_, i) => `1700000001.${String(i).padStart(6, '0')} [0 127.0.0.1:5000] "get" ${key}\n`).join('');
    writeFileSync(path, `OK\n1700000000.000001 [0 127.0.0.1:5000] "mget" ${key} "b"\n${gets}`);
    const r = await report([path, 'samples/app.monitor']);
    const inputs = layoutTable(reportSections(r).find((s) => s.title === 'Inputs')!.table!, 100);
    const rows = inputs.filter((l) => l.includes('monitor'));
    expect(rows).toHaveLength(2);
    // The format column starts at the same terminal column on both rows (measured here on its own: CJK ideographs take two).
    const columns = (t: string): number => [...t].reduce((n, c) => n + (/[\u4e00-\u9fff]/.test(c) ? 2 : 1), 0);
    const formatAt = rows.map((l) => columns(l.slice(0, l.lastIndexOf('monitor  '))));
    expect(formatAt[0]).toBe(formatAt[1]);
    const text = renderTable(r, { width: 80 });
    expect(text).toContain('mget "\\xe7\\x94\\xa8\\xe6\\x88\\xb7:1" "b"');
    expect(text).toMatch(/^ {2}\d+ +41 .* \\xe7\\x94\\xa8\\xe6\\x88\\xb7:1 \(\d+\)$/m);
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\xff]/);
    for (const l of text.split('\n')) expect(displayWidth(l) <= 80 || oneWord(l), l).toBe(true);
  });
});
