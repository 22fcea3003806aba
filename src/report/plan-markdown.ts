// The plan as Markdown, for a migration ticket or a pull request: the runbook first, then the changes it
// orders, then what they cost and what is left. Keys and patterns come printable (\xhh) in the plan: each
// goes in a code span (markdown-code.ts), fenced past its backticks, its pipes escaped in a table.
import type { Plan } from '../plan/make-plan.js';
import { formatSlotRanges } from '../slot/slot-ranges.js';
import { redactionNote } from './redact-report.js';
import { share } from './format-numbers.js';
import { skippedNote } from './skipped-lines.js';

import { codeSpan as code, folded, tableCode } from './markdown-code.js';

/** Patterns listed; tables longer than FOLD_ROWS are folded in <details>. */
const PATTERNS = 30;
const FOLD_ROWS = 10;

export function renderPlanMarkdown(p: Plan): string {
  const out: string[] = ['# slotscope migration plan', ''];
  if (p.redacted) out.push(`> ${redactionNote(p.redacted).replace(/</g, '&lt;')}`, '');
  if (p.skippedLines > 0) out.push(`> ${skippedNote(p.skippedLines)}`, '');

  out.push('## Runbook', '');
  p.runbook.forEach((step, i) => {
    out.push(`${i + 1}. **${step.title}**`);
    for (const a of step.actions) out.push(`   - ${a}`);
    out.push(`   - Check: ${step.check}`);
  });
  out.push('');

  const { before: b, after: a, fixed: f, broken: x } = p.predicted;
  out.push('## Predicted cross-slot traffic', '', 'With every change below applied at once and the traffic analysed again.', '');
  out.push('| | before | after all changes | fixed | newly cross-slot |', '|---|---:|---:|---:|---:|');
  out.push(`| commands | ${b.commands} | ${a.commands} | ${f.commands} | ${x.commands} |`, `| transactions | ${b.transactions} | ${a.transactions} | ${f.transactions} | ${x.transactions} |`, `| script calls | ${b.scripts} | ${a.scripts} | ${f.scripts} | ${x.scripts} |`, '');

  if (p.clientChanges.length > 0) {
    out.push('## Client changes', '');
    for (const c of p.clientChanges) {
      out.push(`### ${c.library}: ${code(c.option)}`, '');
      out.push(`Keys ${code(`${c.from}…`)} become ${code(`${c.to}…`)} (queues ${c.queues.map(code).join(', ')}). Fixes ${c.fixes.commands} cross-slot commands, ${c.fixes.transactions} transactions, ${c.fixes.scripts} script calls.`, '');
      out.push(`Hotspot: slot ${c.hotspot.slot} carries ${share(c.hotspot.opsShare)} of all key operations${c.hotspot.bytesShare ? ` and ${share(c.hotspot.bytesShare)} of bytes` : ''}; its node ${share(c.hotspot.nodeOpsShare)} of all ops.`, '');
      out.push(`Set it on every one of: ${c.objects.join(', ')}.`, '', '```js', c.snippet, '```', '');
      for (const s of c.procedure) out.push(`- ${s}`);
      out.push('', `Identified by: ${c.evidence.join('; ')}.`, '');
    }
  }

  out.push('## Hash-tag renames', '');
  if (p.renames.length === 0) out.push('None needed.', '');
  for (const r of p.renames) {
    out.push(`### ${code(`{${r.tag}}`)}`, '');
    out.push(`Fixes ${r.fixes.commands} cross-slot commands, ${r.fixes.transactions} transactions, ${r.fixes.scripts} script calls. Hotspot: its busiest slot ${r.hotspot.slot}${r.hotspot.entity ? ` (${code(r.hotspot.entity)})` : ''} carries ${share(r.hotspot.opsShare)} of all key operations${r.hotspot.bytesShare ? ` and ${share(r.hotspot.bytesShare)} of bytes` : ''}; its node ${share(r.hotspot.nodeOpsShare)} of all ops.`, '');
    out.push('| keys | become | regex | replacement |', '|---|---|---|---|');
    for (const rule of r.rules) out.push(`| ${tableCode(rule.from)} | ${tableCode(rule.to)} | ${tableCode(rule.regex)} | ${tableCode(rule.replacement)} |`);
    out.push('');
  }

  if (p.conventions.length > 0) {
    out.push('## Naming conventions that split an entity', '');
    for (const c of p.conventions) out.push(`- ${code(c.word)}: ${c.forms.map((x) => `${code(x.form)} (e.g. ${code(x.example)})`).join(', ')}: one entity's keys hash ${c.forms.length} ways. Choose one convention before renaming.`);
    out.push('');
  }

  if (p.unfixable.length > 0) {
    out.push('## Not fixable by renames', '');
    for (const u of p.unfixable) {
      out.push(`- **${u.kind}${u.command ? ` ${u.command}` : ''}** (${u.shape}) over ${u.patterns.map(code).join(', ')}: ${u.count} times.`);
      for (const alt of u.alternatives) out.push(`  - ${alt}`);
    }
    out.push('');
  }

  if (p.libraries.length > 0) {
    out.push('## Other client libraries seen', '');
    for (const l of p.libraries) out.push(`- **${l.library}** (${l.patterns.map(code).join(', ')}): ${l.advice}`);
    out.push('');
  }

  if (p.otherChanges.length > 0) {
    out.push('## Other changes', '');
    for (const c of p.otherChanges) out.push(`- ${code(c.finding)} (${c.count}): ${c.change}`);
    out.push('');
  }

  out.push(...replicaReadsSection(p), ...layoutSection(p));

  if (p.today) {
    out.push("## Today's primaries under the changed load", '', '| primary | slots | ops | share | keys |', '|---|---|---:|---:|---:|');
    for (const t of p.today) out.push(`| ${t.address} | ${formatSlotRanges(t.slots)} | ${t.ops} | ${share(t.opsShare)} | ${t.keys} |`);
    out.push('');
  }

  const shown = p.patterns.slice(0, PATTERNS);
  const patterns = ['| pattern | keys | reads | writes | share of ops | bytes | with a TTL |', '|---|---:|---:|---:|---:|---:|---:|'];
  for (const pt of shown) patterns.push(`| ${tableCode(pt.pattern)} | ${pt.distinctKeys} | ${pt.reads} | ${pt.writes} | ${share(pt.opsShare)} | ${pt.bytes} | ${share(pt.expiringShare)} |`);
  out.push('## Key patterns', '', 'Bytes come from memory reports and `capture scan --memory`; "with a TTL" is the share of the pattern\'s dumped keys that expire (`capture scan --ttl`).', '');
  out.push(...(shown.length > FOLD_ROWS ? folded(`${shown.length} of ${p.patterns.length} patterns`, patterns) : [...patterns, '']));
  return out.join('\n').trimEnd() + '\n';
}

function replicaReadsSection(p: Plan): string[] {
  const r = p.replicaReads;
  const out = ['## Replica reads', ''];
  if (r.candidates.length === 0) out.push('No pattern that clients read far more than anyone writes, without reading their own writes: every read stays on the primaries.', '');
  else {
    out.push('Route only these patterns to replicas (reads by clients; commands run inside scripts stay on the primary). "stale exposure" is the share of reads within the window of any write to the key: a lagging replica may answer those with the old value.', '');
    out.push('| pattern | client reads | writes | reads/s | read-your-own-write | stale exposure |', '|---|---:|---:|---:|---:|---:|');
    for (const c of r.candidates.slice(0, 20)) out.push(`| ${tableCode(c.pattern)} | ${c.reads} | ${c.writes} | ${c.readsPerSecond.toFixed(1)} | ${share(c.ownWriteReadShare)} | ${share(c.staleReadShare)} |`);
    out.push('');
  }
  if (r.excluded.length > 0) {
    out.push('Kept on the primaries:', '', '| pattern | why | client reads | script reads | writes | read-your-own-write |', '|---|---|---:|---:|---:|---:|');
    for (const c of r.excluded.slice(0, 20)) out.push(`| ${tableCode(c.pattern)} | ${EXCLUSION[c.reason]} | ${c.reads} | ${c.scriptReads} | ${c.writes} | ${share(c.ownWriteReadShare)} |`);
    out.push('');
  }
  if (r.routing) {
    out.push('ioredis (`scaleReads` chooses by key):', '', '```js', r.routing.ioredis, '```', '', 'redis-py:', '', '```python', r.routing.redisPy, '```', '');
    out.push('Lettuce:', '', '```java', r.routing.lettuce, '```', '', r.routing.jedis, '', 'go-redis:', '', '```go', r.routing.goRedis, '```', '');
  }
  return out;
}

export const EXCLUSION: Record<Plan['replicaReads']['excluded'][number]['reason'], string> = {
  'script-only': 'read only inside scripts',
  'few-client-reads': 'few client reads',
  'write-heavy': 'written too often',
  'reads-own-writes': 'clients read their own writes',
  'pooled-patterns': 'patterns past the tracked limit',
};

function layoutSection(p: Plan): string[] {
  const l = p.layout;
  const out = [`## Layout for ${l.shards} primaries`, ''];
  out.push(`Load is client commands plus the commands scripts ran, per slot. Before: ${l.basis === 'today' ? "today's primaries" : "the even split `redis-cli --cluster create` makes"}.`, '');
  const rows = (nodes: Plan['layout']['after']['nodes']): string[] => nodes.map((n) => `| ${n.node}${n.address ? ` (${n.address})` : ''} | ${formatSlotRanges(n.ranges)} | ${n.ops} | ${share(n.opsShare)} | ${n.keys} | ${n.bytes} |`);
  out.push('| before: node | slots | ops | share | keys | bytes |', '|---|---|---:|---:|---:|---:|', ...rows(l.before.nodes), '');
  const skew = (s: Plan['layout']['after']['skew']): string => `ops ${s.ops.toFixed(2)}x, keys ${s.keys.toFixed(2)}x${s.bytes === null ? '' : `, bytes ${s.bytes.toFixed(2)}x`}`;
  out.push(`Busiest node over the mean: ${skew(l.before.skew)}.`, '');
  if (l.moves.length === 0) {
    out.push(l.evenSplitSuffices ? `Within ${l.maxSkew}x already: \`redis-cli --cluster create\` with ${l.shards} primaries is as good.` : 'No slot move lowers the busiest node.', '');
  } else {
    out.push(l.basis === 'today' ? `After moving ${l.moves.length} slots by load:` : `After giving ${l.moves.length} slots another node than the even split (slots with load, and empty slots between them so ranges stay few):`, '', '| after: node | slots | ops | share | keys | bytes |', '|---|---|---:|---:|---:|---:|', ...rows(l.after.nodes), '');
    out.push(`Busiest node over the mean: ${skew(l.after.skew)}. No assignment goes below ${l.floorSkew.toFixed(2)}x (the busiest slot alone).`, '');
  }
  if (l.hotSlots.length > 0) {
    out.push('Hot slots and the keys behind them (client commands; a bounded sketch per slot that starts once the slot stands out):', '', '| slot | ops | share | scripts | node before → after | keys |', '|---:|---:|---:|---:|---|---|');
    for (const h of l.hotSlots) out.push(`| ${h.slot} | ${h.ops} | ${share(h.share)} | ${h.scriptOps} | ${h.node} → ${h.nodeAfter} | ${h.keys.map((k) => `${tableCode(k.key)} ${k.ops}`).join(', ')} |`);
    out.push('');
  }
  if (l.moves.length > 0) {
    out.push(l.basis === 'today' ? 'Moves exactly these slots (not `redis-cli --cluster reshard`, which picks the lowest-numbered slots itself):' : 'A new cluster with exactly this assignment:', '', '```bash', p.layoutScript.trimEnd(), '```', '');
  }
  return out;
}
