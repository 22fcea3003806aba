// The report's answers to the next question, on the quick start's real captures (samples/, made by
// real clients against a real redis-server): the keys behind every hot slot, top keys, biggest keys,
// the capture's time span, and a memory report of a captured node folded into that node.
import { readFileSync } from 'node:fs';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { slotscope } from '../helpers/cli.js';

const QUICK_START = ['samples/app.monitor', 'samples/benchmark.monitor', 'app=samples/app-memory.csv'];

const json = (args: string[]): Report => {
  const r = slotscope(['analyze', '-f', 'json', ...args]);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Report;
};

/** MONITOR's `1700000000.123456` timestamps of client lines (not a script's `[0 lua]`), in microseconds. */
function clientTimes(path: string): number[] {
  return readFileSync(path, 'latin1')
    .split('\n')
    .filter((l) => /^\d+\.\d{6} \[\d+ [^\]l][^\]]*\]/.test(l))
    .map((l) => Number(l.slice(0, 10)) * 1e6 + Number(l.slice(11, 17)));
}

describe('the quick start report', () => {
  const report = json(QUICK_START);

  it('shows the memory report and the capture of app as one node with commands and bytes', () => {
    expect(Object.keys(report.nodes).sort()).toEqual(['app', 'benchmark']);
    expect(report.nodes.app.commands).toBeGreaterThan(1000);
    expect(report.nodes.app.bytes).toBe(report.totals.bytes);
    expect(report.totals.bytes).toBeGreaterThan(0);
    expect(report.nodes.benchmark.bytes).toBe(0);
  });

  it('names the keys of every hot slot, in JSON, the table and Markdown', () => {
    for (const h of report.skew.hotSlots) expect(h.keys.length).toBeGreaterThan(0);
    expect(report.skew.hotSlots[0]).toMatchObject({ slot: 5282, keys: [{ key: 'mylist', ops: 300 }] });
    const table = slotscope(['analyze', ...QUICK_START]).stdout;
    expect(table).toMatch(/^ {2}5282 +300 .* mylist \(300\)$/m);
    expect(table).toMatch(/^ {2}15306 +17 .* bull:emails:marker \(17\)$/m);
    const md = slotscope(['analyze', '-f', 'markdown', ...QUICK_START]).stdout;
    expect(md).toContain('| 5282 | 300 | 5.2% | `mylist (300)` |');
  });

  it('lists top keys with bounds that hold against the capture itself', () => {
    const top = report.topKeys!;
    expect(top.counters).toBe(1000);
    expect(top.keys).toHaveLength(20);
    expect(top.keys[0]).toMatchObject({ key: 'mylist', slot: 5282 });
    // The true count, from the file: LPUSH mylist lines.
    const mylist = readFileSync('samples/benchmark.monitor', 'latin1').split('\n').filter((l) => l.includes('"mylist"')).length;
    expect(mylist).toBe(300);
    for (const k of top.keys.filter((x) => x.key === 'mylist')) {
      expect(k.ops).toBeGreaterThanOrEqual(mylist);
      expect(k.ops - k.error).toBeLessThanOrEqual(mylist);
    }
  });

  it('lists the biggest keys of the memory report, biggest first', () => {
    const rows = readFileSync('samples/app-memory.csv', 'latin1').trim().split('\n');
    const head = rows[0].split(',');
    const [keyCol, sizeCol] = [head.indexOf('key'), head.indexOf('size_in_bytes')];
    const sizes = rows.slice(1).map((r) => r.split(',')).map((c) => ({ key: c[keyCol].replace(/^"|"$/g, ''), bytes: Number(c[sizeCol]) }));
    const expected = sizes.sort((a, b) => b.bytes - a.bytes).slice(0, 20).map((s) => s.bytes);
    expect(report.biggestKeys!.map((k) => k.bytes)).toEqual(expected);
    expect(report.biggestKeys![0]).toMatchObject({ key: sizes[0].key, node: 'app' });
  });

  it('gives the time span and commands/s, overall and per node, from the MONITOR timestamps', () => {
    for (const [node, file] of [['app', 'samples/app.monitor'], ['benchmark', 'samples/benchmark.monitor']]) {
      const times = clientTimes(file);
      const span = report.nodes[node].timeSpan!;
      expect(span.commands).toBe(report.nodes[node].commands);
      expect(span.commands).toBe(times.length);
      expect(Date.parse(span.first) * 1000 + Number(span.first.slice(23, 26))).toBe(Math.min(...times));
      expect(span.seconds).toBeCloseTo((Math.max(...times) - Math.min(...times)) / 1e6, 6);
      expect(span.commandsPerSecond).toBeCloseTo(times.length / span.seconds, 6);
    }
    const all = report.timeSpan!;
    expect(all.commands).toBe(report.totals.commands);
    expect(all.first).toBe(report.nodes.app.timeSpan!.first);
    expect(all.last).toBe(report.nodes.benchmark.timeSpan!.last);
    const table = slotscope(['analyze', ...QUICK_START]).stdout;
    expect(table).toMatch(/time span \(MONITOR\) +0\.75 s, 3,900 commands\/s/);
  });

  it('hides every key of the new sections with --redact-keys', () => {
    const redacted = json(['--redact-keys', ...QUICK_START]);
    const keys = [...redacted.topKeys!.keys, ...redacted.biggestKeys!].map((k) => k.key);
    expect(keys.length).toBe(40);
    for (const k of keys) expect(k).not.toMatch(/mylist|bull|user|session|key:/);
  });

  it('folds long Markdown sections in <details> that a GFM renderer still reads as tables', () => {
    const md = slotscope(['analyze', '-f', 'markdown', ...QUICK_START]).stdout;
    expect(md).toContain('<details>\n<summary>20 rows</summary>');
    const tables = marked.lexer(md, { gfm: true }).filter((t) => t.type === 'table');
    expect(tables.map((t) => (t as { header: { text: string }[] }).header[0].text)).toContain('key');
  });
});
