// Lines plan cannot read are said as analyze says them (file:line and reason on stderr, the count in
// the plan), and --strict fails on them: a plan made from a capture with broken lines used to say nothing.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/make-plan.js';
import type { Report } from '../../src/report/report.js';
import { slotscope } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'slotscope-plan-skipped-'));
// A real capture with lines broken as a capture cut mid-write leaves them: halves, and a line of garbage.
const lines = readFileSync('samples/app.monitor', 'latin1').split('\n');
for (const at of [40, 400, 900, 1300]) lines[at] = lines[at].slice(0, Math.floor(lines[at].length / 2));
lines.splice(700, 0, '\u0001\u0002 not a line of MONITOR');
const broken = join(dir, 'app.monitor');
writeFileSync(broken, lines.join('\n'), 'latin1');

describe('plan on a capture with lines it cannot read', () => {
  const analyzed = slotscope(['analyze', '-f', 'json', broken]);
  const report = JSON.parse(analyzed.stdout) as Report;

  it('counts them in the plan and names them on stderr as analyze does', () => {
    expect(report.totals.skippedLines).toBeGreaterThan(3);
    const planned = slotscope(['plan', '-f', 'json', broken]);
    expect(planned.status).toBe(0);
    expect((JSON.parse(planned.stdout) as Plan).skippedLines).toBe(report.totals.skippedLines);
    expect(planned.stderr).toBe(analyzed.stderr);
    expect(planned.stderr).toContain(`slotscope: ${broken}: ${report.totals.skippedLines} lines skipped in all\n`);
  });

  it('--max-line-bytes skips the same lines in analyze, check and plan, and says so alike', () => {
    const long = ['analyze', 'check', 'plan'].map((cmd) => slotscope([cmd, '--max-line-bytes', '2000', '-o', join(dir, `${cmd}.out`), broken]));
    const skipped = (JSON.parse(slotscope(['analyze', '-f', 'json', '--max-line-bytes', '2000', broken]).stdout) as Report).totals.skippedLines;
    expect(skipped).toBeGreaterThan(report.totals.skippedLines); // the capture's long lines (BullMQ's scripts) too
    expect(long[0].stderr).toContain(`: ${skipped} lines skipped in all\n`);
    expect(long[1].stderr).toBe(long[0].stderr);
    expect(long[2].stderr).toBe(long[0].stderr);
  });

  it('says so at the head of the markdown plan, and --strict exits 2 with the plan written', () => {
    const out = join(dir, 'plan.md');
    const strict = slotscope(['plan', '--strict', '-o', out, broken]);
    expect(strict.status).toBe(2);
    expect(readFileSync(out, 'latin1')).toContain(`> ${report.totals.skippedLines} input lines could not be read and are in none of these figures`);
    expect(slotscope(['plan', '--strict', '-o', join(dir, 'clean.md'), 'samples/app.monitor']).status).toBe(0);
  });
});
