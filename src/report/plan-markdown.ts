// The plan as Markdown, for a migration ticket or a pull request.
import type { Plan } from '../plan/make-plan.js';
import { formatSlotRanges } from '../slot/slot-ranges.js';
import { redactionNote } from './redact-report.js';
import { share } from './report-sections.js';

const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

export function renderPlanMarkdown(p: Plan): string {
  const out: string[] = ['# slotscope migration plan', ''];
  if (p.redacted) out.push(`> ${redactionNote(p.redacted).replace(/</g, '&lt;')}`, '');
  const b = p.predicted.before;
  const a = p.predicted.after;
  out.push('## Predicted cross-slot traffic', '', '| | before | after the renames |', '|---|---:|---:|');
  out.push(`| commands | ${b.commands} | ${a.commands} |`, `| transactions | ${b.transactions} | ${a.transactions} |`, `| script calls | ${b.scripts} | ${a.scripts} |`, '');

  out.push('## Hash-tag renames', '');
  if (p.renames.length === 0) out.push('None needed.', '');
  for (const r of p.renames) {
    out.push(`### ${code(`{${r.tag}}`)}`, '');
    out.push(`Fixes ${r.fixes.commands} cross-slot commands, ${r.fixes.transactions} transactions, ${r.fixes.scripts} script calls. Hotspot: the busiest entity ${code(r.hotspot.entity)} carries ${share(r.hotspot.opsShare)} of keyed ops; its node ${share(r.hotspot.nodeOpsShare)}.`, '');
    out.push('| keys | become | regex | replacement |', '|---|---|---|---|');
    for (const rule of r.rules) out.push(`| ${code(rule.from)} | ${code(rule.to)} | ${code(rule.regex)} | ${code(rule.replacement)} |`);
    out.push('');
  }

  if (p.unfixable.length > 0) {
    out.push('## Not fixable by renames', '');
    for (const u of p.unfixable) {
      out.push(`- **${u.kind}${u.command ? ` ${u.command}` : ''}** over ${u.patterns.map(code).join(', ')}: ${u.count} times.`);
      for (const alt of u.alternatives) out.push(`  - ${alt}`);
    }
    out.push('');
  }

  if (p.otherChanges.length > 0) {
    out.push('## Other changes', '');
    for (const c of p.otherChanges) out.push(`- ${code(c.finding)} (${c.count}): ${c.change}`);
    out.push('');
  }

  out.push('## Replica reads', '', p.replicaReads.clientSettings, '');
  if (p.replicaReads.candidates.length === 0) out.push('No read-heavy pattern without read-your-own-write.', '');
  else {
    out.push('| pattern | reads | writes | reads/s | read-your-own-write |', '|---|---:|---:|---:|---:|');
    for (const c of p.replicaReads.candidates.slice(0, 20)) out.push(`| ${code(c.pattern)} | ${c.reads} | ${c.writes} | ${c.readsPerSecond.toFixed(1)} | ${share(c.ownWriteReadShare)} |`);
    out.push('');
  }

  const l = p.layout;
  out.push(`## Layout for ${l.shards} primaries`, '', '| node | slots | ops | share | keys | bytes |', '|---|---|---:|---:|---:|---:|');
  for (const n of l.nodes) out.push(`| ${n.node} | ${n.from}-${n.to} | ${n.ops} | ${share(n.opsShare)} | ${n.keys} | ${n.bytes} |`);
  out.push('', `Busiest node: ${l.skew.toFixed(2)}x the mean. Hot slots: ${l.hotSlots.slice(0, 5).map((h) => `${h.slot} (${share(h.share)})`).join(', ') || 'none'}.`, '');
  if (l.rebalance) {
    out.push(`Rebalanced ranges bring it to ${l.rebalance.skew.toFixed(2)}x:`, '');
    for (const s of l.rebalance.steps) out.push(`- \`redis-cli --cluster reshard HOST:PORT --cluster-from <node ${s.fromNode} id> --cluster-to <node ${s.toNode} id> --cluster-slots ${s.slots} --cluster-yes\` (slots ${s.ranges})`);
    out.push('');
  }

  if (p.today) {
    out.push("## Today's primaries under the renamed load", '', '| primary | slots | ops | share | keys |', '|---|---|---:|---:|---:|');
    for (const t of p.today) out.push(`| ${t.address} | ${formatSlotRanges(t.slots)} | ${t.ops} | ${share(t.opsShare)} | ${t.keys} |`);
    out.push('');
  }

  out.push('## Key patterns', '', '| pattern | keys | reads | writes | share of ops |', '|---|---:|---:|---:|---:|');
  for (const pt of p.patterns.slice(0, 30)) out.push(`| ${code(pt.pattern)} | ${pt.distinctKeys} | ${pt.reads} | ${pt.writes} | ${share(pt.opsShare)} |`);
  return out.join('\n') + '\n';
}
