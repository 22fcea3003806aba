/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The HTML report and the plan page in a real browser (Debian's chromium, headless, through playwright-core;
// no browser is downloaded): at 1400 px and at a phone's 400 px, no console errors, no sideways page scroll
// (wide tables scroll in their own box), charts with their axes, legend and labels at a legible size, and a
// page that prints. Screenshots go to test-artifacts/ (CI keeps them; git ignores them).
// SLOTSCOPE_UPDATE_SCREENSHOT=1 (`npm run screenshot`) also writes samples/report.png for the README.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotscope } from '../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts');
const QUICK_START = ['samples/app.monitor', 'samples/benchmark.monitor', 'app=samples/app-memory.csv'].map((p) => (p.includes('=') ? p.replace('=', `=${ROOT}`) : join(ROOT, p)));

const missing = !existsSync(CHROMIUM);
if (missing && !process.env.CI) console.warn(`test/html/browser.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium; in CI this fails instead)`);

describe.runIf(missing && process.env.CI)('browser rendering in CI', () => {
  it(`needs ${CHROMIUM} (.ci/run installs it)`, () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing in CI`).toBe(true);
  });
});

interface PageFacts {
  overflow: { scrollWidth: number; innerWidth: number };
  charts: { yTicks: number; xTicks: number; legend: number; width: number; tickHeight: number }[];
  spikes: string[];
  planned: number;
  headings: string[];
  monoFont: string;
  scrollingBoxes: number;
  text: string;
}

async function facts(page: Page): Promise<PageFacts> {
  return page.evaluate(() => {
    const charts = [...document.querySelectorAll('figure')].map((f) => {
      const svg = f.querySelector('svg.chart')!;
      const tick = svg.querySelector('.y-axis text');
      return {
        yTicks: svg.querySelectorAll('.y-axis text:not(.axis-label)').length,
        xTicks: svg.querySelectorAll('.x-axis text:not(.axis-label)').length,
        legend: f.querySelectorAll('.legend li').length,
        width: svg.getBoundingClientRect().width,
        tickHeight: tick ? tick.getBoundingClientRect().height : 0,
      };
    });
    const mono = document.querySelector('td.mono, code');
    return {
      overflow: { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth },
      charts,
      spikes: [...document.querySelectorAll('svg.chart .spike text')].map((t) => t.textContent ?? ''),
      planned: document.querySelectorAll('svg.chart .planned').length,
      headings: [...document.querySelectorAll('h1, h2, h3')].map((h) => h.textContent ?? ''),
      monoFont: mono ? getComputedStyle(mono).fontFamily : '',
      scrollingBoxes: [...document.querySelectorAll('.scroll')].filter((b) => b.scrollWidth > b.clientWidth).length,
      text: document.body.innerText,
    };
  });
}

describe.skipIf(missing)('HTML pages in chromium', () => {
  let browser: Browser;
  const pages: Record<string, string> = {};

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    pages.report = join(ARTIFACTS, 'report.html');
    pages.plan = join(ARTIFACTS, 'plan.html');
    for (const [cmd, out] of [['analyze', pages.report], ['plan', pages.plan]]) {
      const r = slotscope([cmd, '-f', 'html', '-o', out, ...QUICK_START]);
      expect(r.status, r.stderr).toBe(0);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(name: string, width: number): Promise<{ page: Page; errors: string[]; f: PageFacts }> {
    const page = await browser.newPage({ viewport: { width, height: 1000 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(pages[name]).href);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
    return { page, errors, f: await facts(page) };
  }

  for (const width of [1400, 400]) {
    it(`renders the analyze report at ${width} px: no errors, no page overflow, charts with axes, legend and labelled spikes`, async () => {
      const { page, errors, f } = await open('report', width);
      expect(errors).toEqual([]);
      expect(f.overflow.scrollWidth).toBeLessThanOrEqual(f.overflow.innerWidth);
      expect(f.charts.length).toBe(3); // ops, keys and bytes (the memory report)
      for (const c of f.charts) {
        expect(c.yTicks).toBeGreaterThanOrEqual(3);
        expect(c.xTicks).toBe(5);
        expect(c.legend).toBeGreaterThanOrEqual(2); // bars, and the planned boundaries
        expect(c.width).toBeGreaterThan(width * 0.7); // the chart scales with the page, never a strip
        expect(c.tickHeight).toBeGreaterThanOrEqual(7); // tick labels a person can read
      }
      // The quick start's busiest slot is mylist's (redis-benchmark's LPUSH/LPOP).
      expect(f.spikes[0]).toBe('slot 5282 · mylist');
      expect(f.spikes).toHaveLength(3);
      // No manifest: the plan summary's 3-primary layout is drawn, two boundaries on each of the 3 charts.
      expect(f.planned).toBe(6);
      expect(f.headings.filter((h) => h.includes('`'))).toEqual([]);
      expect(f.monoFont).toMatch(/mono/i);
      expect(f.text).toMatch(/\b[0-9a-f]{40}\b/); // full script sha1s
      if (width === 400) expect(f.scrollingBoxes).toBeGreaterThan(0); // wide tables scroll inside their box
      if (width === 1400 && process.env.SLOTSCOPE_UPDATE_SCREENSHOT) await screenshotForReadme(page);
      await page.close();
    });

    it(`renders the plan page at ${width} px: no errors, no page overflow, layout charts with axes and legend`, async () => {
      const { page, errors, f } = await open('plan', width);
      expect(errors).toEqual([]);
      expect(f.overflow.scrollWidth).toBeLessThanOrEqual(f.overflow.innerWidth);
      expect(f.charts.length).toBe(2); // ops per primary, slots per primary
      for (const c of f.charts) {
        expect(c.yTicks).toBeGreaterThanOrEqual(3);
        expect(c.xTicks).toBeGreaterThanOrEqual(3);
        expect(c.legend).toBeGreaterThanOrEqual(2);
        expect(c.width).toBeGreaterThan(width * 0.7);
      }
      expect(f.spikes[0]).toBe('slot 5282 · mylist');
      expect(f.headings).toContain('Runbook');
      expect(f.headings.filter((h) => h.includes('`'))).toEqual([]);
      await page.close();
    });
  }

  it('prints: the report as a PDF, tables unclipped', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(pages.report).href);
    await page.emulateMedia({ media: 'print' });
    const clipped = await page.evaluate(() => [...document.querySelectorAll('.scroll')].filter((b) => getComputedStyle(b).overflowX !== 'visible').length);
    expect(clipped).toBe(0);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await page.close();
  });
});

/** samples/report.png: the top of the quick-start report at 1400 px, down to the end of the ops chart. */
async function screenshotForReadme(page: Page): Promise<void> {
  const box = await page.locator('figure').first().boundingBox();
  if (!box) throw new Error('no chart to screenshot');
  await page.screenshot({ path: join(ROOT, 'samples/report.png'), fullPage: true, clip: { x: 0, y: 0, width: 1400, height: Math.ceil(box.y + box.height + 16) } });
}
