// The plan's Markdown in a GFM renderer (marked): every table keeps its columns and every cell its text,
// with keys that hold pipes, backticks and bytes that are not text, sent by a real client.
import { marked, type Tokens } from 'marked';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_OPTIONS, makePlan, type Plan } from '../../src/plan/make-plan.js';
import { codeSpan, tableCode } from '../../src/report/markdown-code.js';
import { renderPlanMarkdown } from '../../src/report/plan-markdown.js';
import { captureTraffic, type RedisServer, startRedis } from '../helpers/redis.js';

/** A cell's text as a reader sees it: the code spans' contents, joined. */
function cellText(cell: Tokens.TableCell): string {
  return cell.tokens.map((t) => ('text' in t ? (t as { text: string }).text : t.raw)).join('');
}

function tables(md: string): Tokens.Table[] {
  return marked.lexer(md, { gfm: true }).filter((t): t is Tokens.Table => t.type === 'table');
}

describe('plan Markdown in a GFM renderer', () => {
  let server: RedisServer;
  let plan: Plan;
  let md: string;
  beforeAll(async () => {
    server = await startRedis();
    const file = await captureTraffic(server, async () => {
      const c = server.client();
      for (let i = 1; i <= 4; i++) {
        await c.multi().incr(`pipe|x:${i}:a`).incr(`pipe|x:${i}:b`).exec();
        await c.mget(`tick\`${i}`, `tick\`${i + 10}`, Buffer.from([0x62, 0x69, 0x6e, 0xff, 0x00, 0x30 + i]));
      }
      c.disconnect();
    });
    plan = await makePlan([{ path: file, node: 'app' }], DEFAULT_PLAN_OPTIONS);
    md = renderPlanMarkdown(plan);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps every row of every table at its header\'s width', () => {
    const all = tables(md);
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (const t of all) for (const row of t.rows) expect(row.length).toBe(t.header.length);
  });

  it('keeps keys, templates and regexes with pipes whole in their cells', () => {
    const renames = tables(md).find((t) => cellText(t.header[0]) === 'keys')!;
    const rules = plan.renames.flatMap((r) => r.rules);
    expect(rules.map((r) => r.from)).toEqual(['pipe|x:<id>:a', 'pipe|x:<id>:b']);
    expect(renames.rows.map((row) => row.map(cellText))).toEqual(rules.map((r) => [r.from, r.to, r.regex, r.replacement]));
  });

  it('shows binary and backtick keys escaped, each in its own cell', () => {
    const patterns = tables(md).find((t) => cellText(t.header[0]) === 'pattern' && t.header.length === 7 && cellText(t.header[4]) === 'share of ops')!;
    expect(patterns.rows.map((row) => cellText(row[0])).sort()).toEqual(plan.patterns.slice(0, 30).map((p) => p.pattern).sort());
    expect(patterns.rows.some((row) => cellText(row[0]).includes('\\xff'))).toBe(true);
    expect(patterns.rows.some((row) => cellText(row[0]).includes('`'))).toBe(true);
  });

  it('opens with the runbook', () => {
    expect(md.split('\n').slice(0, 4)).toEqual(['# slotscope migration plan', '', '## Runbook', '']);
    expect(tableCode('a`b|c')).toBe('``a`b\\|c``');
    expect(codeSpan('a`b|c')).toBe('``a`b|c``');
  });

  it('gives commands in list items as they run: a pipe in a code span stays a pipe', () => {
    const spans: string[] = [];
    marked.walkTokens(marked.lexer(md, { gfm: true }), (t) => {
      if (t.type === 'codespan') spans.push((t as Tokens.Codespan).text);
    });
    const checks = spans.filter((s) => s.includes('--scan --pattern'));
    expect(checks.length).toBeGreaterThan(0);
    for (const c of checks) expect(c).toMatch(/' \| head -1$/);
  });
});
