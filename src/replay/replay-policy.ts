// Which captured commands a replay may send. verify writes into a cluster it was given, so it sends only
// data commands whose effects stay inside that cluster's db 0, decided from the command table generated
// from a real server's COMMAND reply (flags and ACL categories), never from the command's name alone.
import type { CommandInfo } from '../commands/command-table.js';

/** ACL categories of commands that read or write the data a capture's keys name, or group such commands. */
const DATA_CATEGORIES = new Set(['keyspace', 'read', 'write', 'string', 'hash', 'list', 'set', 'sortedset', 'stream', 'bitmap', 'hyperloglog', 'geo', 'transaction', 'scripting']);

/**
 * Commands the flags and categories cannot tell from allowed ones, each for a reason of its own: MOVE
 * sends a key to another db (a cluster has only db 0); FUNCTION FLUSH/RESTORE/DELETE and SCRIPT FLUSH
 * replace or drop the scripts every other client of the target relies on, with the same flags as
 * FUNCTION LOAD and SCRIPT LOAD; SCRIPT KILL and FUNCTION KILL stop another client's script (their
 * allow_busy flag is shared with MULTI and WATCH).
 */
const DENIED = new Set(['move', 'function|flush', 'function|restore', 'function|delete', 'script|flush', 'script|kill', 'function|kill']);

/**
 * Whether a replay may send this command: it is in a data category, is neither @admin nor @dangerous
 * (MIGRATE, FLUSHALL, SWAPDB, CLUSTER, CONFIG, REPLICAOF, FAILOVER, SHUTDOWN, SAVE, CLIENT KILL/PAUSE, KEYS,
 * SORT, RESTORE, ...), and is not one of DENIED. Connection, server and pub/sub commands (SELECT, WAIT,
 * CLIENT, HELLO, PUBLISH, SUBSCRIBE) have no data category. An unknown (module) command is never sent.
 */
export function replayable(cmd: CommandInfo | undefined): boolean {
  if (!cmd) return false;
  const { flags, acl } = cmd.def;
  if (flags.includes('admin') || acl.includes('admin') || acl.includes('dangerous')) return false;
  if (DENIED.has(cmd.name)) return false;
  return acl.some((c) => DATA_CATEGORIES.has(c));
}
