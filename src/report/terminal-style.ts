// Whether a stream gets colour, and the few colours slotscope uses. Decided here, once, because Node 20's
// util.styleText() colours unconditionally (later Nodes check process.stdout, which is the wrong stream
// for stderr's progress). The order follows Node's own tty.getColorDepth(): FORCE_COLOR when set (0 or
// false: off, anything else: on, even into a pipe), then NO_COLOR (any non-empty value: off), then a
// terminal that is not TERM=dumb.
import { styleText } from 'node:util';

type Format = Parameters<typeof styleText>[0];

export interface TerminalStyle {
  readonly colour: boolean;
  paint(format: Format, text: string): string;
}

export const PLAIN: TerminalStyle = { colour: false, paint: (_, text) => text };
const COLOURED: TerminalStyle = { colour: true, paint: (format, text) => styleText(format, text, { validateStream: false }) };

export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export function terminalStyle(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): TerminalStyle {
  return colourWanted(stream, env) ? COLOURED : PLAIN;
}

const VERDICT: Record<string, Format> = { ready: ['bold', 'green'], 'ready with changes': ['bold', 'yellow'], blocked: ['bold', 'red'] };
const SEVERITY: Record<string, Format> = { blocker: 'red', warning: 'yellow', info: 'dim' };

export const paintVerdict = (s: TerminalStyle, status: string, text: string): string => (VERDICT[status] ? s.paint(VERDICT[status], text) : text);
export const paintSeverity = (s: TerminalStyle, severity: string, text: string): string => (SEVERITY[severity] ? s.paint(SEVERITY[severity], text) : text);
export const paintGate = (s: TerminalStyle, passed: boolean): string => (passed ? s.paint('green', 'PASS') : s.paint(['bold', 'red'], 'FAIL'));
