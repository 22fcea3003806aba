// File names of emoji newer than a width table: 🫠 (U+1FAE0, Unicode 14) takes two columns on a terminal and
// in displayWidth (Node's \p{Emoji_Presentation}). cli-table3 0.6.5 measures with string-width 4, which
// counts it as one and pads each such cell by one more: at 80 columns the Inputs row below was drawn 100
// wide and wrapped. This is why the tables are drawn by terminal-table.ts, not cli-table3.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/report/terminal-width.js';
import { CLI } from '../helpers/cli.js';
import { inTerminal } from './tmux.js';

describe('a file name of new emoji in an 80-column terminal', () => {
  it('keeps the Inputs table one line per row, within 80 columns, its columns aligned', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slotscope-emoji-'));
    const melting = join(dir, `${'\u{1FAE0}'.repeat(40)}.monitor`);
    const plain = join(dir, 'plain.monitor');
    copyFileSync('samples/app.monitor', melting);
    copyFileSync('samples/app.monitor', plain);
    const tty = await inTerminal([process.execPath, CLI, 'analyze', melting, plain]);
    expect(tty.status).toBe(0);
    // capture-pane -J joins a wrapped line: a row that did not fit is one line wider than 80 here.
    const lines = tty.screen.split('\n');
    const rows = lines.filter((l) => l.includes('monitor  '));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('\u{1FAE0}…');
    for (const l of rows) expect(displayWidth(l), l).toBeLessThanOrEqual(80);
    // The format column starts at the same terminal column on both rows.
    const formatAt = rows.map((l) => displayWidth(l.slice(0, l.lastIndexOf('monitor  '))));
    expect(formatAt[0]).toBe(formatAt[1]);
  });
});
