// The page both HTML forms (the readiness report and the plan) share: one self-contained document (no
// scripts, no external files), readable from a phone to print. Tables scroll inside their own box, so a
// wide one never pushes the page sideways; charts scale with their viewBox.
import { escapeHtml, proseHtml } from './html-escape.js';
import type { SectionTable } from './report-sections.js';

const STYLE = `*{box-sizing:border-box}
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1f2937}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #e5e7eb}h3{font-size:1rem;margin-top:1.2rem}
p,li,figcaption{overflow-wrap:anywhere}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
code{background:#f3f4f6;padding:0 .2em;border-radius:3px}
pre{background:#f3f4f6;padding:.6rem .8rem;overflow-x:auto;border-radius:4px}
.scroll{overflow-x:auto;max-width:100%;margin:.5rem 0}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #e5e7eb;padding:.25rem .5rem;vertical-align:top}
th{background:#f9fafb;text-align:left;white-space:nowrap}td.r{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.mono{white-space:pre;font-size:12px}
.verdict{font-size:1.2rem;font-weight:600;padding:.6rem 1rem;border-radius:6px}.blocked{background:#fee2e2}.changes{background:#fef3c7}.ready{background:#dcfce7}
figure{margin:1rem 0}figcaption{font-weight:600}
svg.chart{display:block;width:100%;height:auto;background:#fff;border:1px solid #e5e7eb}
svg.chart text{font-size:13px;fill:#4b5563}svg.chart .axis-label{font-size:12px;fill:#6b7280}
svg.chart .bar{fill:#2563eb}svg.chart .grid{stroke:#e5e7eb}svg.chart .x-axis line{stroke:#9ca3af}
svg.chart .planned{stroke:#dc2626;stroke-width:1.5;stroke-dasharray:5 4}
svg.chart .spike line{stroke:#111827;stroke-width:1;stroke-dasharray:2 2}svg.chart .spike text{fill:#111827;font-weight:600}
.legend{list-style:none;padding:0;margin:.3rem 0;display:flex;flex-wrap:wrap;gap:.2rem 1rem;font-size:12px;color:#4b5563}
.sw{display:inline-block;width:.9em;height:.9em;margin-right:.35em;vertical-align:-.1em;border:1px solid #d1d5db}
.sw-bar{background:#2563eb}.sw-planned{border:0;border-left:2px dashed #dc2626;width:.5em}.sw-spike{border:0;border-left:1px dashed #111827;width:.5em}
.muted{color:#6b7280;font-weight:normal}ul{padding-left:1.2rem}
@media (max-width:600px){body{margin:1rem auto;padding:0 .6rem}svg.chart text{font-size:22px}svg.chart .axis-label{font-size:20px}svg.chart .spike text{font-size:19px}}
@media print{body{margin:0;max-width:none;font-size:11pt;color:#000}.scroll{overflow:visible}table{font-size:9pt}
td.mono{white-space:pre-wrap;overflow-wrap:anywhere}h2,h3{break-after:avoid}figure,tr,pre{break-inside:avoid}svg.chart{border:0}
.verdict{border:1px solid #000}}`;

export function htmlTable(t: SectionTable): string {
  const head = t.head.some(Boolean) ? `<thead><tr>${t.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>` : '';
  // Keys, commands and ids: monospace, on one line (the table's box scrolls).
  const mono = t.code ?? [];
  const cell = (c: string, i: number): string => (t.align[i] === 'right' ? `<td class="r">${escapeHtml(c)}</td>` : mono[i] ? `<td class="mono">${escapeHtml(c)}</td>` : `<td>${escapeHtml(c)}</td>`);
  const rows = t.rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`);
  return `<div class="scroll"><table>${head}<tbody>${rows.join('')}</tbody></table></div>`;
}

export const htmlList = (lines: string[]): string => (lines.length ? `<ul>${lines.map((l) => `<li>${proseHtml(l)}</li>`).join('')}</ul>` : '');

export function htmlPage(title: string, body: string[]): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>\n${body.filter(Boolean).join('\n')}\n</body></html>\n`;
}
