// An SVG bar chart of a per-slot series (16384 values), binned so it stays a few kilobytes: a y-axis with a
// scale, slot ticks, the primaries' slot ranges shaded behind the bars, planned shard boundaries as dashed
// lines, the busiest slots labelled, and an HTML legend under it (HTML text stays legible on a phone, where
// the SVG's own text shrinks with its viewBox).
import { SLOT_COUNT } from '../slot/key-slot.js';
import { count } from './format-numbers.js';
import { escapeHtml } from './html-escape.js';

// The CI summary (ci/github-actions.ts) takes its escaping from here.
export { escapeHtml };

export interface SlotRange {
  label: string;
  ranges: [number, number][];
}

/** A slot to name on the chart (the busiest ones), e.g. `slot 5282 · mylist`. */
export interface Spike {
  slot: number;
  label: string;
}

export interface SlotChartOptions {
  title: string;
  /** What one unit of the series is (ops, keys, bytes). */
  unit: string;
  bins?: number;
  /** Known slot ranges (today's primaries), shaded. */
  ranges?: SlotRange[];
  /** Planned primaries when the real ones are not known: their boundaries drawn as dashed lines. */
  planned?: { label: string; ranges: SlotRange[] };
  spikes?: Spike[];
}

const WIDTH = 800;
const LEFT = 64;
const RIGHT = 12;
const BOTTOM = 40;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = 160;
/** Rows above the plot for spike labels. */
const SPIKE_ROW = 26;
const SHADES = ['#dbeafe', '#fef3c7', '#dcfce7', '#fce7f3', '#ede9fe', '#e0f2fe', '#fee2e2', '#ecfccb'];
const SLOT_TICKS = [0, 4096, 8192, 12288, 16383];

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** Sums of the series over `bins` equal runs of slots. */
export function binSlots(series: ArrayLike<number>, bins: number): number[] {
  const per = SLOT_COUNT / bins;
  const out = new Array<number>(bins).fill(0);
  for (let s = 0; s < SLOT_COUNT; s++) out[Math.floor(s / per)] += series[s];
  return out;
}

/** Ticks from 0 to at least max, 2 to 6 of them, at 1, 2, 2.5 or 5 times a power of ten (never under 1: counts are whole). */
export function yTicks(max: number): number[] {
  const raw = Math.max(max, 1) / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw)!);
  // At least two, so an empty series still has a scale (and no division by a zero top).
  const ticks = [0];
  while (ticks[ticks.length - 1] < max || ticks.length < 2) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

export function slotChart(series: ArrayLike<number>, o: SlotChartOptions): string {
  const bins = o.bins ?? 256;
  const per = SLOT_COUNT / bins;
  const values = binSlots(series, bins);
  const max = Math.max(0, ...values);
  const ticks = yTicks(max);
  const top = ticks[ticks.length - 1];
  const spikes = o.spikes ?? [];
  const plotTop = 8 + spikes.length * SPIKE_ROW;
  const height = plotTop + PLOT_H + BOTTOM;
  const x = (slot: number): number => LEFT + (slot / SLOT_COUNT) * PLOT_W;
  const y = (v: number): number => plotTop + PLOT_H - (v / top) * PLOT_H;
  const f = (n: number): string => n.toFixed(1);
  const parts: string[] = [];

  (o.ranges ?? []).forEach((r, i) => {
    for (const [from, to] of r.ranges) parts.push(`<rect class="range" x="${f(x(from))}" y="${plotTop}" width="${f(x(to + 1) - x(from))}" height="${PLOT_H}" fill="${SHADES[i % SHADES.length]}"><title>${escapeHtml(`${r.label}: slots ${from}-${to}`)}</title></rect>`);
  });

  parts.push(`<g class="y-axis">`);
  for (const t of ticks) parts.push(`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${f(y(t))}" y2="${f(y(t))}"/><text x="${LEFT - 6}" y="${f(y(t) + 4)}" text-anchor="end">${compact.format(t)}</text>`);
  parts.push(`<text class="axis-label" transform="translate(14 ${f(plotTop + PLOT_H / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(o.unit)}</text></g><g class="x-axis">`);
  for (const s of SLOT_TICKS) parts.push(`<line x1="${f(x(s))}" x2="${f(x(s))}" y1="${plotTop + PLOT_H}" y2="${plotTop + PLOT_H + 5}"/><text x="${f(x(s))}" y="${plotTop + PLOT_H + 19}" text-anchor="${s === 0 ? 'start' : s === 16383 ? 'end' : 'middle'}">${s}</text>`);
  parts.push(`<text class="axis-label" x="${LEFT + PLOT_W / 2}" y="${height - 3}" text-anchor="middle">hash slot</text></g>`);

  const barWidth = PLOT_W / bins;
  values.forEach((v, i) => {
    if (v === 0) return;
    const h = Math.max(1, (v / top) * PLOT_H);
    const from = i * per;
    parts.push(`<rect class="bar" data-slots="${from}-${from + per - 1}" data-value="${v}" x="${f(LEFT + i * barWidth)}" y="${f(plotTop + PLOT_H - h)}" width="${Math.max(barWidth - 0.4, 0.6).toFixed(2)}" height="${f(h)}"><title>slots ${from}-${from + per - 1}: ${count(v)} ${escapeHtml(o.unit)}</title></rect>`);
  });

  if (o.planned) {
    const starts = new Set(o.planned.ranges.flatMap((r) => r.ranges.map(([from]) => from)).filter((s) => s > 0));
    for (const s of [...starts].sort((a, b) => a - b)) parts.push(`<line class="planned" x1="${f(x(s))}" x2="${f(x(s))}" y1="${plotTop}" y2="${plotTop + PLOT_H}"><title>planned boundary at slot ${s}</title></line>`);
  }

  spikes.forEach((sp, i) => {
    const bin = Math.floor(sp.slot / per);
    const cx = LEFT + (bin + 0.5) * barWidth;
    const rowY = 8 + (i + 1) * SPIKE_ROW - 6;
    // Labels on the right half run leftwards, so none passes the chart's edge.
    const right = cx > LEFT + PLOT_W / 2;
    parts.push(`<g class="spike"><line x1="${f(cx)}" x2="${f(cx)}" y1="${rowY + 4}" y2="${f(y(values[bin]) - 2)}"/><text x="${f(cx + (right ? -5 : 5))}" y="${rowY}" text-anchor="${right ? 'end' : 'start'}">${escapeHtml(sp.label)}</text></g>`);
  });

  const legend = [`<li><span class="sw sw-bar"></span>${escapeHtml(o.unit)} per ${per} slots (bar height)</li>`];
  (o.ranges ?? []).forEach((r, i) => legend.push(`<li><span class="sw" style="background:${SHADES[i % SHADES.length]}"></span>${escapeHtml(r.label)}</li>`));
  if (o.planned) legend.push(`<li><span class="sw sw-planned"></span>${escapeHtml(o.planned.label)}</li>`);
  if (spikes.length) legend.push(`<li><span class="sw sw-spike"></span>busiest slots, with their busiest key</li>`);

  return `<figure><figcaption>${escapeHtml(o.title)} <span class="muted">(max ${count(max)} ${escapeHtml(o.unit)} per ${per} slots)</span></figcaption><svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(o.title)}">${parts.join('')}</svg><ul class="legend">${legend.join('')}</ul></figure>`;
}
