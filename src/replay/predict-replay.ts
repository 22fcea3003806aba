// What a replay stream (replay-stream.ts) will meet in a given cluster, line by line: the commands and
// MULTI blocks the cluster refuses CROSSSLOT (the Analyzer's verdicts, which test/readiness checks against
// a real cluster), and how each script call fails, which depends on the cluster's slot map. Mirrors
// scriptVerifyClusterState() in Redis 7.0's script.c, as a 3-primary 7.0.15 cluster answers:
// - declared keys in two slots: CROSSSLOT before the script runs;
// - a command of the script whose keys span slots, or live on a node other than the one the call was routed
//   to: "Script attempted to access a non local key in a cluster node";
// - for `#!` scripts without allow-cross-slot-keys and for functions, a key in a second slot on the same
//   node: "Script attempted to access keys that do not hash to the same slot".
// A script stops at its first failing command, so the first one decides. A script queued in MULTI runs at
// EXEC on the block's node, or not at all when the block is refused or discarded.
import { isStrict, libraryFunctions, shebangFlags } from '../analyze/script-flags.js';
import { Analyzer } from '../analyze/analyzer.js';
import type { CommandTable } from '../commands/command-table.js';
import { ClientKind, MonitorRecord } from '../ingest/monitor-parser.js';
import { keySlot } from '../slot/key-slot.js';
import { type ClusterTopology, targetOf } from './cluster-topology.js';
import { type ReplayStream, type StreamCommand } from './replay-stream.js';
import { SCRIPT_CALLS } from '../commands/script-calls.js';

/** A line of the stream: `node\0line`. */
export type LineId = string;
export const lineId = (node: string, line: number): LineId => `${node}\u0000${line}`;

/** Lines per outcome; one set per row of verify's comparison. */
export interface Outcomes {
  /** Client commands refused CROSSSLOT (script calls and queued commands included). */
  crossSlotCommands: Set<LineId>;
  /** MULTI blocks refused for their slots, by their EXEC line. */
  crossSlotTransactions: Set<LineId>;
  scriptCrossSlot: Set<LineId>;
  scriptNonLocalKey: Set<LineId>;
  scriptOtherSlot: Set<LineId>;
  /**
   * Commands the cluster did not answer (a broken connection), or redirected though sent to their slot's
   * node (the slot map changed under the replay): never predicted, so any fails verify.
   */
  unanswered: Set<LineId>;
}

export const emptyOutcomes = (): Outcomes => ({ crossSlotCommands: new Set(), crossSlotTransactions: new Set(), scriptCrossSlot: new Set(), scriptNonLocalKey: new Set(), scriptOtherSlot: new Set(), unanswered: new Set() });

export interface Prediction {
  /** For the lines the replay sends. */
  replayed: Outcomes;
  /**
   * Script calls whose outcome depends on data the replay will not have: they read a key that a command
   * refused, a failed script or a command not replayed would have written (BullMQ's worker finds no job
   * when the script adding it failed). Their lines are left out of the script rows, on both sides.
   */
  unpredictable: Set<LineId>;
  /** Cross-slot commands and transactions over every line, sent or not: what a plan's own figures count. */
  all: { commands: number; transactions: number };
}

/** Lua words that can make a script's path depend on a value; a function is judged by its library's body (unseen: assumed). */
const BRANCH = /\b(if|while|for|repeat|goto|and|or|pcall)\b/;

/** Where a script call stands after the lines seen so far. */
const enum CallState {
  Running = 0,
  /** Refused before running, or failed: its remaining commands never run. */
  Stopped = 1,
  /** It read a key whose value the replay will not have: what it does from here is unknown. */
  Unknown = 2,
}

interface RunningCall {
  line: LineId;
  /** The primary the call was sent to. */
  routed: number;
  /** The slot keys must stay in for a strict call; -1 until its first key (no declared keys). */
  slot: number;
  strict: boolean;
  /** Whether its path can depend on what it reads: a body with no branch runs the same commands whatever the data. */
  branches: boolean;
  state: CallState;
  /** Inside MULTI: its commands, lost if the block does not run. */
  lua: StreamCommand[] | null;
}

interface Block {
  queued: StreamCommand[];
  /** The primary the replay sends the block to; -1 until a keyed command is queued. */
  target: number;
  calls: RunningCall[];
}

/**
 * Keys whose value in the replay may differ from the capture's, because what wrote them in the capture
 * does not run in the replay. Commands' slots do not depend on data; scripts' paths do.
 */
class Divergence {
  private readonly keys = new Set<string>();
  /** A keyless write not replayed (FLUSHALL, SWAPDB) makes every key suspect. */
  private everything = false;

  /** The command's keys, if it writes: its write did not (or may not) happen. */
  lost(c: StreamCommand): void {
    if (!c.cmd?.write) return;
    if (c.keys.length === 0 && !c.replayed && !c.lua) this.everything = true;
    for (const k of c.keys) this.keys.add(c.args[k].toString('latin1'));
  }

  touches(c: StreamCommand): boolean {
    return c.keys.length > 0 && (this.everything || c.keys.some((k) => this.keys.has(c.args[k].toString('latin1'))));
  }
}

export function predictReplay(stream: ReplayStream, topology: ClusterTopology, table?: CommandTable): Prediction {
  const replayed = emptyOutcomes();
  const unpredictable = new Set<LineId>();
  const all = { commands: 0, transactions: 0 };
  const divergence = new Divergence();
  let current: StreamCommand | null = null;
  let currentCrossSlot = false;
  let currentTxCrossSlot = false;
  const analyzer = new Analyzer({
    table,
    observer: {
      command(_node, _line, crossSlot) {
        currentCrossSlot = crossSlot;
        if (!crossSlot) return;
        all.commands++;
        if (current!.replayed) replayed.crossSlotCommands.add(lineId(current!.node, current!.line));
      },
      transaction(end) {
        currentTxCrossSlot = end.crossSlot;
        if (!end.crossSlot) return;
        all.transactions++;
        replayed.crossSlotTransactions.add(lineId(end.node, end.execLine));
      },
    },
  });
  const running = new Map<string, RunningCall>();
  /** Per client connection inside MULTI: what it queued; its scripts run only if EXEC runs the block. */
  const blocks = new Map<string, Block>();
  /** Function name -> its library's body and the function's own flags, from FUNCTION LOAD. */
  const functions = new Map<string, { body: string; flags: number }>();

  const clientLine = (c: StreamCommand): void => {
    running.delete(c.node);
    if (!c.replayed) {
      divergence.lost(c);
      return;
    }
    const name = c.cmd!.name;
    const client = `${c.node}\u0000${c.client}`;
    const block = blocks.get(client);
    if (name === 'multi') blocks.set(client, { queued: [], target: -1, calls: [] });
    else if (name === 'exec' || name === 'discard') {
      blocks.delete(client);
      if (block && (name === 'discard' || currentTxCrossSlot)) abandon(block);
    } else if (block) {
      block.queued.push(c);
      if (block.target < 0 && c.keys.length > 0) block.target = targetOf(topology, keySlot(c.args[c.keys[0]]));
    }
    if (currentCrossSlot) divergence.lost(c);
    if (name === 'function|load') {
      const body = c.args[c.args.length - 1].toString('latin1');
      for (const [f, flags] of libraryFunctions(body)) functions.set(f, { body, flags });
    }
    if (!SCRIPT_CALLS.has(name)) return;

    const slots = new Set(c.keys.map((k) => keySlot(c.args[k])));
    const id = lineId(c.node, c.line);
    const slot = slots.size === 1 ? [...slots][0] : -1;
    const fn = name.startsWith('fcall');
    const loaded = fn ? functions.get(c.args[1]?.toString('latin1') ?? '') : undefined;
    const body = fn ? loaded?.body : c.args[1]?.toString('latin1');
    // A function whose FUNCTION LOAD is not in the capture is judged as one without flags.
    const strict = fn ? (loaded ? isStrict(loaded.flags) : true) : isStrict(shebangFlags(firstLine(c.args[1])));
    // Queued, it runs on the block's node: the node of the block's first keyed command.
    const routed = block && block.target >= 0 ? block.target : targetOf(topology, slot);
    const call: RunningCall = { line: id, routed, slot, strict, branches: body === undefined || BRANCH.test(body), state: CallState.Running, lua: block ? [] : null };
    block?.calls.push(call);
    running.set(c.node, call);
    if (slots.size > 1) {
      replayed.scriptCrossSlot.add(id);
      call.state = CallState.Stopped;
    }
    // An EVALSHA still named by its sha had no body earlier in the capture: NOSCRIPT, nothing runs.
    if (name.startsWith('evalsha')) call.state = CallState.Stopped;
  };

  /** A block EXEC did not run (refused, or discarded): its scripts neither failed nor wrote. */
  const abandon = (block: Block): void => {
    for (const q of block.queued) divergence.lost(q);
    for (const call of block.calls) {
      replayed.scriptNonLocalKey.delete(call.line);
      replayed.scriptOtherSlot.delete(call.line);
      unpredictable.delete(call.line);
      for (const l of call.lua!) divergence.lost(l);
    }
  };

  const luaLine = (c: StreamCommand): void => {
    const call = running.get(c.node);
    call?.lua?.push(c);
    if (!call || call.state !== CallState.Running || c.keys.length === 0) {
      if (call?.state !== CallState.Running) divergence.lost(c);
      return;
    }
    // The slot check comes before the command runs, so it holds whatever the data.
    const slots = new Set(c.keys.map((k) => keySlot(c.args[k])));
    const [slot] = slots;
    if (slots.size > 1 || topology.owner[slot] !== call.routed) {
      replayed.scriptNonLocalKey.add(call.line);
      call.state = CallState.Stopped;
    } else if (call.strict && call.slot >= 0 && call.slot !== slot) {
      replayed.scriptOtherSlot.add(call.line);
      call.state = CallState.Stopped;
    } else {
      if (call.strict && call.slot < 0) call.slot = slot;
      if (!call.branches || !divergence.touches(c)) return;
      unpredictable.add(call.line);
      call.state = CallState.Unknown;
    }
    divergence.lost(c);
  };

  const rec = new MonitorRecord();
  let node: string | null = null;
  for (const c of stream.commands) {
    if (node !== null && c.node !== node) {
      analyzer.endInput(node);
      running.delete(node);
    }
    node = c.node;
    current = c;
    currentCrossSlot = false;
    currentTxCrossSlot = false;
    analyzer.command(fill(rec, c), c.node);
    if (c.lua) luaLine(c);
    else clientLine(c);
  }
  if (node !== null) analyzer.endInput(node);
  analyzer.finish();
  return { replayed, unpredictable, all };
}

/** The record the Analyzer reads, from a stream command: its arguments and client address in one buffer. */
function fill(rec: MonitorRecord, c: StreamCommand): MonitorRecord {
  const client = Buffer.from(c.client, 'latin1');
  rec.buf = Buffer.concat([...c.args, client]);
  rec.argc = 0;
  let off = 0;
  for (const a of c.args) {
    rec.push(off, off + a.length);
    off += a.length;
  }
  rec.clientStart = off;
  rec.clientEnd = off + client.length;
  rec.clientKind = c.lua ? ClientKind.Lua : ClientKind.Tcp;
  rec.lineNo = c.line;
  rec.db = c.db;
  rec.timeMicros = c.timeMicros;
  return rec;
}

/** A script body's first line, where a `#!lua flags=...` shebang would be. */
function firstLine(body: Buffer | undefined): string | undefined {
  if (!body) return undefined;
  const nl = body.indexOf(10);
  return body.toString('latin1', 0, Math.min(nl >= 0 ? nl : body.length, 200));
}
