// The db numbers SELECT, MOVE and COPY name, read from their arguments without building strings.
import { argEqualsLower, type ArgView } from '../commands/args.js';

const DB = Buffer.from('db', 'latin1');

/** Argument i as a decimal integer (a db index); NaN when it is not one. */
export function argInteger(args: ArgView, i: number): number {
  if (i >= args.argc) return NaN;
  const start = args.start[i];
  const end = args.end[i];
  if (start === end || end - start > 9) return NaN;
  let n = 0;
  for (let p = start; p < end; p++) {
    const d = args.buf[p] - 0x30;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/** COPY source destination [DB n] [REPLACE]: n, or -1 without a DB option (copyCommand() in db.c). */
export function copyDestinationDb(args: ArgView): number {
  for (let j = 3; j + 1 < args.argc; j++) if (argEqualsLower(args, j, DB)) return argInteger(args, j + 1);
  return -1;
}
