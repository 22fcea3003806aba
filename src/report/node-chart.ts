// An SVG chart of a figure per node under two assignments (the plan's before and after), bars side by side,
// with the same y-axis and HTML legend as the slot charts.
import { count } from './format-numbers.js';
import { escapeHtml } from './html-escape.js';
import { yTicks } from './slot-chart.js';

export interface NodeSeries {
  label: string;
  values: number[];
}

const WIDTH = 800;
const LEFT = 64;
const TOP = 10;
const PLOT_H = 160;
const BOTTOM = 40;
const COLORS = ['#9ca3af', '#2563eb'];
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export function nodeChart(title: string, unit: string, nodes: string[], series: NodeSeries[]): string {
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  const ticks = yTicks(max);
  const top = ticks[ticks.length - 1];
  const plotW = WIDTH - LEFT - 12;
  const y = (v: number): number => TOP + PLOT_H - (v / top) * PLOT_H;
  const group = plotW / Math.max(1, nodes.length);
  const bar = Math.min(48, (group * 0.7) / series.length);
  const f = (n: number): string => n.toFixed(1);
  const parts: string[] = ['<g class="y-axis">'];
  for (const t of ticks) parts.push(`<line class="grid" x1="${LEFT}" x2="${WIDTH - 12}" y1="${f(y(t))}" y2="${f(y(t))}"/><text x="${LEFT - 6}" y="${f(y(t) + 4)}" text-anchor="end">${compact.format(t)}</text>`);
  parts.push(`<text class="axis-label" transform="translate(14 ${TOP + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(unit)}</text></g><g class="x-axis">`);
  nodes.forEach((n, i) => parts.push(`<text x="${f(LEFT + (i + 0.5) * group)}" y="${TOP + PLOT_H + 19}" text-anchor="middle">${escapeHtml(n)}</text>`));
  parts.push('</g>');
  nodes.forEach((n, i) => {
    const left = LEFT + (i + 0.5) * group - (bar * series.length) / 2;
    series.forEach((s, j) => {
      const v = s.values[i] ?? 0;
      const h = v > 0 ? Math.max(1, (v / top) * PLOT_H) : 0;
      parts.push(`<rect style="fill:${COLORS[j % COLORS.length]}" data-value="${v}" x="${f(left + j * bar)}" y="${f(TOP + PLOT_H - h)}" width="${f(bar - 2)}" height="${f(h)}"><title>${escapeHtml(`${n}, ${s.label}: ${count(v)} ${unit}`)}</title></rect>`);
    });
  });
  const legend = series.map((s, j) => `<li><span class="sw" style="background:${COLORS[j % COLORS.length]}"></span>${escapeHtml(s.label)}</li>`).join('');
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg class="chart" viewBox="0 0 ${WIDTH} ${TOP + PLOT_H + BOTTOM}" role="img" aria-label="${escapeHtml(title)}">${parts.join('')}</svg><ul class="legend">${legend}</ul></figure>`;
}
