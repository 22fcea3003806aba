import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../src/analyze/analyze-inputs.js';
import { type Report, buildReport } from '../../src/report/report.js';
import { renderTable } from '../../src/report/table-report.js';
import { slotscope } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'slotscope-ready-'));
let n = 0;
/** A capture from lines `client|db|args...`, in MONITOR format. */
function capture(lines: string[]): string {
  const path = join(dir, `c${n++}.monitor`);
  const body = lines.map((l, i) => {
    const [client, db, ...args] = l.split('|');
    return `1795370304.${String(100000 + i)} [${db} ${client}] ${args.map((a) => JSON.stringify(a)).join(' ')}`;
  });
  writeFileSync(path, ['OK', ...body].join('\n') + '\n');
  return path;
}
async function report(lines: string[]): Promise<Report> {
  return buildReport(await analyzeInputs([{ path: capture(lines), node: 'n' }]));
}
const finding = (r: Report, id: string) => r.findings.find((f) => f.id === id);

describe('readiness rules', () => {
  it('follows MULTI blocks per client even when they interleave', async () => {
    const r = await report([
      '1.1.1.1:1|0|multi',
      '2.2.2.2:2|0|multi',
      '2.2.2.2:2|0|set|{u:1}:a|x',
      '1.1.1.1:1|0|set|user:1:a|x',
      '2.2.2.2:2|0|set|{u:1}:b|y',
      '1.1.1.1:1|0|set|user:1:b|y',
      '2.2.2.2:2|0|exec',
      '1.1.1.1:1|0|exec',
    ]);
    expect(r.totals.transactions).toBe(2);
    expect(r.totals.crossSlotTransactions).toBe(1);
    expect(finding(r, 'cross-slot-transaction')?.example?.command).toBe('multi; set "user:1:a" ?; set "user:1:b" ?; exec');
    expect(r.transactions.commandsInCrossSlot).toEqual({ set: 2 });
  });

  it('counts a discarded block in the total but judges neither it nor cut blocks', async () => {
    const r = await report([
      '1.1.1.1:1|0|exec', // MULTI before the capture started
      '1.1.1.1:1|0|multi',
      '1.1.1.1:1|0|discard',
      '3.3.3.3:3|0|multi',
      '3.3.3.3:3|0|set|a|1',
      '3.3.3.3:3|0|set|b|1', // capture ends before EXEC
    ]);
    expect(r.totals.transactions).toBe(1);
    expect(r.totals.crossSlotTransactions).toBe(0);
    expect(finding(r, 'partial-transaction')?.count).toBe(2);
  });

  it('reports db other than 0 with its key patterns, and decides the verdict', async () => {
    const blocked = await report(['1.1.1.1:1|1|select|1', '1.1.1.1:1|1|set|report:2026-01-01|x', '1.1.1.1:1|1|move|report:2026-01-01|0']);
    expect(blocked.dbs['1']).toEqual({ commands: 3, patterns: { 'report:<date>': 2 } });
    expect(blocked.verdict).toEqual({ status: 'blocked', decidedBy: ['move-swapdb'] });
    const changes = await report(['1.1.1.1:1|0|keys|user:*', '1.1.1.1:1|0|get|a']);
    expect(changes.verdict).toEqual({ status: 'ready with changes', decidedBy: ['single-node-keyspace'] });
    const ready = await report(['1.1.1.1:1|0|mset|{u:1}:a|1|{u:1}:b|2', '1.1.1.1:1|0|get|a']);
    expect(ready.verdict).toEqual({ status: 'ready', decidedBy: [] });
  });

  it('never prints values, AUTH arguments or script bodies', async () => {
    const lines = [
      '1.1.1.1:1|0|auth|admin|hunter2-secret',
      '1.1.1.1:1|0|mset|a|value-secret-1|b|value-secret-2',
      '1.1.1.1:1|0|eval|return "body-secret"|2|a|b',
      '1.1.1.1:1|0|publish|chan|payload-secret',
      '1.1.1.1:1|0|multi',
      '1.1.1.1:1|0|set|x|tx-secret',
      '1.1.1.1:1|0|set|y|tx-secret',
      '1.1.1.1:1|0|exec',
    ];
    const path = capture(lines);
    for (const format of ['json', 'table']) {
      const out = slotscope(['analyze', '-f', format, path]).stdout;
      expect(out).not.toMatch(/secret/);
      expect(out).toMatch(/mset \\?"a\\?" \? \\?"b\\?" \?/);
    }
    const redacted = slotscope(['analyze', '--redact-keys', path]).stdout;
    expect(redacted).toMatch(/mset <key> \? <key> \?/);
    expect(renderTable(await report(lines))).toMatch(/cross-slot-transaction/);
  });

  it('counts unix-socket clients and unknown (module) commands as such', async () => {
    const r = await report(['unix:/run/redis.sock|0|get|a', 'unix:/run/redis.sock|0|json.set|doc:1|$|{}']);
    expect(finding(r, 'unix-socket-clients')?.count).toBe(2);
    expect(finding(r, 'unknown-command')?.count).toBe(1);
    expect(r.unknownCommands).toEqual({ 'json.set': 1 });
  });
});
