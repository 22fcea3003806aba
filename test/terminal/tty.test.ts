// The CLI in a real 80-column terminal (tmux), and in a pipe: what a person sees, what a script gets.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/report/terminal-width.js';
import { CLI } from '../helpers/cli.js';
import { inTerminal, overflowing, redraws } from './tmux.js';

const QUICK_START = ['analyze', 'samples/app.monitor', 'samples/benchmark.monitor', 'samples/app-memory.csv'];
const SGR = /\x1b\[[\d;]*m/;
const node = (args: string[]): string[] => [process.execPath, CLI, ...args];

/** The CLI with stdout and stderr pipes and exactly this environment's colour and width variables. */
function piped(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['COLUMNS', 'NO_COLOR', 'FORCE_COLOR'].includes(k)));
  const r = spawnSync(process.execPath, [CLI, ...args], { env: { ...clean, ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}


describe('the quick start in an 80-column terminal', () => {
  it('has no line wider than 80 apart from single unbroken keys, the verdict in colour, and the same report as a pipe gets', async () => {
    const tty = await inTerminal(node(QUICK_START));
    expect(tty.status).toBe(0);
    expect(overflowing(tty.screen, 80, displayWidth)).toEqual([]);
    expect(tty.screen.split('\n').length).toBeGreaterThan(100);
    expect(tty.styled).toMatch(/\x1b\[[\d;]*31m[^\n]*Verdict: BLOCKED/);
    // Progress ended in the summary line, then the report: identical to what a pipe gets at 80 columns.
    const pipe = piped(QUICK_START);
    expect(tty.screen).toMatch(/^\n?read 3 inputs, 411 kB, 3,268 commands and 300 keys in [\d.]+ s \([\d.]+ [kMG]?B\/s\)\n/);
    expect(tty.screen.replace(/^\n?read 3 inputs[^\n]*\n/, '')).toBe(pipe.stdout);
  });

  it('has no escape codes with NO_COLOR=1 or FORCE_COLOR=0', async () => {
    for (const env of [{ NO_COLOR: '1' }, { FORCE_COLOR: '0' }] as Record<string, string>[]) {
      const tty = await inTerminal(node(QUICK_START), { env });
      expect(tty.status).toBe(0);
      expect(tty.screen).toMatch(/Verdict: BLOCKED/);
      expect(tty.styled).not.toMatch(SGR);
      expect(tty.raw).not.toMatch(SGR);
    }
  });

  it('is as wide as a wider terminal', async () => {
    const tty = await inTerminal(node(QUICK_START), { width: 160 });
    const widths = tty.screen.split('\n').map(displayWidth);
    expect(Math.max(...widths)).toBeLessThanOrEqual(160);
    expect(Math.max(...widths)).toBeGreaterThan(120);
  });
});

describe('piped', () => {
  it('has no colour and no progress, summary included', () => {
    const r = piped(QUICK_START);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/\x1b/);
    expect(r.stderr).toBe('');
  });

  it('has colour with FORCE_COLOR=1, still without progress, and COLUMNS sets the width', () => {
    const r = piped(QUICK_START, { FORCE_COLOR: '1', COLUMNS: '120' });
    expect(r.stdout).toMatch(/^\x1b\[1m\x1b\[31mVerdict: BLOCKED\x1b\[39m\x1b\[22m/);
    expect(r.stdout).toMatch(/\x1b\[31mblocker\x1b\[39m/);
    expect(r.stderr).toBe('');
    const widths = r.stdout.replace(/\x1b\[[\d;]*m/g, '').split('\n').map(displayWidth);
    expect(Math.max(...widths)).toBeLessThanOrEqual(120);
    expect(Math.max(...widths)).toBeGreaterThan(80);
  });
});

describe('progress', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slotscope-progress-'));
  // A path three terminal rows long: a progress line that is not cut wraps, and `\r` redraws only its last row.
  const deep = join(dir, 'a-capture-folder-with-a-long-descriptive-name-'.repeat(5));
  mkdirSync(deep, { recursive: true });
  const input = join(deep, 'app.monitor');
  copyFileSync('samples/app.monitor', input);

  it('is one line cut to the width, leaving no stale rows, for analyze, check and both passes of plan', async () => {
    for (const [args, summary] of [
      [['analyze', input, '-o', join(dir, 'report.txt')], /^\n?read 1 input, \d+ kB, 1,768 commands in [\d.]+ s/],
      [['check', input], /^\n?read 1 input, \d+ kB, 1,768 commands in [\d.]+ s/],
      [['plan', input, '-o', join(dir, 'plan.md')], /^\n?planned from 1 input \(\d+ kB, read twice\) in [\d.]+ s\n$/],
    ] as const) {
      const tty = await inTerminal(node([...args]));
      const lines = redraws(tty.raw);
      expect(lines.length, args[0]).toBeGreaterThan(0);
      for (const l of lines) expect(displayWidth(l), l).toBeLessThan(80);
      if (args[0] === 'plan') {
        expect(lines.some((l) => l.startsWith('pass 1 reading 1/1 /'))).toBe(true);
        expect(lines.some((l) => l.startsWith('pass 2 reading 1/1 /'))).toBe(true);
      } else expect(lines[0]).toMatch(/^reading 1\/1 \/tmp\/.*…$/);
      expect(tty.screen, args[0]).not.toMatch(/reading|a-capture-folder/);
      expect(tty.screen).toMatch(summary);
    }
  });

  it('colours the gates of check on a terminal', async () => {
    const tty = await inTerminal(node(['check', input]));
    expect(tty.status).toBe(1);
    expect(tty.screen).toMatch(/^FAIL {2}verdict: blocked/m);
    expect(tty.styled).toMatch(/\x1b\[[\d;]*31mFAIL/);
    expect(tty.styled).toMatch(/\x1b\[[\d;]*32mPASS/);
  });
});

describe('--quiet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slotscope-quiet-'));
  const bad = join(dir, 'bad.monitor');
  writeFileSync(bad, `${readFileSync('samples/app.monitor', 'latin1').split('\n').slice(0, 50).join('\n')}\nnot a monitor line\n`);

  it('drops progress, the summary, notes and warnings, before or after the command; the product is unchanged', async () => {
    const loud = piped(['analyze', bad]);
    expect(loud.stderr).toMatch(/^slotscope: .*bad\.monitor:51: /m);
    for (const args of [['--quiet', 'analyze', bad], ['analyze', '-q', bad], ['analyze', bad, '--quiet']]) {
      const quiet = piped(args);
      expect(quiet.status).toBe(0);
      expect(quiet.stderr).toBe('');
      expect(quiet.stdout).toBe(loud.stdout);
    }
    const tty = await inTerminal(node(['-q', 'analyze', bad, '-o', join(dir, 'r.txt')]));
    expect(tty.raw).not.toMatch(/reading|read 1 input|slotscope:/);
    expect(tty.screen.trim()).toBe('');
  });

  it('still prints errors', () => {
    const r = piped(['--quiet', 'analyze', join(dir, 'missing.monitor')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^slotscope: .*missing\.monitor: /);
  });
});

describe('keyslot --stdin', () => {
  const KEYS = "printf 'a\\033[31mred\\nplain\\n'";
  it('passes the raw bytes to a pipe, and shows them to a terminal as \\xhh', async () => {
    const pipe = spawnSync('sh', ['-c', `${KEYS} | ${process.execPath} ${CLI} keyslot --stdin`], { encoding: 'latin1' });
    expect(pipe.stdout).toMatch(/^\d+\ta\x1b\[31mred\n\d+\tplain\n$/);
    const tty = await inTerminal(['sh', '-c', `${KEYS} | ${process.execPath} ${CLI} keyslot --stdin`]);
    expect(tty.status).toBe(0);
    expect(tty.raw).not.toContain('\x1b[31mred');
    expect(tty.screen).toMatch(/\d+\s+a\\x1b\[31mred\n\d+\s+plain/);
  });
});
