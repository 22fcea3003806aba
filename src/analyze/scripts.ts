// Lua scripts and functions. EVAL/EVALSHA/FCALL lines are logged before the script runs and the commands
// it runs follow as `[<db> lua]` lines, so every lua line belongs to the last script call on its node.
// A call is judged on its declared keys (numkeys) and on the keys its commands touched. A cluster routes
// it by the declared keys (CROSSSLOT when they span slots) and fails it at run time on a key held by
// another node ("non local key"). Keys in other slots of the same node fail too for functions and `#!`
// scripts unless they declare allow-cross-slot-keys ("keys that do not hash to the same slot"); a plain
// EVAL gets away with them only while those slots share a node, so every such call is reported.
import { createHash } from 'node:crypto';
import { type ArgView, argString, argStrings } from '../commands/args.js';
import type { CommandExample } from './command-example.js';
import { Fingerprint, hashBytes64 } from './key-hash.js';
import { keyPattern } from './key-pattern.js';
import { NO_STRINGS } from './no-strings.js';

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
  declaredSlots: readonly number[];
  slots: readonly number[];
  /** Up to KEY_SAMPLES distinct keys touched but not declared; empty exactly when there were none. */
  undeclaredKeys: readonly string[];
  /** Key samples, kept only when the caller asked for them (CommandKeys.samples); else empty. */
  touchedKeys: readonly string[];
  declaredKeys: readonly string[];
}

/**
 * A node's script call: one object per node, reset by each call (a call costs no object). What end()
 * hands out (slots, key samples) is made per call and never written again.
 */
class OpenCall {
  /** Whether the call is still running; the node's last call stays in the map when it is not. */
  active = false;
  stats: ScriptStats | null = null;
  strict = false;
  line = 0;
  /** The declared keys by fingerprint (keyId()): what a touched key is checked against. */
  declared = new Float64Array(16);
  declaredCount = 0;
  /** The same as a set, made on the first lookup of a call with many keys. */
  declaredSet: Set<number> | null = null;
  /** The declared keys as strings, when the caller wants key samples. */
  declaredKeys: readonly string[] = NO_STRINGS;
  declaredSlots: number[] = [];
  /** Slots of the declared and touched keys: declaredSlots itself until a touched key adds one. */
  slots: number[] = [];
  /** Undeclared keys touched, by fingerprint and as strings: up to KEY_SAMPLES distinct ones. */
  undeclaredIds: number[] = [];
  undeclared: readonly string[] = NO_STRINGS;
  touched: readonly string[] = NO_STRINGS;

  constructor(readonly node: string) {}
}

/** Keys of one command as the tracker is given them: argument indexes, and each key's hashBytes64() fingerprint. */
export interface CommandKeys {
  args: ArgView;
  /** Argument index of key k. */
  index: Int32Array;
  /** Fingerprint of key k: high half at 2k, low half at 2k + 1. */
  prints: Int32Array;
  count: number;
  /** Whether the caller wants the keys as strings (an observer, or patterns still sampled). */
  samples: boolean;
}

/** A key's fingerprint as one number: 53 of its 64 bits, so a call's keys collide with odds ~2^-53. */
function keyId(prints: Int32Array, k: number): number {
  return (prints[2 * k] >>> 0) * 0x200000 + (prints[2 * k + 1] & 0x1fffff);
}

/** A script as a call names it, known by a fingerprint of the naming bytes so a call builds no string. */
interface KnownScript {
  stats: ScriptStats;
  /** EVAL: strictness read off the body. EVALSHA: undefined, looked up by sha each call (its body may come later). */
  strict: boolean | undefined;
}

const KEY_SAMPLES = 16;
/** Distinct scripts kept apart; past this (bodies built per call, say) the rest share one entry. */
const MAX_SCRIPTS = 10_000;
const OTHER_SCRIPTS = '(other scripts)';
/** Declared keys past which membership tests go through a set. */
const SET_FROM = 16;

/** How a call names its script: the kind of argument 1. */
export const enum ScriptCall {
  Eval = 0,
  EvalSha = 1,
  Function = 2,
}

export class ScriptTracker {
  readonly scripts = new Map<string, ScriptStats>();
  /** Each node's current or last call. */
  private readonly open = new Map<string, OpenCall>();
  private running = 0;
  /** First lines of EVAL bodies by sha, so an EVALSHA of a `#!` script is known as one. */
  private readonly shebangs = new Map<string, string>();
  private readonly known = new Map<number, KnownScript>();
  calls = 0;
  crossSlot = 0;
  undeclared = 0;

  /** The id a script call is grouped under. */
  static scriptId(args: ArgView, call: ScriptCall): { id: string; kind: ScriptStats['kind'] } {
    if (call === ScriptCall.Function) return { id: `function:${argString(args, 1)}`, kind: 'function' };
    if (call === ScriptCall.EvalSha) return { id: argString(args, 1).toLowerCase(), kind: 'eval' };
    return { id: bodySha(args, 1), kind: 'eval' };
  }

  /** A client's script call with its declared keys; ends whatever call was still open on the node. */
  begin(node: string, line: number, call: ScriptCall, keys: CommandKeys, slots: ArrayLike<number>, slotCount: number, source: { example(): CommandExample }): ScriptCallEnd | null {
    const ended = this.end(node);
    const script = this.script(keys.args, call);
    const { stats } = script;
    stats.calls++;
    stats.example ??= source.example();
    const strict = script.strict ?? isStrict(this.shebangs.get(stats.id));
    let open = this.open.get(node);
    if (!open) {
      open = new OpenCall(node);
      this.open.set(node, open);
    }
    open.active = true;
    open.stats = stats;
    open.strict = strict;
    open.line = line;
    const declaredSlots: number[] = [];
    for (let i = 0; i < slotCount; i++) declaredSlots.push(slots[i]);
    open.declaredSlots = open.slots = declaredSlots;
    if (open.declared.length < keys.count) open.declared = new Float64Array(keys.count * 2);
    for (let k = 0; k < keys.count; k++) open.declared[k] = keyId(keys.prints, k);
    open.declaredCount = keys.count;
    open.declaredSet = null;
    open.declaredKeys = keys.samples && keys.count > 0 ? argStrings(keys.args, keys.index, keys.count) : NO_STRINGS;
    if (open.undeclaredIds.length > 0) open.undeclaredIds = [];
    open.undeclared = NO_STRINGS;
    open.touched = NO_STRINGS;
    this.running++;
    return ended;
  }

  /** SCRIPT LOAD: an EVALSHA of this body may now be told to be a `#!` script. */
  load(body: ArgView, arg: number): void {
    const first = firstLine(body, arg);
    if (first.startsWith('#!')) this.rememberShebang(bodySha(body, arg), first);
  }

  private rememberShebang(sha: string, first: string): void {
    if (first.startsWith('#!') && this.shebangs.size < MAX_SCRIPTS) this.shebangs.set(sha, first);
  }

  /** The script argument 1 names, found by fingerprint; made (id, sha1, strictness) on first sight. */
  private script(args: ArgView, call: ScriptCall): KnownScript {
    const high = hashBytes64(args.buf, args.start[1], args.end[1]) >>> 0;
    const key = high * 4 + call + (Fingerprint.low & 0x7ffff) * 2 ** 34;
    let script = this.known.get(key);
    if (script) return script;
    const named = ScriptTracker.scriptId(args, call);
    const { kind } = named;
    const id = this.scripts.has(named.id) || this.scripts.size < MAX_SCRIPTS ? named.id : OTHER_SCRIPTS;
    let stats = this.scripts.get(id);
    if (!stats) {
      stats = { id, kind, calls: 0, declaredCrossSlot: 0, crossSlot: 0, undeclared: 0 };
      this.scripts.set(id, stats);
    }
    let strict: boolean | undefined;
    if (call === ScriptCall.Function) strict = true; // a function's flags are set at FUNCTION LOAD, unseen here
    else if (call === ScriptCall.Eval) {
      const first = firstLine(args, 1);
      strict = isStrict(first);
      this.rememberShebang(named.id, first); // by its own sha, even when its stats are pooled
    }
    script = { stats, strict };
    if (this.known.size < MAX_SCRIPTS) this.known.set(key, script);
    return script;
  }

  /** A command the running script issued (a `lua` line). */
  touch(node: string, keys: CommandKeys, slots: ArrayLike<number>, slotCount: number): void {
    const call = this.current(node);
    if (!call) return;
    for (let i = 0; i < slotCount; i++) {
      if (call.slots.includes(slots[i])) continue;
      if (call.slots === call.declaredSlots) call.slots = call.declaredSlots.slice();
      call.slots.push(slots[i]);
    }
    for (let k = 0; k < keys.count; k++) {
      if (keys.samples && call.touched.length < KEY_SAMPLES) call.touched = append(call.touched, argString(keys.args, keys.index[k]));
      const id = keyId(keys.prints, k);
      // Undeclared keys are the finding itself: always kept as strings, up to KEY_SAMPLES.
      if (!declares(call, id) && call.undeclared.length < KEY_SAMPLES && !call.undeclaredIds.includes(id)) {
        call.undeclaredIds.push(id);
        call.undeclared = append(call.undeclared, argString(keys.args, keys.index[k]));
      }
    }
  }

  /** Whether the node's open script call was given key k of these keys; null when no call is open. */
  declares(node: string, keys: CommandKeys, k: number): boolean | null {
    const call = this.current(node);
    return call ? declares(call, keyId(keys.prints, k)) : null;
  }

  private current(node: string): OpenCall | null {
    if (this.running === 0) return null; // the common case, on every client line
    const call = this.open.get(node);
    return call?.active ? call : null;
  }

  /** Ends the node's open call, if any, at its next client line or at the end of its input. */
  end(node: string): ScriptCallEnd | null {
    const call = this.current(node);
    if (!call) return null;
    call.active = false;
    this.running--;
    const stats = call.stats!;
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
    return { stats, node: call.node, line: call.line, crossSlot, declaredCrossSlot, strict: call.strict, declaredSlots: call.declaredSlots, slots: call.slots, undeclaredKeys: call.undeclared, touchedKeys: call.touched, declaredKeys: call.declaredKeys };
  }
}

function declares(call: OpenCall, key: number): boolean {
  if (call.declaredCount <= SET_FROM) {
    for (let i = 0; i < call.declaredCount; i++) if (call.declared[i] === key) return true;
    return false;
  }
  call.declaredSet ??= new Set(call.declared.subarray(0, call.declaredCount));
  return call.declaredSet.has(key);
}

/** a with s appended: a itself once it is the call's own array, a new one in place of the shared empty one. */
function append(a: readonly string[], s: string): readonly string[] {
  if (a === NO_STRINGS) return [s];
  (a as string[]).push(s);
  return a;
}

/** Whether a second slot fails a script with this first line even on one node (evalGenericCommand's shebang flags). */
export function isStrict(firstLine: string | undefined): boolean {
  if (firstLine === undefined || !firstLine.startsWith('#!')) return false;
  return !/\bflags=[^\s]*allow-cross-slot-keys/.test(firstLine);
}

/** sha1 of argument i, the name Redis gives a script body. */
function bodySha(args: ArgView, i: number): string {
  return createHash('sha1').update(args.buf.subarray(args.start[i], args.end[i])).digest('hex');
}

/** The first line of a script body (argument i), where a `#!lua flags=...` shebang would be. */
function firstLine(args: ArgView, i: number): string {
  const start = args.start[i];
  const end = Math.min(args.end[i], start + 200);
  const nl = args.buf.indexOf(10, start);
  return args.buf.toString('latin1', start, nl >= 0 && nl < end ? nl : end);
}
