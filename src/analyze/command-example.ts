// How a command is shown in a report: its name and keys; every other argument is `?`, so values, AUTH
// arguments and script bodies never leave.
import { type ArgView, argString } from '../commands/args.js';
import { repr } from '../ingest/sdsrepr.js';

export interface CommandExample {
  node: string;
  line: number;
  command: string;
}

/** An example as every gate, diff and CI output prints it: `node:line: command`. */
export const exampleText = (e: CommandExample): string => `${e.node}:${e.line}: ${e.command}`;

export function renderCommand(args: ArgView, keyIdx: ArrayLike<number>, keyCount: number, subcommand: boolean, redactKeys: boolean): string {
  const parts: string[] = [];
  for (let a = 0; a < args.argc; a++) {
    let isKey = false;
    for (let k = 0; k < keyCount; k++) if (keyIdx[k] === a) isKey = true;
    if (a === 0 || (a === 1 && subcommand)) parts.push(argString(args, a).toLowerCase());
    else if (isKey) parts.push(redactKeys ? '<key>' : repr(args.buf, args.start[a], args.end[a]));
    else parts.push('?');
  }
  return parts.join(' ');
}
