// The readiness report as one self-contained HTML page: the sections of the terminal table, plus charts of
// ops, keys and bytes per slot with today's primaries shaded, or, without a manifest, the boundaries of the
// plan summary's layout for the default shard count.
import { escapeHtml, proseHtml } from './html-escape.js';
import { htmlList, htmlPage, htmlTable } from './html-page.js';
import type { Report } from './report.js';
import { reportSections, verdictLine } from './report-sections.js';
import { type SlotChartOptions, type SlotRange, type Spike, slotChart } from './slot-chart.js';

/** Busiest slots named on the ops chart. */
const SPIKES = 3;
/** Keeps a label within half the chart at a phone's font size. */
const SPIKE_KEY_CHARS = 24;

/** Today's primaries when the inputs came with a topology. */
function primaryRanges(r: Report): SlotRange[] {
  return r.topology ? r.topology.primaries.map((p) => ({ label: p.address, ranges: p.slots })) : [];
}

function spikes(r: Report): Spike[] {
  return r.skew.hotSlots.slice(0, SPIKES).map((h) => {
    const key = h.keys[0]?.key;
    const shown = key === undefined ? '' : ` · ${key.length > SPIKE_KEY_CHARS ? key.slice(0, SPIKE_KEY_CHARS - 1) + '…' : key}`;
    return { slot: h.slot, label: `slot ${h.slot}${shown}` };
  });
}

export function renderHtml(r: Report): string {
  const status = r.verdict.status === 'blocked' ? 'blocked' : r.verdict.status === 'ready' ? 'ready' : 'changes';
  const [first, ...rest] = reportSections(r);
  const body: string[] = [`<h1>slotscope readiness report</h1>`, `<p class="verdict ${status}">${escapeHtml(verdictLine(r))}</p>`];
  body.push(htmlList(first.lines));
  if (first.table && first.table.rows.length) body.push(htmlTable(first.table));
  body.push(htmlList(first.after ?? []));

  const ranges = primaryRanges(r);
  const chart: Pick<SlotChartOptions, 'ranges' | 'planned'> = { ranges };
  body.push('<h2>Slots</h2>');
  if (ranges.length) body.push(`<p class="muted">Shaded: today's primaries, from the capture's manifest.</p>`);
  else if (r.planSummary?.layout) {
    const { shards, nodes } = r.planSummary.layout;
    chart.planned = { label: `planned boundaries for ${shards} primaries, by this load (no manifest gave today's)`, ranges: nodes.map((n) => ({ label: `node ${n.node}`, ranges: n.ranges })) };
    body.push(`<p class="muted">${proseHtml(`No manifest gave today's primaries: dashed lines mark where the plan's layout for ${shards} primaries splits the slots by this load (\`slotscope plan --shards N\` for another count).`)}</p>`);
  }
  body.push(slotChart(r.slots.ops, { title: 'Client commands per slot', unit: 'ops', ...chart, spikes: spikes(r) }));
  body.push(slotChart(r.slots.keys, { title: 'Distinct keys per slot', unit: 'keys', ...chart }));
  if (r.slots.bytes) body.push(slotChart(r.slots.bytes, { title: 'Bytes per slot (memory report)', unit: 'bytes', ...chart }));

  for (const s of rest) {
    body.push(`<h2>${proseHtml(s.title)}</h2>`, htmlList(s.lines));
    if (s.table && s.table.rows.length) body.push(htmlTable(s.table));
    body.push(htmlList(s.after ?? []));
  }
  return htmlPage(`slotscope: ${r.verdict.status}`, body);
}
