// Runs a command in a real pseudo-terminal: a detached tmux session of a given size on a tmux server of
// its own (-L), so the test sees what a person would: the screen after the command, with wrapped lines
// joined (capture-pane -J, so a line's real width can be measured), and, through pipe-pane, every byte
// the command wrote to the terminal (progress redraws included).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../helpers/redis.js';

export interface TerminalRun {
  /** The screen and its scrollback, wrapped lines joined, without the end marker. */
  screen: string;
  /** The same with colour escapes (capture-pane -e). */
  styled: string;
  /** Every byte written to the terminal. */
  raw: string;
  status: number;
}

const END = '__slotscope_end__';
let sessions = 0;

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `argv` (with `env` added; COLUMNS and colour variables removed unless given) in a width x 50 terminal. */
export async function inTerminal(argv: string[], options: { width?: number; env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<TerminalRun> {
  const socket = `slotscope-test-${process.pid}-${++sessions}`;
  const dir = mkdtempSync(join(tmpdir(), 'slotscope-tty-'));
  const raw = join(dir, 'raw');
  const env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${q(v)}`).join(' ');
  // The command waits for a line on its terminal, so pipe-pane is listening before the first byte.
  const script = `read go; cd ${q(options.cwd ?? process.cwd())} && env -u COLUMNS -u NO_COLOR -u FORCE_COLOR TERM=xterm-256color ${env} ${argv.map(q).join(' ')}; echo "${END} $?"; sleep 600`;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  try {
    tmux('new-session', '-d', '-s', 'run', '-x', String(options.width ?? 80), '-y', '50', 'sh', '-c', script);
    tmux('set-option', '-t', 'run', 'history-limit', '10000');
    tmux('pipe-pane', '-t', 'run', '-o', `cat > ${q(raw)}`);
    tmux('send-keys', '-t', 'run', 'Enter');
    const screen = await waitFor('the command to end', async () => {
      const s = tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'run');
      return s.includes(`${END} `) ? s : undefined;
    }, options.timeoutMs ?? 60_000);
    const styled = tmux('capture-pane', '-p', '-J', '-e', '-S', '-', '-t', 'run');
    const status = Number(/__slotscope_end__ (\d+)/.exec(screen)![1]);
    const cut = (s: string): string => s.slice(0, s.indexOf(END)).replace(/\n+$/, '\n');
    return { screen: cut(screen), styled: cut(styled), raw: readFileSync(raw, 'utf8'), status };
  } finally {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Lines wider than `width` columns that are more than one unbroken word (the report's only allowed overflow). */
export function overflowing(screen: string, width: number, measure: (s: string) => number): string[] {
  return screen.split('\n').filter((l) => measure(l) > width && /\S\s+\S/.test(l.trim()));
}

/** Every state of the progress line: the text each `\r\x1b[K` redraw put there, leaving out a line ended by a newline (the summary; the terminal writes \n as \r\n). */
export function redraws(raw: string): string[] {
  return raw
    .split('\r\x1b[K')
    .slice(1)
    .filter((s) => !/^[^\r\n]*\r?\n/.test(s))
    .map((s) => s.split('\r')[0])
    .filter(Boolean);
}
