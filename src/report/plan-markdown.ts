// The plan as Markdown, for a migration ticket or a pull request: the runbook first, then the changes it
// orders, then what they cost and what is left. Keys and patterns are bytes: every one goes through
// code(), which escapes unprintable bytes, fences backticks and escapes the pipes a table would split on.
import type { Plan } from '../plan/make-plan.js';
import { formatSlotRanges } from '../slot/slot-ranges.js';
import { share } from './report-sections.js';

const hex = (c: string): string => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
/** Bytes outside printable ASCII as `\xhh`, a backslash as `\\` (keys are latin1 strings: one character per byte). */
const printable = (s: string): string => s.replace(/[\x00-\x1f\x7f-\xff\\]/g, (c) => (c === '\\' ? '\\\\' : hex(c)));
/** The same for a regular expression, where `\xhh` means the byte and a backslash is already an escape. */
const printableRegex = (s: string): string => s.replace(/[\x00-\x1f\x7f-\xff]/g, hex);

/** A code span of a key or pattern: unprintable bytes escaped, then fenced (codeSpan). */
export const code = (s: string): string => codeSpan(printable(s));

/** A code span that holds any text: a fence longer than any run of backticks inside, pipes escaped for tables. */
function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text.startsWith(' ') || text.endsWith(' ') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/** Prose that may hold a key in backticks already: only the pipes need escaping in a table or list. */
const prose = (s: string): string => s.replace(/\|/g, '\\|');

export function renderPlanMarkdown(p: Plan): string {
  const out: string[] = ['# slotscope migration plan', ''];

  out.push('## Runbook', '');
  p.runbook.forEach((step, i) => {
    out.push(`${i + 1}. **${step.title}**`);
    for (const a of step.actions) out.push(`   - ${prose(a)}`);
    out.push(`   - Check: ${prose(step.check)}`);
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
      for (const s of c.procedure) out.push(`- ${prose(s)}`);
      out.push('', `Identified by: ${prose(c.evidence.join('; '))}.`, '');
    }
  }

  out.push('## Hash-tag renames', '');
  if (p.renames.length === 0) out.push('None needed.', '');
  for (const r of p.renames) {
    out.push(`### ${code(`{${r.tag}}`)}`, '');
    out.push(`Fixes ${r.fixes.commands} cross-slot commands, ${r.fixes.transactions} transactions, ${r.fixes.scripts} script calls. Hotspot: its busiest slot ${r.hotspot.slot}${r.hotspot.entity ? ` (${code(r.hotspot.entity)})` : ''} carries ${share(r.hotspot.opsShare)} of all key operations${r.hotspot.bytesShare ? ` and ${share(r.hotspot.bytesShare)} of bytes` : ''}; its node ${share(r.hotspot.nodeOpsShare)} of all ops.`, '');
    out.push('| keys | become | regex | replacement |', '|---|---|---|---|');
    for (const rule of r.rules) out.push(`| ${code(rule.from)} | ${code(rule.to)} | ${codeSpan(printableRegex(rule.regex))} | ${codeSpan(rule.replacement)} |`);
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
      for (const alt of u.alternatives) out.push(`  - ${prose(alt)}`);
    }
    out.push('');
  }

  if (p.libraries.length > 0) {
    out.push('## Other client libraries seen', '');
    for (const l of p.libraries) out.push(`- **${l.library}** (${l.patterns.map(code).join(', ')}): ${prose(l.advice)}`);
    out.push('');
  }

  if (p.otherChanges.length > 0) {
    out.push('## Other changes', '');
    for (const c of p.otherChanges) out.push(`- ${code(c.finding)} (${c.count}): ${prose(c.change)}`);
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
    out.push("## Today's primaries under the changed load", '', '| primary | slots | ops | share | keys |', '|---|---|---:|---:|---:|');
    for (const t of p.today) out.push(`| ${t.address} | ${formatSlotRanges(t.slots)} | ${t.ops} | ${share(t.opsShare)} | ${t.keys} |`);
    out.push('');
  }

  out.push('## Key patterns', '', '| pattern | keys | reads | writes | share of ops |', '|---|---:|---:|---:|---:|');
  for (const pt of p.patterns.slice(0, 30)) out.push(`| ${code(pt.pattern)} | ${pt.distinctKeys} | ${pt.reads} | ${pt.writes} | ${share(pt.opsShare)} |`);
  return out.join('\n') + '\n';
}
