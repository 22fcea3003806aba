// When colour is on, and how wide the report is, as the environment and the stream decide.
import { describe, expect, it } from 'vitest';
import { terminalColumns } from '../../src/report/terminal-size.js';
import { colourWanted, paintGate, terminalStyle } from '../../src/report/terminal-style.js';

const TTY = { isTTY: true };
const PIPE = { isTTY: false };

describe('colour', () => {
  it('is on for a terminal, off for a pipe, off on a dumb terminal', () => {
    expect(colourWanted(TTY, {})).toBe(true);
    expect(colourWanted(PIPE, {})).toBe(false);
    expect(colourWanted(TTY, { TERM: 'dumb' })).toBe(false);
  });

  it('is off with any non-empty NO_COLOR, and NO_COLOR= (empty) is as if unset', () => {
    expect(colourWanted(TTY, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted(TTY, { NO_COLOR: 'no' })).toBe(false);
    expect(colourWanted(TTY, { NO_COLOR: '' })).toBe(true);
  });

  it('follows FORCE_COLOR when set, into a pipe too (0 and false: off), as Node does', () => {
    expect(colourWanted(PIPE, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourWanted(PIPE, { FORCE_COLOR: '3' })).toBe(true);
    expect(colourWanted(TTY, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourWanted(TTY, { FORCE_COLOR: 'false' })).toBe(false);
    expect(colourWanted(PIPE, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(colourWanted(PIPE, { FORCE_COLOR: '' })).toBe(false);
  });

  it('paints with escape codes only when on', () => {
    expect(paintGate(terminalStyle(PIPE, {}), false)).toBe('FAIL');
    expect(paintGate(terminalStyle(PIPE, { FORCE_COLOR: '1' }), false)).toBe('\x1b[1m\x1b[31mFAIL\x1b[39m\x1b[22m');
    expect(paintGate(terminalStyle(TTY, {}), true)).toBe('\x1b[32mPASS\x1b[39m');
  });
});

describe('width', () => {
  it("is the terminal's when stdout is one, else COLUMNS, else 80; never under 40", () => {
    expect(terminalColumns({ isTTY: true, columns: 132 }, { COLUMNS: '60' })).toBe(132);
    expect(terminalColumns({ isTTY: false }, { COLUMNS: '120' })).toBe(120);
    expect(terminalColumns({ isTTY: false }, {})).toBe(80);
    expect(terminalColumns({ isTTY: false }, { COLUMNS: 'wide' })).toBe(80);
    expect(terminalColumns({ isTTY: true, columns: 20 }, {})).toBe(40);
  });
});
