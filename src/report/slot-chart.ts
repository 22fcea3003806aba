// An SVG bar chart of a per-slot series (16384 values), binned so it stays a few kilobytes, with the
// slot ranges of the primaries shaded behind the bars when they are known.
import { SLOT_COUNT } from '../slot/key-slot.js';
import { count } from './format-numbers.js';

export interface SlotRange {
  label: string;
  ranges: [number, number][];
}

export interface SlotChartOptions {
  title: string;
  /** What one unit of the series is (ops, keys, bytes). */
  unit: string;
  bins?: number;
  ranges?: SlotRange[];
}

const WIDTH = 1024;
const HEIGHT = 160;
const SHADES = ['#dbeafe', '#fef3c7', '#dcfce7', '#fce7f3', '#ede9fe', '#e0f2fe', '#fee2e2', '#ecfccb'];

export const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Sums of the series over `bins` equal runs of slots. */
export function binSlots(series: ArrayLike<number>, bins: number): number[] {
  const per = SLOT_COUNT / bins;
  const out = new Array<number>(bins).fill(0);
  for (let s = 0; s < SLOT_COUNT; s++) out[Math.floor(s / per)] += series[s];
  return out;
}

export function slotChart(series: ArrayLike<number>, o: SlotChartOptions): string {
  const bins = o.bins ?? 512;
  const per = SLOT_COUNT / bins;
  const values = binSlots(series, bins);
  const max = Math.max(1, ...values);
  const barWidth = WIDTH / bins;
  const x = (slot: number): number => (slot / SLOT_COUNT) * WIDTH;
  const parts: string[] = [];
  (o.ranges ?? []).forEach((r, i) => {
    for (const [from, to] of r.ranges) {
      parts.push(`<rect x="${x(from).toFixed(2)}" y="0" width="${(x(to + 1) - x(from)).toFixed(2)}" height="${HEIGHT}" fill="${SHADES[i % SHADES.length]}"><title>${escapeHtml(`${r.label}: slots ${from}-${to}`)}</title></rect>`);
    }
  });
  values.forEach((v, i) => {
    if (v === 0) return;
    const h = Math.max(1, (v / max) * (HEIGHT - 4));
    const from = i * per;
    parts.push(`<rect class="bar" data-slots="${from}-${from + per - 1}" data-value="${v}" x="${(i * barWidth).toFixed(2)}" y="${(HEIGHT - h).toFixed(2)}" width="${Math.max(barWidth - 0.3, 0.5).toFixed(2)}" height="${h.toFixed(2)}"><title>slots ${from}-${from + per - 1}: ${count(v)} ${escapeHtml(o.unit)}</title></rect>`);
  });
  const axis = [0, 4096, 8192, 12288, 16383].map((s) => `<text x="${s === 16383 ? WIDTH - 2 : x(s).toFixed(0)}" y="${HEIGHT + 14}"${s === 16383 ? ' text-anchor="end"' : ''}>${s}</text>`).join('');
  return `<figure><figcaption>${escapeHtml(o.title)} <span class="muted">(max ${count(max)} ${escapeHtml(o.unit)} per ${per} slots)</span></figcaption><svg viewBox="0 0 ${WIDTH} ${HEIGHT + 18}" role="img" aria-label="${escapeHtml(o.title)}">${parts.join('')}${axis}</svg></figure>`;
}
