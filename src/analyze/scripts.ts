// Lua scripts and functions. EVAL/EVALSHA/FCALL lines are logged before the script runs and the commands
// it runs follow as `[<db> lua]` lines, so every lua line belongs to the last script call on its node.
// A call is judged on its declared keys (numkeys) and on the keys its commands touched. A cluster routes
// it by the declared keys (CROSSSLOT when they span slots) and fails it at run time on a key held by
// another node ("non local key"). Keys in other slots of the same node fail too for functions and `#!`
// scripts unless they declare allow-cross-slot-keys ("keys that do not hash to the same slot"); a plain
// EVAL gets away with them only while those slots share a node, so every such call is reported.
import { createHash } from 'node:crypto';
import type { ArgView } from '../commands/args.js';
import type { CommandExample } from './command-example.js';
import { keyPattern } from './key-pattern.js';

export interface ScriptStats {
  /** sha1 of the body (EVAL, EVALSHA: the same for one script) or `function:<name>` (FCALL). */
  id: string;
  kind: 'eval' | 'function';
  calls: number;
  /** Calls whose declared keys span slots: CROSSSLOT before the script runs. */
  declaredCrossSlot: number;
  /** Calls whose declared and touched keys together span slots. */
  crossSlot: number;
  /** Calls that touched a key they did not declare. */
  undeclared: number;
  example?: CommandExample;
  /** The first call that touched an undeclared key, and that key's pattern. */
  undeclaredExample?: { node: string; line: number; pattern: string };
}

export interface ScriptCallEnd {
  stats: ScriptStats;
  node: string;
  line: number;
  /** Declared and touched keys span slots. */
  crossSlot: boolean;
  declaredCrossSlot: boolean;
  /** A function or `#!` script without allow-cross-slot-keys: any second slot fails it. */
  strict: boolean;
  /** Slots of the declared keys, then of the touched ones. */
  declaredSlots: number[];
  slots: number[];
  undeclaredKeys: string[];
  touchedKeys: string[];
  declaredKeys: string[];
}

interface OpenCall {
  stats: ScriptStats;
  strict: boolean;
  node: string;
  line: number;
  declared: Set<string>;
  declaredSlots: number[];
  slots: number[];
  undeclared: string[];
  touched: string[];
}

const KEY_SAMPLES = 16;

export class ScriptTracker {
  readonly scripts = new Map<string, ScriptStats>();
  private readonly open = new Map<string, OpenCall>();
  /** First lines of EVAL bodies by sha, so an EVALSHA of a `#!` script is known as one. */
  private readonly shebangs = new Map<string, string>();
  calls = 0;
  crossSlot = 0;
  undeclared = 0;

  /** The id a script call is grouped under. */
  static scriptId(args: ArgView, commandName: string): { id: string; kind: ScriptStats['kind'] } {
    if (commandName.startsWith('fcall')) return { id: `function:${args.buf.toString('latin1', args.start[1], args.end[1])}`, kind: 'function' };
    if (commandName.startsWith('evalsha')) return { id: args.buf.toString('latin1', args.start[1], args.end[1]).toLowerCase(), kind: 'eval' };
    return { id: createHash('sha1').update(args.buf.subarray(args.start[1], args.end[1])).digest('hex'), kind: 'eval' };
  }

  /** Whether a second slot fails the script even on one node (evalGenericCommand's shebang flags). */
  private strictness(args: ArgView, commandName: string, id: string): boolean {
    if (commandName.startsWith('fcall')) return true; // a function's flags are set at FUNCTION LOAD, unseen here
    const body = commandName.startsWith('evalsha') ? this.shebangs.get(id) : firstLine(args);
    if (body === undefined || !body.startsWith('#!')) return false;
    return !/\bflags=[^\s]*allow-cross-slot-keys/.test(body);
  }

  /** A client's script call; ends whatever call was still open on the node. */
  begin(node: string, line: number, args: ArgView, commandName: string, keys: string[], slots: number[], example: () => CommandExample): ScriptCallEnd | null {
    const ended = this.end(node);
    const { id, kind } = ScriptTracker.scriptId(args, commandName);
    let stats = this.scripts.get(id);
    if (!stats) {
      stats = { id, kind, calls: 0, declaredCrossSlot: 0, crossSlot: 0, undeclared: 0 };
      this.scripts.set(id, stats);
    }
    stats.calls++;
    stats.example ??= example();
    if (!commandName.startsWith('evalsha') && kind === 'eval' && !this.shebangs.has(id)) this.shebangs.set(id, firstLine(args));
    const strict = this.strictness(args, commandName, id);
    this.open.set(node, { stats, strict, node, line, declared: new Set(keys), declaredSlots: [...slots], slots: [...slots], undeclared: [], touched: [] });
    return ended;
  }

  /** A command the running script issued (a `lua` line). */
  touch(node: string, keys: string[], slots: ArrayLike<number>, slotCount: number): void {
    const call = this.open.get(node);
    if (!call) return;
    for (let i = 0; i < slotCount; i++) if (!call.slots.includes(slots[i])) call.slots.push(slots[i]);
    for (const k of keys) {
      if (call.touched.length < KEY_SAMPLES) call.touched.push(k);
      if (!call.declared.has(k) && call.undeclared.length < KEY_SAMPLES && !call.undeclared.includes(k)) call.undeclared.push(k);
    }
  }

  /** The keys the node's open script call was given, if one is open. */
  declaredKeys(node: string): Set<string> | null {
    return this.open.get(node)?.declared ?? null;
  }

  /** Whether a script call is open on the node (lua lines need their keys as strings only then). */
  isOpen(node: string): boolean {
    return this.open.has(node);
  }

  /** Ends the node's open call, if any, at its next client line or at the end of its input. */
  end(node: string): ScriptCallEnd | null {
    if (this.open.size === 0) return null; // the common case, on every client line
    const call = this.open.get(node);
    if (!call) return null;
    this.open.delete(node);
    const { stats } = call;
    const declaredCrossSlot = call.declaredSlots.length > 1;
    const crossSlot = call.slots.length > 1;
    this.calls++;
    if (declaredCrossSlot) stats.declaredCrossSlot++;
    if (crossSlot) {
      stats.crossSlot++;
      this.crossSlot++;
    }
    if (call.undeclared.length > 0) {
      stats.undeclared++;
      this.undeclared++;
      stats.undeclaredExample ??= { node: call.node, line: call.line, pattern: keyPattern(call.undeclared[0]) };
    }
    return { stats, node: call.node, line: call.line, crossSlot, declaredCrossSlot, strict: call.strict, declaredSlots: call.declaredSlots, slots: call.slots, undeclaredKeys: call.undeclared, touchedKeys: call.touched, declaredKeys: [...call.declared] };
  }
}

/** The first line of an EVAL body, where a `#!lua flags=...` shebang would be. */
function firstLine(args: ArgView): string {
  const start = args.start[1];
  const end = Math.min(args.end[1], start + 200);
  const nl = args.buf.indexOf(10, start);
  return args.buf.toString('latin1', start, nl >= 0 && nl < end ? nl : end);
}
