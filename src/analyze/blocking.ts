// Which commands wait for their keys. COMMAND flags XREAD and XREADGROUP `blocking`, yet they block only
// with a BLOCK option (xreadCommand() in t_stream.c); every other blocking command always does.
import { argEqualsLower, type ArgView } from '../commands/args.js';
import type { CommandInfo } from '../commands/command-table.js';

export const NOT_BLOCKING = 0;
export const BLOCKING = 1;
export const BLOCKING_WITH_OPTION = 2;

const w = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const BLOCK = w('block');
const COUNT = w('count');
const GROUP = w('group');
const STREAMS = w('streams');

/** Per command id: NOT_BLOCKING, BLOCKING or BLOCKING_WITH_OPTION. */
export function blockingKinds(all: readonly CommandInfo[]): Uint8Array {
  return Uint8Array.from(all, (c) => {
    if (!c.def.acl.includes('blocking')) return NOT_BLOCKING;
    return c.name === 'xread' || c.name === 'xreadgroup' ? BLOCKING_WITH_OPTION : BLOCKING;
  });
}

/** Whether an XREAD/XREADGROUP has BLOCK among its options (before STREAMS, as xreadCommand() parses them). */
export function hasBlockOption(args: ArgView): boolean {
  for (let i = 1; i < args.argc; i++) {
    if (argEqualsLower(args, i, STREAMS)) return false;
    if (argEqualsLower(args, i, BLOCK)) return true;
    if (argEqualsLower(args, i, COUNT)) i++;
    else if (argEqualsLower(args, i, GROUP)) i += 2;
  }
  return false;
}
