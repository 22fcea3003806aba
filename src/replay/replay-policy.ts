// Which captured commands a replay may send. verify writes into a cluster it was given, so it sends only
// data commands whose effects stay inside that cluster's db 0, decided from the command table generated
// from a real server's COMMAND reply (flags and ACL categories), never from the command's name alone.
import type { CommandDef } from '../commands/command-def.js';
import type { CommandInfo, CommandTable } from '../commands/command-table.js';

/** ACL categories of commands that read or write the data a capture's keys name, or group such commands. */
const DATA_CATEGORIES = new Set(['keyspace', 'read', 'write', 'string', 'hash', 'list', 'set', 'sortedset', 'stream', 'bitmap', 'hyperloglog', 'geo', 'transaction', 'scripting']);

/**
 * Commands the flags and categories cannot tell from allowed ones, each for a reason of its own: FUNCTION FLUSH/RESTORE/DELETE and SCRIPT FLUSH
 * replace or drop the scripts every other client of the target relies on, with the same flags as
 * FUNCTION LOAD and SCRIPT LOAD; SCRIPT KILL and FUNCTION KILL stop another client's script (their
 * allow_busy flag is shared with MULTI and WATCH).
 */
const DENIED = new Set(['function|flush', 'function|restore', 'function|delete', 'script|flush', 'script|kill', 'function|kill']);

/**
 * @dangerous commands whose effects stay inside the server they are sent to: SORT's BY/GET read other keys
 * of the same server (dangerous to ACL key rules, not to other servers); MOVE and SWAPDB act on the
 * server's own dbs, and a cluster node refuses both ("not allowed in cluster mode"). A readiness replay has
 * to see exactly those refusals, so they are sent.
 */
const SAME_SERVER = new Set(['sort', 'sort_ro', 'move', 'swapdb']);

/**
 * Whether a replay may send this command: it is in a data category, is neither @admin nor @dangerous
 * (MIGRATE, FLUSHALL, CLUSTER, CONFIG, REPLICAOF, FAILOVER, SHUTDOWN, SAVE, CLIENT KILL/PAUSE, KEYS,
 * RESTORE, ...) unless one of SAME_SERVER, and is not one of DENIED. Connection, server and pub/sub commands (SELECT, WAIT,
 * CLIENT, HELLO, PUBLISH, SUBSCRIBE) have no data category. An unknown (module) command is never sent.
 */
export function replayable(cmd: CommandInfo | undefined): boolean {
  if (!cmd) return false;
  const { flags, acl } = cmd.def;
  if (flags.includes('admin') || acl.includes('admin')) return false;
  if (acl.includes('dangerous') && !SAME_SERVER.has(cmd.name)) return false;
  if (DENIED.has(cmd.name)) return false;
  return acl.some((c) => DATA_CATEGORIES.has(c));
}

/**
 * Whether a replayed script may not run this command: what replayable() refuses a client for being
 * @admin, @dangerous (outside SAME_SERVER) or DENIED, where a script may call it (no `noscript` flag).
 * MIGRATE and CLUSTER MEET are such commands: a script replayed with them reaches servers the replay was
 * not given. A data category is not asked for: a script's TIME or PING reaches nothing.
 */
function unsafeInScript(def: CommandDef): boolean {
  const { flags, acl } = def;
  if (flags.includes('noscript')) return false;
  return flags.includes('admin') || acl.includes('admin') || (acl.includes('dangerous') && !SAME_SERVER.has(def.name)) || DENIED.has(def.name);
}

/**
 * Whether a script replayed may run this command (its MONITOR `lua` line, or a name in its source): not an
 * unknown (module) command, and for a container (CLUSTER) none of its subcommands.
 */
export function scriptMayRun(cmd: CommandInfo | undefined): boolean {
  return cmd !== undefined && !unsafeInScript(cmd.def) && !(cmd.def.subcommands ?? []).some(unsafeInScript);
}

const LITERAL = /"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|\[(=*)\[([\s\S]*?)\]\3\]/g;

/**
 * The first command a script or function library's source names in a string literal that it must not run
 * when replayed (scriptMayRun), or null. The capture shows what ran then; a branch on other data could run
 * what it names, so a body that names MIGRATE or CLUSTER is not sent, whatever ran.
 */
export function unsafeNamedCommand(body: string, table: CommandTable): string | null {
  for (const m of body.matchAll(LITERAL)) {
    const text = (m[1] ?? m[2] ?? m[4]).trim().toLowerCase();
    if (text.length === 0 || text.length > 32 || /\s/.test(text)) continue;
    const cmd = table.byName(text);
    if (cmd && !scriptMayRun(cmd)) return cmd.name;
  }
  return null;
}
