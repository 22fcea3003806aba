// verify's result for a person: the table `verify -f table` prints (sized to the terminal, as analyze's
// is), and the short summary on stderr beside `-f json`.
import { count } from '../report/format-numbers.js';
import { layoutTable } from '../report/terminal-table.js';
import { PLAIN, paintGate, type TerminalStyle } from '../report/terminal-style.js';
import { terminalSafe, wrapToWidth } from '../report/terminal-width.js';
import type { VerifyDifference, VerifyResult } from './verify-plan.js';

const headline = (r: VerifyResult): string => `verify: ${r.replayed} commands replayed into ${r.primaries} primaries; ${r.match ? 'the cluster answered exactly as predicted' : 'the cluster did NOT answer as predicted'}`;

const planFigure = (row: VerifyResult['rows'][number]): string => (row.plan === undefined ? '' : `${count(row.plan)}${row.notReplayed ? ` (${count(row.notReplayed)} not replayed)` : ''}`);

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

const differenceText = (d: VerifyDifference): string => `${d.node}:${d.line}: ${d.command} ${d.keys.join(' ')}: ${d.what} predicted ${yesNo(d.predicted)}, observed ${yesNo(d.observed)}`;

/** What was compared with reservations: script calls left out, commands not sent, lines unread. */
function notes(r: VerifyResult): string[] {
  const lines: string[] = [];
  const u = r.unpredictable;
  if (u.calls > 0) lines.push(`${u.calls} script calls not compared (${u.failedInCluster} failed in the cluster): they read keys an earlier refused command or failed script would have written, first at ${u.first.slice(0, 3).map((x) => `${x.node}:${x.line}`).join(', ')}`);
  const skipped = Object.entries(r.notReplayed).sort(([a], [b]) => a.localeCompare(b));
  if (skipped.length > 0) lines.push(`not replayed: ${skipped.map(([name, n]) => `${name} ${n}`).join(', ')}`);
  if (r.skippedLines > 0) lines.push(`${r.skippedLines} capture lines could not be read and were neither replayed nor predicted`);
  return lines;
}

/** The short human summary for stderr: one line per row, then the first differing lines. */
export function renderVerifySummary(r: VerifyResult): string {
  const lines = [headline(r)];
  for (const row of r.rows) {
    const plan = row.plan === undefined ? '' : `, plan ${row.plan}${row.notReplayed ? ` (${row.notReplayed} on lines not replayed)` : ''}`;
    lines.push(`  ${row.match ? 'ok  ' : 'DIFF'} ${row.what}: predicted ${row.predicted}, observed ${row.observed}${plan}`);
  }
  for (const d of r.differences) lines.push(`  ${differenceText(d)}`);
  for (const n of notes(r)) lines.push(`  ${n}`);
  return lines.map((l) => `slotscope: ${l}\n`).join('');
}

/** `verify -f table`: the headline, one row per compared figure, the first differing lines, the notes. */
export function renderVerifyTable(r: VerifyResult, width: number, style: TerminalStyle = PLAIN): string {
  const prose = (l: string, first = '', rest = `${first}  `): string[] => wrapToWidth(terminalSafe(l), width, first, rest);
  const out = prose(headline(r), '', '  ');
  out[0] = `${paintGate(style, r.match)} ${out[0]}`;
  out.push(
    '',
    ...layoutTable(
      { head: ['', 'what', 'predicted', 'observed', 'plan'], align: ['left', 'left', 'right', 'right', 'right'], rows: r.rows.map((row) => [row.match ? 'ok' : 'DIFF', row.what, count(row.predicted), count(row.observed), planFigure(row)]) },
      width,
      (row, col, text) => (col === 0 && !r.rows[row].match ? style.paint(['bold', 'red'], text) : text),
    ),
  );
  if (r.differences.length) out.push('', 'First lines predicted and answered differently:', ...r.differences.flatMap((d) => prose(differenceText(d), '  ')));
  const n = notes(r);
  if (n.length) out.push('', ...n.flatMap((l) => prose(l)));
  return out.join('\n') + '\n';
}
