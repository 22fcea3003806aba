// Which captured commands a replay may send. verify writes into a cluster it was given, so it sends only
// data commands whose effects stay inside that cluster's db 0, decided from the command table generated
// from a real server's COMMAND reply (flags and ACL categories), never from the command's name alone.
import type { CommandInfo } from '../commands/command-table.js';

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
