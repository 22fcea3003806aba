// An SVG bar chart of a per-slot series (16384 values), binned so it stays a few kilobytes: a y-axis with
// round ticks, the slot axis, a legend, the busiest slots labelled with their keys, today's primaries
// shaded behind the bars, and planned shard boundaries as dashed lines. It scales with its viewBox, so it
// stays legible from a phone to a printed page.
import { SLOT_COUNT } from '../slot/key-slot.js';

export interface SlotRange {
  label: string;
  ranges: [number, number][];
}

export interface Spike {
  slot: number;
  /** What stands in the slot: its busiest key, when known. */
  label: string;
}

export interface SlotChartOptions {
  title: string;
  /** What one unit of the series is (ops, keys, bytes). */
  unit: string;
  bins?: number;
  /** Today's primaries, shaded. */
  ranges?: SlotRange[];
  /** Where a planned layout starts each shard's slots (no shading: nothing owns them yet). */
  boundaries?: { slot: number; label: string }[];
  boundariesLabel?: string;
  /** Slots to label at their bar, busiest first. */
  spikes?: Spike[];
}

const WIDTH = 1024;
const PLOT = 180;
const LEFT = 64;
const RIGHT = 12;
const TOP = 44;
const BOTTOM = 34;
const PLOT_W = WIDTH - LEFT - RIGHT;
const SHADES = ['#dbeafe', '#fef3c7', '#dcfce7', '#fce7f3', '#ede9fe', '#e0f2fe', '#fee2e2', '#ecfccb'];

export const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Sums of the series over `bins` equal runs of slots. */
export function binSlots(series: ArrayLike<number>, bins: number): number[] {
  const per = SLOT_COUNT / bins;
  const out = new Array<number>(bins).fill(0);
  for (let s = 0; s < SLOT_COUNT; s++) out[Math.floor(s / per)] += series[s];
  return out;
}

/** A round step (1, 2 or 5 times a power of ten) giving about `count` ticks up to max. */
export function tickStep(max: number, count = 4): number {
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  return Math.max(1, step);
}

/** 1200 -> 1.2k, 3400000 -> 3.4M: tick labels that fit the margin. */
export function compact(n: number): string {
  for (const [div, suffix] of [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) if (n >= div) return `${+(n / div).toFixed(1)}${suffix}`;
  return String(n);
}

const f2 = (n: number): string => n.toFixed(2);

export function slotChart(series: ArrayLike<number>, o: SlotChartOptions): string {
  const bins = o.bins ?? 512;
  const per = SLOT_COUNT / bins;
  const values = binSlots(series, bins);
  const step = tickStep(Math.max(1, ...values));
  const top = step * Math.ceil(Math.max(1, ...values) / step);
  const barWidth = PLOT_W / bins;
  const x = (slot: number): number => LEFT + (slot / SLOT_COUNT) * PLOT_W;
  const y = (v: number): number => TOP + PLOT - (v / top) * PLOT;
  const parts: string[] = [];
  (o.ranges ?? []).forEach((r, i) => {
    for (const [from, to] of r.ranges) parts.push(`<rect class="range" x="${f2(x(from))}" y="${TOP}" width="${f2(x(to + 1) - x(from))}" height="${PLOT}" fill="${SHADES[i % SHADES.length]}"><title>${escapeHtml(`${r.label}: slots ${from}-${to}`)}</title></rect>`);
  });
  const ticks: string[] = [];
  for (let v = 0; v <= top; v += step) {
    ticks.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${f2(y(v))}" y2="${f2(y(v))}" class="grid"/><text x="${LEFT - 6}" y="${f2(y(v) + 4)}" text-anchor="end">${compact(v)}</text>`);
  }
  parts.push(`<g class="y-axis">${ticks.join('')}<text x="14" y="${TOP + PLOT / 2}" transform="rotate(-90 14 ${TOP + PLOT / 2})" text-anchor="middle">${escapeHtml(o.unit)} per ${per} slots</text></g>`);
  values.forEach((v, i) => {
    if (v === 0) return;
    const h = Math.max(1, (v / top) * PLOT);
    const from = i * per;
    parts.push(`<rect class="bar" data-slots="${from}-${from + per - 1}" data-value="${v}" x="${f2(LEFT + i * barWidth)}" y="${f2(TOP + PLOT - h)}" width="${f2(Math.max(barWidth - 0.3, 0.5))}" height="${f2(h)}"><title>slots ${from}-${from + per - 1}: ${Math.round(v).toLocaleString('en-US')} ${escapeHtml(o.unit)}</title></rect>`);
  });
  for (const b of o.boundaries ?? []) parts.push(`<line class="boundary" x1="${f2(x(b.slot))}" x2="${f2(x(b.slot))}" y1="${TOP}" y2="${TOP + PLOT}"><title>${escapeHtml(b.label)}</title></line>`);
  (o.spikes ?? []).forEach((s, i) => {
    const v = values[Math.floor(s.slot / per)];
    const sx = x(s.slot);
    // Labels stack downwards so three spikes side by side do not overprint.
    const ly = Math.max(TOP - 20 + 12 * i, Math.min(y(v) - 6, TOP + PLOT - 4));
    const anchor = sx > WIDTH - 200 ? 'end' : sx < LEFT + 120 ? 'start' : 'middle';
    parts.push(`<g class="spike"><circle cx="${f2(sx)}" cy="${f2(y(v))}" r="3"/><text x="${f2(sx)}" y="${f2(ly)}" text-anchor="${anchor}">${escapeHtml(`slot ${s.slot}${s.label ? `: ${s.label}` : ''}`)}</text></g>`);
  });
  const xTicks = [0, 4096, 8192, 12288, 16383].map((s) => `<line x1="${f2(x(s))}" x2="${f2(x(s))}" y1="${TOP + PLOT}" y2="${TOP + PLOT + 4}"/><text x="${f2(x(s))}" y="${TOP + PLOT + 16}" text-anchor="${s === 0 ? 'start' : s === 16383 ? 'end' : 'middle'}">${s}</text>`);
  parts.push(`<g class="x-axis"><line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${TOP + PLOT}" y2="${TOP + PLOT}"/>${xTicks.join('')}<text x="${LEFT + PLOT_W / 2}" y="${TOP + PLOT + 30}" text-anchor="middle">hash slot</text></g>`);
  parts.push(legend(o));
  const height = TOP + PLOT + BOTTOM;
  return `<figure class="chart"><figcaption>${escapeHtml(o.title)}</figcaption><svg viewBox="0 0 ${WIDTH} ${height}" preserveAspectRatio="xMidYMid meet" role="img" aria-label="${escapeHtml(o.title)}">${parts.join('')}</svg></figure>`;
}

/** Swatches for what the chart draws: bars, each primary's shade, the planned boundaries; laid out in a row. */
function legend(o: SlotChartOptions): string {
  const items: [string, string][] = [[`<rect class="bar" width="12" height="10"/>`, o.unit]];
  (o.ranges ?? []).forEach((r, i) => items.push([`<rect width="12" height="10" fill="${SHADES[i % SHADES.length]}" stroke="#9ca3af"/>`, r.label]));
  if (o.boundaries?.length) items.push([`<line class="boundary" x1="6" x2="6" y1="-1" y2="11"/>`, o.boundariesLabel ?? 'planned shard boundary']);
  let at = LEFT;
  const placed = items.map(([swatch, label]) => {
    const g = `<g transform="translate(${at} 4)">${swatch}<text x="16" y="9">${escapeHtml(label)}</text></g>`;
    // About 6.5 units a character at the chart's 11px.
    at += 28 + 6.5 * label.length;
    return g;
  });
  return `<g class="legend">${placed.join('')}</g>`;
}
