// The readiness report as one self-contained HTML page (no scripts, no external files): the sections of
// the terminal table, plus charts of ops, keys and bytes per slot with today's primaries shaded.
import type { Report } from './report.js';
import { reportSections, type SectionTable, verdictLine } from './report-sections.js';
import { escapeHtml, type SlotRange, slotChart } from './slot-chart.js';

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1f2937}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #e5e7eb}
table{border-collapse:collapse;margin:.5rem 0;font-size:13px}td,th{border:1px solid #e5e7eb;padding:.25rem .5rem;vertical-align:top}
th{background:#f9fafb;text-align:left}td.r{text-align:right;font-variant-numeric:tabular-nums}
.verdict{font-size:1.2rem;font-weight:600;padding:.6rem 1rem;border-radius:6px}.blocked{background:#fee2e2}.changes{background:#fef3c7}.ready{background:#dcfce7}
figure{margin:1rem 0}svg{width:100%;height:auto;background:#fff;border:1px solid #e5e7eb}svg .bar{fill:#2563eb}svg text{font-size:11px;fill:#6b7280}
.muted{color:#6b7280;font-weight:normal}ul{padding-left:1.2rem}`;

function table(t: SectionTable): string {
  const head = t.head.some(Boolean) ? `<tr>${t.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>` : '';
  const rows = t.rows.map((r) => `<tr>${r.map((c, i) => (t.align[i] === 'right' ? `<td class="r">${escapeHtml(c)}</td>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`);
  return `<table>${head}${rows.join('')}</table>`;
}

const list = (lines: string[]): string => (lines.length ? `<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '');

/** Today's primaries when the inputs came with a topology; else the nodes' even split is not drawn. */
function primaryRanges(r: Report): SlotRange[] {
  return r.topology ? r.topology.primaries.map((p) => ({ label: p.address, ranges: p.slots })) : [];
}

export function renderHtml(r: Report): string {
  const status = r.verdict.status === 'blocked' ? 'blocked' : r.verdict.status === 'ready' ? 'ready' : 'changes';
  const sections = reportSections(r);
  const body: string[] = [`<h1>slotscope readiness report</h1>`, `<p class="verdict ${status}">${escapeHtml(verdictLine(r))}</p>`];
  const [first, ...rest] = sections;
  body.push(list(first.lines));
  if (first.table && first.table.rows.length) body.push(table(first.table));
  body.push(list(first.after ?? []));

  const ranges = primaryRanges(r);
  body.push('<h2>Slots</h2>');
  if (ranges.length) body.push(`<p class="muted">Shaded: today's primaries (${ranges.map((x) => escapeHtml(x.label)).join(', ')}).</p>`);
  body.push(slotChart(r.slots.ops, { title: 'Client commands per slot', unit: 'ops', ranges }));
  body.push(slotChart(r.slots.keys, { title: 'Distinct keys per slot', unit: 'keys', ranges }));
  if (r.slots.bytes) body.push(slotChart(r.slots.bytes, { title: 'Bytes per slot (memory report)', unit: 'bytes', ranges }));

  for (const s of rest) {
    body.push(`<h2>${escapeHtml(s.title)}</h2>`, list(s.lines));
    if (s.table && s.table.rows.length) body.push(table(s.table));
    body.push(list(s.after ?? []));
  }
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>slotscope: ${escapeHtml(r.verdict.status)}</title><style>${STYLE}</style></head><body>\n${body.filter(Boolean).join('\n')}\n</body></html>\n`;
}
