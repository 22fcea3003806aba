// Markdown and HTML reports: the same figures as the JSON report, keys that stay text (a key is user data:
// `<script>`, `|` and backticks in one must not become markup), and charts that add up.
import { marked } from 'marked';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { slotscope } from '../helpers/cli.js';
import { captureTraffic, type RedisServer, startRedis } from '../helpers/redis.js';

const HOSTILE = '<script>alert(1)</script>|`x`';

describe('markdown and html reports', () => {
  let server: RedisServer;
  let capture: string;
  let report: Report;

  beforeAll(async () => {
    server = await startRedis();
    capture = await captureTraffic(server, async () => {
      const c = server.client();
      for (let i = 0; i < 40; i++) await c.set(`user:${i}:name`, 'n');
      await c.mset(HOSTILE, '1', 'other', '2'); // cross-slot, so it is the example
      c.disconnect();
    });
    const r = slotscope(['analyze', '-f', 'json', capture]);
    expect(r.status).toBe(0);
    report = JSON.parse(r.stdout) as Report;
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('renders HTML as one page whose slot charts add up to the report, with keys escaped', () => {
    const out = slotscope(['analyze', '-f', 'html', capture]);
    expect(out.status).toBe(0);
    const html = out.stdout;
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i); // the key shows as text, and the page has no scripts of its own
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;|`x`');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // self-contained
    // Each chart's bars carry their binned value: they sum to the report's per-slot totals.
    const charts = html.split('<figure>').slice(1).map((f) => [...f.matchAll(/data-value="([\d.]+)"/g)].reduce((t, m) => t + Number(m[1]), 0));
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    expect(charts[0]).toBe(sum(report.slots.ops));
    expect(charts[1]).toBe(sum(report.slots.keys));
    expect(charts[0]).toBe(42); // 40 SETs, and the MSET once in each of its two slots
    expect(html).toContain(report.verdict.status.toUpperCase());
  });

  it('renders Markdown with the same findings, and a hostile key that cannot break a table', () => {
    const out = slotscope(['analyze', '-f', 'markdown', capture]);
    expect(out.status).toBe(0);
    const md = out.stdout;
    const lines = md.split('\n');
    const head = lines.findIndex((l) => l.startsWith('| severity |'));
    const end = lines.indexOf('', head);
    const findingRows = lines.slice(head + 2, end);
    expect(findingRows.map((l) => l.split(' | ')[1])).toEqual(report.findings.map((f) => f.id));
    const example = findingRows.find((l) => l.includes('cross-slot-command'))!;
    // Every cell separator is a real one: the key's own `|` is escaped, so the row keeps 6 cells.
    expect(example.split(/(?<!\\)\|/).length - 2).toBe(6);
    // In a code span: a GFM renderer shows the key as text, never as an element.
    expect(example).toContain('``mset "<script>alert(1)</script>\\|`x`" ? "other" ?``');
    const html = marked.parse(md, { gfm: true, async: false });
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('<code>mset &quot;&lt;script&gt;alert(1)&lt;/script&gt;|`x`&quot; ? &quot;other&quot; ?</code>');
  });
});
