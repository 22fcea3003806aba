// The plan as one self-contained HTML page (`plan -f html`): the Markdown plan's sections in the same order
// (runbook first, then the changes it orders, then what they cost and what is left), with the layout drawn:
// ops per primary before and after, and the slots each primary gets with the busiest slots named.
import { printable } from '../analyze/key-pattern.js';
import type { Plan } from '../plan/make-plan.js';
import { formatSlotRanges } from '../slot/slot-ranges.js';
import { SLOT_COUNT } from '../slot/key-slot.js';
import { count, share } from './format-numbers.js';
import { escapeHtml, proseHtml } from './html-escape.js';
import { htmlList, htmlPage, htmlTable } from './html-page.js';
import { nodeChart } from './node-chart.js';
import { EXCLUSION } from './plan-markdown.js';
import { redactionNote } from './redact-report.js';
import type { Align, SectionTable } from './report-sections.js';
import { skippedNote } from './skipped-lines.js';
import { slotChart } from './slot-chart.js';

/** A key or pattern: bytes past ASCII as \xhh, in monospace. */
const code = (s: string): string => `<code>${escapeHtml(printable(s))}</code>`;

function table(head: string[], rows: (string | number)[][], align: Align[], codeCols: boolean[] = []): string {
  const t: SectionTable = { head, rows: rows.map((r) => r.map(String)), align, code: codeCols };
  return htmlTable(t);
}

const pre = (text: string): string => `<pre><code>${escapeHtml(text.trimEnd())}</code></pre>`;

export function renderPlanHtml(p: Plan): string {
  const body: string[] = ['<h1>slotscope migration plan</h1>'];
  if (p.redacted) body.push(`<p class="verdict changes">${escapeHtml(redactionNote(p.redacted))}</p>`);
  if (p.skippedLines > 0) body.push(`<p class="verdict changes">${proseHtml(skippedNote(p.skippedLines))}</p>`);

  body.push('<h2>Runbook</h2><ol>');
  for (const step of p.runbook) body.push(`<li><strong>${proseHtml(step.title)}</strong>${htmlList([...step.actions, `Check: ${step.check}`])}</li>`);
  body.push('</ol>');

  const { before: b, after: a, fixed: f, broken: x } = p.predicted;
  body.push('<h2>Predicted cross-slot traffic</h2>', '<p>With every change below applied at once and the traffic analysed again.</p>');
  body.push(table(['', 'before', 'after all changes', 'fixed', 'newly cross-slot'], (['commands', 'transactions', 'scripts'] as const).map((k) => [k === 'scripts' ? 'script calls' : k, count(b[k]), count(a[k]), count(f[k]), count(x[k])]), ['left', 'right', 'right', 'right', 'right']));

  if (p.clientChanges.length > 0) {
    body.push('<h2>Client changes</h2>');
    for (const c of p.clientChanges) {
      body.push(`<h3>${escapeHtml(c.library)}: ${code(c.option)}</h3>`);
      body.push(`<p>Keys ${code(`${c.from}…`)} become ${code(`${c.to}…`)} (queues ${c.queues.map(code).join(', ')}). Fixes ${count(c.fixes.commands)} cross-slot commands, ${count(c.fixes.transactions)} transactions, ${count(c.fixes.scripts)} script calls.</p>`);
      body.push(`<p>Hotspot: slot ${c.hotspot.slot} carries ${share(c.hotspot.opsShare)} of all key operations${c.hotspot.bytesShare ? ` and ${share(c.hotspot.bytesShare)} of bytes` : ''}; its node ${share(c.hotspot.nodeOpsShare)} of all ops.</p>`);
      body.push(`<p>Set it on every one of: ${escapeHtml(c.objects.join(', '))}.</p>`, pre(c.snippet), htmlList(c.procedure), `<p class="muted">Identified by: ${proseHtml(c.evidence.join('; '))}.</p>`);
    }
  }

  body.push('<h2>Hash-tag renames</h2>');
  if (p.renames.length === 0) body.push('<p>None needed.</p>');
  for (const r of p.renames) {
    body.push(`<h3>${code(`{${r.tag}}`)}</h3>`);
    body.push(`<p>Fixes ${count(r.fixes.commands)} cross-slot commands, ${count(r.fixes.transactions)} transactions, ${count(r.fixes.scripts)} script calls. Hotspot: its busiest slot ${r.hotspot.slot}${r.hotspot.entity ? ` (${code(r.hotspot.entity)})` : ''} carries ${share(r.hotspot.opsShare)} of all key operations${r.hotspot.bytesShare ? ` and ${share(r.hotspot.bytesShare)} of bytes` : ''}; its node ${share(r.hotspot.nodeOpsShare)} of all ops.</p>`);
    body.push(table(['keys', 'become', 'regex', 'replacement'], r.rules.map((rule) => [printable(rule.from), printable(rule.to), rule.regex, rule.replacement]), ['left', 'left', 'left', 'left'], [true, true, true, true]));
  }

  if (p.conventions.length > 0) {
    body.push('<h2>Naming conventions that split an entity</h2><ul>');
    for (const c of p.conventions) body.push(`<li>${code(c.word)}: ${c.forms.map((y) => `${code(y.form)} (e.g. ${code(y.example)})`).join(', ')}: one entity's keys hash ${c.forms.length} ways. Choose one convention before renaming.</li>`);
    body.push('</ul>');
  }

  if (p.unfixable.length > 0) {
    body.push('<h2>Not fixable by renames</h2><ul>');
    for (const u of p.unfixable) body.push(`<li><strong>${escapeHtml(u.kind)}${u.command ? ` ${escapeHtml(u.command)}` : ''}</strong> (${escapeHtml(u.shape)}) over ${u.patterns.map(code).join(', ')}: ${count(u.count)} times.${htmlList(u.alternatives)}</li>`);
    body.push('</ul>');
  }

  if (p.libraries.length > 0) {
    body.push('<h2>Other client libraries seen</h2><ul>');
    for (const l of p.libraries) body.push(`<li><strong>${escapeHtml(l.library)}</strong> (${l.patterns.map(code).join(', ')}): ${proseHtml(l.advice)}</li>`);
    body.push('</ul>');
  }

  if (p.otherChanges.length > 0) {
    body.push('<h2>Other changes</h2><ul>');
    for (const c of p.otherChanges) body.push(`<li>${code(c.finding)} (${count(c.count)}): ${proseHtml(c.change)}</li>`);
    body.push('</ul>');
  }

  body.push(...replicaReads(p), ...layout(p));

  if (p.today) {
    body.push("<h2>Today's primaries under the changed load</h2>", table(['primary', 'slots', 'ops', 'share', 'keys'], p.today.map((t) => [t.address, formatSlotRanges(t.slots), count(t.ops), share(t.opsShare), count(t.keys)]), ['left', 'left', 'right', 'right', 'right'], [true]));
  }

  body.push('<h2>Key patterns</h2>', table(['pattern', 'keys', 'reads', 'writes', 'share of ops', 'bytes', 'with a TTL'], p.patterns.slice(0, 30).map((pt) => [printable(pt.pattern), count(pt.distinctKeys), count(pt.reads), count(pt.writes), share(pt.opsShare), count(pt.bytes), share(pt.expiringShare)]), ['left', 'right', 'right', 'right', 'right', 'right', 'right'], [true]));
  return htmlPage('slotscope migration plan', body);
}

function replicaReads(p: Plan): string[] {
  const r = p.replicaReads;
  const out = ['<h2>Replica reads</h2>'];
  if (r.candidates.length === 0) out.push('<p>No pattern that clients read far more than anyone writes, without reading their own writes: every read stays on the primaries.</p>');
  else {
    out.push('<p>Route only these patterns to replicas (reads by clients; commands run inside scripts stay on the primary). "stale exposure" is the share of reads within the window of any write to the key: a lagging replica may answer those with the old value.</p>');
    out.push(table(['pattern', 'client reads', 'writes', 'reads/s', 'read-your-own-write', 'stale exposure'], r.candidates.slice(0, 20).map((c) => [printable(c.pattern), count(c.reads), count(c.writes), c.readsPerSecond.toFixed(1), share(c.ownWriteReadShare), share(c.staleReadShare)]), ['left', 'right', 'right', 'right', 'right', 'right'], [true]));
  }
  if (r.excluded.length > 0) {
    out.push('<p>Kept on the primaries:</p>', table(['pattern', 'why', 'client reads', 'script reads', 'writes', 'read-your-own-write'], r.excluded.slice(0, 20).map((c) => [printable(c.pattern), EXCLUSION[c.reason], count(c.reads), count(c.scriptReads), count(c.writes), share(c.ownWriteReadShare)]), ['left', 'left', 'right', 'right', 'right', 'right'], [true]));
  }
  if (r.routing) {
    out.push('<p>ioredis (<code>scaleReads</code> chooses by key):</p>', pre(r.routing.ioredis), '<p>redis-py:</p>', pre(r.routing.redisPy), '<p>Lettuce:</p>', pre(r.routing.lettuce), `<p>${proseHtml(r.routing.jedis)}</p>`, '<p>go-redis:</p>', pre(r.routing.goRedis));
  }
  return out;
}

function layout(p: Plan): string[] {
  const l = p.layout;
  const name = (n: Plan['layout']['after']['nodes'][number]): string => (n.address ?? `node ${n.node}`);
  const out = [`<h2>Layout for ${l.shards} primaries</h2>`, `<p>${proseHtml(`Load is client commands plus the commands scripts ran, per slot. Before: ${l.basis === 'today' ? "today's primaries" : 'the even split `redis-cli --cluster create` makes'}.`)}</p>`];
  const before = l.basis === 'today' ? "today's primaries" : 'even split';
  out.push(nodeChart(`Ops per primary: ${before} and after the plan's moves`, 'ops', l.after.nodes.map(name), [
    { label: `before (${before})`, values: l.before.nodes.map((n) => n.ops) },
    { label: 'after the plan', values: l.after.nodes.map((n) => n.ops) },
  ]));
  // The plan keeps per-slot load for its hot slots only: the chart shows those, over the slots each primary gets.
  const hot = new Float64Array(SLOT_COUNT);
  for (const h of l.hotSlots) hot[h.slot] = h.ops;
  out.push(slotChart(hot, {
    title: `The slots of each primary after the plan, and the ${l.hotSlots.length} busiest slots`,
    unit: 'ops',
    ranges: l.after.nodes.map((n) => ({ label: `${name(n)}: ${formatSlotRanges(n.ranges)}`, ranges: n.ranges })),
    spikes: l.hotSlots.slice(0, 3).map((h) => ({ slot: h.slot, label: `slot ${h.slot}${h.keys[0] ? ` · ${printable(h.keys[0].key).slice(0, 24)}` : ''}` })),
  }));
  const rows = (nodes: Plan['layout']['after']['nodes']): string[][] => nodes.map((n) => [name(n), formatSlotRanges(n.ranges), count(n.ops), share(n.opsShare), count(n.keys), count(n.bytes)]);
  const align: Align[] = ['left', 'left', 'right', 'right', 'right', 'right'];
  out.push(table(['before: node', 'slots', 'ops', 'share', 'keys', 'bytes'], rows(l.before.nodes), align));
  const skew = (s: Plan['layout']['after']['skew']): string => `ops ${s.ops.toFixed(2)}x, keys ${s.keys.toFixed(2)}x${s.bytes === null ? '' : `, bytes ${s.bytes.toFixed(2)}x`}`;
  out.push(`<p>Busiest node over the mean: ${skew(l.before.skew)}.</p>`);
  if (l.moves.length === 0) {
    out.push(`<p>${proseHtml(l.evenSplitSuffices ? `Within ${l.maxSkew}x already: \`redis-cli --cluster create\` with ${l.shards} primaries is as good.` : 'No slot move lowers the busiest node.')}</p>`);
  } else {
    out.push(`<p>${l.basis === 'today' ? `After moving ${count(l.moves.length)} slots by load:` : `After giving ${count(l.moves.length)} slots another node than the even split:`}</p>`, table(['after: node', 'slots', 'ops', 'share', 'keys', 'bytes'], rows(l.after.nodes), align));
    out.push(`<p>Busiest node over the mean: ${skew(l.after.skew)}. No assignment goes below ${l.floorSkew.toFixed(2)}x (the busiest slot alone).</p>`);
  }
  if (l.hotSlots.length > 0) {
    out.push('<h3>Hot slots and the keys behind them</h3>', table(['slot', 'ops', 'share', 'scripts', 'node before → after', 'keys'], l.hotSlots.map((h) => [h.slot, count(h.ops), share(h.share), count(h.scriptOps), `${h.node} → ${h.nodeAfter}`, h.keys.map((k) => `${k.key} (${count(k.ops)})`).join(', ')]), ['right', 'right', 'right', 'right', 'left', 'left'], [false, false, false, false, false, true]));
  }
  if (l.moves.length > 0) {
    out.push(`<p>${proseHtml(l.basis === 'today' ? 'Moves exactly these slots (not `redis-cli --cluster reshard`, which picks the lowest-numbered slots itself):' : 'A new cluster with exactly this assignment:')}</p>`, pre(p.layoutScript));
  }
  return out;
}
