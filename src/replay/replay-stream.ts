// A MONITOR capture as a replay sends it, with a plan's changes applied: every argument's client prefixes
// rewritten (keys, ARGV and values, since libraries build keys from ARGV and store key names in values),
// then the keys renamed. The replay and its prediction both read this one stream, so what is predicted
// is exactly what is sent. `lua` lines are kept for the prediction (the replayed script runs them itself).
import { createHash } from 'node:crypto';
import { ArgList } from '../commands/args.js';
import { type CommandInfo, CommandTable } from '../commands/command-table.js';
import { InputError } from '../ingest/input-error.js';
import type { InputStats } from '../ingest/input-stats.js';
import { ClientKind, type MonitorRecord } from '../ingest/monitor-parser.js';
import { type InputSpec, type ReadOptions, readInput } from '../ingest/read-input.js';
import type { RecordSink } from '../ingest/records.js';
import { ReplicationStreamFilter } from '../ingest/replication-stream.js';
import type { PrefixRewriter } from '../plan/prefix-rewrite.js';
import type { RenameRule } from '../plan/renames.js';
import { type RenamedKey, ScriptKeyScope } from '../plan/script-key-scope.js';
import { rewriteMsgpackStrings } from './msgpack-strings.js';
import { replayable, scriptMayRun, unsafeNamedCommand } from './replay-policy.js';
import { SCRIPT_CALLS } from '../commands/script-calls.js';

export interface StreamCommand {
  node: string;
  line: number;
  /** The client's address; '' for a `lua` line. */
  client: string;
  db: number;
  timeMicros: number;
  lua: boolean;
  /** Whether the replay sends it: a client command replay-policy allows. */
  replayed: boolean;
  cmd: CommandInfo | undefined;
  /** The arguments after the changes; an EVALSHA whose body came earlier is an EVAL of that body. */
  args: Buffer[];
  /** Argument indexes of the keys, as the command's key specs find them. */
  keys: number[];
}

export interface ReplayStream {
  commands: StreamCommand[];
  /** Client commands not replayed, by command name (lower case; `container|sub` for a subcommand). */
  notReplayed: Map<string, number>;
  inputs: InputStats[];
}

export interface StreamChanges {
  /** A key's new name (latin1) and the rule that made it, or null to keep it: a plan's renames (Renamer.apply). */
  renameKey?: (key: string) => { to: string; rule: RenameRule } | null;
  /** A plan's client prefix changes, applied to every argument before the renames. */
  prefixes?: PrefixRewriter;
}

/** An unknown command's name is counted by at most this many bytes. */
const MAX_NAME = 64;

/** Finds a command and its keys in arguments held as separate Buffers. */
class KeyFinder {
  private readonly view = new ArgList();
  private keyIdx = new Int32Array(256);

  constructor(private readonly table: CommandTable) {}

  find(args: readonly Buffer[]): { cmd: CommandInfo | undefined; keys: number[] } {
    const view = this.view;
    view.buf = Buffer.concat(args);
    view.argc = 0;
    let off = 0;
    for (const a of args) {
      view.push(off, off + a.length);
      off += a.length;
    }
    if (this.keyIdx.length < args.length * 2) this.keyIdx = new Int32Array(args.length * 2);
    const cmd = this.table.lookup(view);
    const n = cmd ? cmd.getKeys(view, this.keyIdx) : 0;
    return { cmd, keys: Array.from(this.keyIdx.subarray(0, n)) };
  }
}

/** The argument holding a script's or a function library's source (-1: the last). */
const SCRIPT_SOURCES: Record<string, number> = { eval: 1, eval_ro: 1, 'script|load': 2, 'function|load': -1 };

const sha1 = (b: Buffer): string => createHash('sha1').update(b).digest('hex');

/** Reads MONITOR captures into the stream a replay sends; anything else is an InputError. */
export async function readReplayStream(specs: readonly InputSpec[], changes: StreamChanges = {}, table = new CommandTable(), read: ReadOptions = {}): Promise<ReplayStream> {
  const finder = new KeyFinder(table);
  const stream: ReplayStream = { commands: [], notReplayed: new Map(), inputs: [] };
  // EVAL and SCRIPT LOAD bodies by the sha1 of the captured body, so an EVALSHA can be sent as an EVAL
  // (a cluster node other than the one that saw the body would answer NOSCRIPT).
  const bodies = new Map<string, Buffer>();
  // Per node, the keys of the script call running there, as captured and as replayed.
  const scripts = new ScriptKeyScope();
  const prefixes = changes.prefixes;
  /** A script's own commands: the prefix where it stands in each key (the script built them). */
  const rewrite = (a: Buffer): Buffer => (prefixes ? prefixes.rewrite(a) : a);
  /** What a client sends: the same, and in MessagePack arguments string by string, lengths kept right. */
  const rewriteSent = (a: Buffer): Buffer => {
    const plain = rewrite(a);
    return plain === a ? a : (rewriteMsgpackStrings(a, rewrite) ?? plain);
  };

  const notSent = (name: string): void => {
    stream.notReplayed.set(name, (stream.notReplayed.get(name) ?? 0) + 1);
  };
  /** Per node, the script call whose `lua` lines follow. */
  const calls = new Map<string, StreamCommand>();
  // Each script's source is scanned once, not at every call of it (bodies holds them all already).
  const scanned = new Map<string, boolean>();
  const safeSource = (source: string): boolean => {
    let safe = scanned.get(source);
    if (safe === undefined) scanned.set(source, (safe = unsafeNamedCommand(source, table) === null));
    return safe;
  };

  const clientLine = (rec: MonitorRecord, node: string, raw: Buffer[]): void => {
    let args = raw;
    let { cmd } = finder.find(args);
    const name = cmd?.name;
    if ((name === 'eval' || name === 'eval_ro' || name === 'script|load') && args.length > (name === 'script|load' ? 2 : 1)) {
      const body = args[name === 'script|load' ? 2 : 1];
      bodies.set(sha1(body), body);
    }
    if ((name === 'evalsha' || name === 'evalsha_ro') && args.length > 1) {
      const body = bodies.get(args[1].toString('latin1').toLowerCase());
      if (body) args = [Buffer.from(name === 'evalsha' ? 'eval' : 'eval_ro'), body, ...args.slice(2)];
    }
    args = args.map(rewriteSent);
    const found = finder.find(args);
    cmd = found.cmd;
    // A script (or a function library) whose source names a command it must not run is not sent.
    const at = cmd ? SCRIPT_SOURCES[cmd.name] : undefined;
    const sourceAt = at === undefined ? -1 : at < 0 ? args.length + at : at;
    const source = sourceAt >= 1 && sourceAt < args.length ? args[sourceAt] : null;
    const replayed = replayable(cmd) && (source === null || safeSource(source.toString('latin1')));
    if (!replayed) notSent(cmd?.name ?? (raw[0]?.toString('latin1', 0, Math.min(raw[0].length, MAX_NAME)).toLowerCase() ?? ''));
    const keys = found.keys;
    const given = cmd && SCRIPT_CALLS.has(cmd.name) ? new Map<string, RenamedKey>() : null;
    if (changes.renameKey) {
      for (const k of keys) {
        const before = args[k];
        const r = changes.renameKey(before.toString('latin1'));
        if (r) args[k] = Buffer.from(r.to, 'latin1');
        given?.set(before.toString('latin1'), { to: args[k], tag: r ? r.rule.tag : null });
      }
    }
    scripts.clientLine(node, given);
    const command: StreamCommand = { node, line: rec.lineNo, client: rec.clientAddress(), db: rec.db, timeMicros: rec.timeMicros, lua: false, replayed, cmd, args, keys };
    if (given) calls.set(node, command);
    else calls.delete(node);
    stream.commands.push(command);
  };

  const luaLine = (rec: MonitorRecord, node: string, raw: Buffer[]): void => {
    const args = raw.map(rewrite);
    const { cmd, keys } = finder.find(args);
    // What the script ran when captured: a command it must not run keeps its call from being sent.
    const call = calls.get(node);
    if (call?.replayed && !scriptMayRun(cmd)) {
      call.replayed = false;
      notSent(call.cmd!.name);
    }
    if (changes.renameKey) {
      for (const k of keys) {
        const key = args[k].toString('latin1');
        const given = scripts.renamed(node, key);
        if (given !== undefined) {
          if (given) args[k] = given.to;
          continue;
        }
        // No call open (a capture that starts inside one): renamed as a client's key would be.
        const r = changes.renameKey(key);
        if (r) args[k] = Buffer.from(r.to, 'latin1');
      }
    }
    stream.commands.push({ node, line: rec.lineNo, client: '', db: rec.db, timeMicros: rec.timeMicros, lua: true, replayed: false, cmd, args, keys });
  };

  const sink: RecordSink = {
    command(rec: MonitorRecord, node: string) {
      const raw: Buffer[] = [];
      for (let i = 0; i < rec.argc; i++) raw.push(Buffer.from(rec.buf.subarray(rec.start[i], rec.end[i])));
      if (rec.clientKind === ClientKind.Lua) luaLine(rec, node, raw);
      else clientLine(rec, node, raw);
    },
    key() {},
  };
  for (const spec of specs) {
    // A replica's replication stream is its primary's writes again: replayed, they would be sent twice.
    const replication = spec.peers?.length ? new ReplicationStreamFilter(sink, spec.peers) : null;
    const stats = await readInput(spec, replication ?? sink, read);
    if (replication) ({ lines: stats.replicationLines, from: stats.replicationFrom } = replication.total());
    if (stats.format !== 'monitor') throw new InputError(`verify needs a MONITOR capture; this input is ${FORMAT_NAMES[stats.format]}`, spec.path);
    stream.inputs.push(stats);
  }
  return stream;
}

const FORMAT_NAMES: Record<InputStats['format'], string> = {
  empty: 'empty',
  monitor: 'a MONITOR capture',
  scan: 'a SCAN key dump',
  'scan-quoted': 'a SCAN key dump',
  'memory-csv': 'a memory report',
};
