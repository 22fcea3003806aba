// Lua scripts and functions. EVAL/EVALSHA/FCALL lines are logged before the script runs and the commands
// it runs follow as `[<db> lua]` lines, so every lua line belongs to the last script call on its node.
// A call is judged on its declared keys (numkeys) and on the keys its commands touched. A cluster routes
// it by the declared keys (CROSSSLOT when they span slots) and fails it at run time on a key held by
// another node ("non local key"). Keys in other slots of the same node fail too for functions and `#!`
// scripts unless they declare allow-cross-slot-keys ("keys that do not hash to the same slot"); a plain
// EVAL gets away with them only while those slots share a node, so every such call is reported. One
// command whose own keys span slots fails in every script (getNodeByQuery() answers CROSSSLOT), and a
// script or function flagged no-cluster is refused before it runs (scriptPrepareForRun() in script.c).
// `lua` lines with no call open (the capture began while a script ran) form a call with an unknown caller.
import { createHash } from 'node:crypto';
import { type ArgView, argString, argStrings } from '../commands/args.js';
import type { CommandExample } from './command-example.js';
import { Fingerprint, hashBytes64 } from './key-hash.js';
import { keyPattern } from './key-pattern.js';
import { NO_STRINGS } from './no-strings.js';
import { list, num, StateError } from './state-codec.js';
import { FLAG_NO_CLUSTER, FLAG_SHEBANG, FLAG_UNKNOWN, isStrict, libraryFunctions, shebangFlags } from './script-flags.js';

export interface ScriptStats {
  /** sha1 of the body (EVAL, EVALSHA: the same for one script), `function:<name>` (FCALL), or UNKNOWN_CALLER. */
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
  /** Flagged no-cluster: a cluster refuses the call outright. */
  noCluster: boolean;
  /** A function whose FUNCTION LOAD was not in the capture: no-cluster and allow-cross-slot-keys unknown. */
  flagsUnknown: boolean;
  /** One command the script ran had keys in several slots: CROSSSLOT inside any script. */
  commandCrossSlot: boolean;
  /** An undeclared key lives in a slot none of the declared keys is in (or nothing was declared). */
  undeclaredElsewhere: boolean;
  /** The `lua` lines came with no call in the capture (it started while the script ran). */
  unknownCaller: boolean;
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
  flags = 0;
  commandCrossSlot = false;
  undeclaredElsewhere = false;
  unknownCaller = false;
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
  /** Slot of key k. */
  slots: Int32Array;
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
  /** EVAL: the flags read off the body. EVALSHA and FCALL: undefined, looked up each call (the body or library may come later). */
  flags: number | undefined;
}

const KEY_SAMPLES = 16;
/** No slots yet: shared, never written (touch() copies before it adds one). */
const NO_SLOTS = Object.freeze([]) as unknown as number[];
/** Distinct scripts kept apart; past this (bodies built per call, say) the rest share one entry. */
const MAX_SCRIPTS = 10_000;
export const OTHER_SCRIPTS = '(other scripts)';
/** The id of calls whose EVAL/FCALL line was before the capture began. */
export const UNKNOWN_CALLER = '(unknown caller)';
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
  /** Flags of the functions FUNCTION LOAD registered, by `function:<name>`. */
  private readonly functions = new Map<string, number>();
  private readonly known = new Map<number, KnownScript>();
  /** Scripts (EVALSHA) and functions (FCALL) called before their body or library was seen, by id. */
  private readonly unresolved = new Set<string>();
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
    const flags = script.flags ?? this.flagsOf(stats.id, call);
    const open = this.start(node, stats, flags, line);
    const declaredSlots: number[] = [];
    for (let i = 0; i < slotCount; i++) declaredSlots.push(slots[i]);
    open.declaredSlots = open.slots = declaredSlots;
    if (open.declared.length < keys.count) open.declared = new Float64Array(keys.count * 2);
    for (let k = 0; k < keys.count; k++) open.declared[k] = keyId(keys.prints, k);
    open.declaredCount = keys.count;
    open.declaredKeys = keys.samples && keys.count > 0 ? argStrings(keys.args, keys.index, keys.count) : NO_STRINGS;
    return ended;
  }

  /** Flags of an EVALSHA's or FCALL's script, from the SCRIPT LOAD, EVAL or FUNCTION LOAD seen so far. */
  private flagsOf(id: string, call: ScriptCall): number {
    const known = call === ScriptCall.Function ? this.functions.get(id) : this.shebangs.get(id);
    // Judged without its body or library: a later input that loads it would have changed the verdict.
    if (known === undefined && this.unresolved.size < MAX_SCRIPTS) this.unresolved.add(id);
    return call === ScriptCall.Function ? (known as number | undefined) ?? FLAG_SHEBANG | FLAG_UNKNOWN : shebangFlags(known as string | undefined);
  }

  /** The node's call object, reset for a new call. */
  private start(node: string, stats: ScriptStats, flags: number, line: number): OpenCall {
    let open = this.open.get(node);
    if (!open) {
      open = new OpenCall(node);
      this.open.set(node, open);
    }
    open.active = true;
    open.stats = stats;
    open.flags = flags;
    open.line = line;
    open.commandCrossSlot = false;
    open.undeclaredElsewhere = false;
    open.unknownCaller = false;
    open.declaredSlots = open.slots = NO_SLOTS;
    open.declaredCount = 0;
    open.declaredSet = null;
    open.declaredKeys = NO_STRINGS;
    if (open.undeclaredIds.length > 0) open.undeclaredIds = [];
    open.undeclared = NO_STRINGS;
    open.touched = NO_STRINGS;
    this.running++;
    return open;
  }

  /** FUNCTION LOAD: the flags of each function the library (argument `arg`) registers. */
  loadLibrary(args: ArgView, arg: number): void {
    for (const [name, flags] of libraryFunctions(argString(args, arg))) if (this.functions.size < MAX_SCRIPTS) this.functions.set(`function:${name}`, flags);
  }

  private statsFor(id: string, kind: ScriptStats['kind']): ScriptStats {
    let stats = this.scripts.get(id);
    if (!stats) {
      stats = { id, kind, calls: 0, declaredCrossSlot: 0, crossSlot: 0, undeclared: 0 };
      this.scripts.set(id, stats);
    }
    return stats;
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
    const stats = this.statsFor(id, kind);
    let flags: number | undefined;
    if (call === ScriptCall.Eval) {
      const first = firstLine(args, 1);
      flags = shebangFlags(first);
      this.rememberShebang(named.id, first); // by its own sha, even when its stats are pooled
    }
    script = { stats, flags };
    if (this.known.size < MAX_SCRIPTS) this.known.set(key, script);
    return script;
  }

  /** A command the running script issued (a `lua` line); with no call open, one with an unknown caller starts. */
  touch(node: string, line: number, keys: CommandKeys, slots: ArrayLike<number>, slotCount: number, source: { example(): CommandExample }): void {
    let call = this.current(node);
    if (!call) {
      call = this.start(node, this.statsFor(UNKNOWN_CALLER, 'eval'), 0, line);
      call.stats!.calls++;
      call.unknownCaller = true;
    }
    if (slotCount > 1) call.commandCrossSlot = true;
    for (let i = 0; i < slotCount; i++) {
      if (call.slots.includes(slots[i])) continue;
      if (call.slots === call.declaredSlots) call.slots = call.declaredSlots.slice();
      call.slots.push(slots[i]);
    }
    // With no call line to show, the first lua line that takes the call past one slot is the example.
    if (call.unknownCaller && call.slots.length > 1) call.stats!.example ??= source.example();
    for (let k = 0; k < keys.count; k++) {
      if (keys.samples && call.touched.length < KEY_SAMPLES) call.touched = append(call.touched, argString(keys.args, keys.index[k]));
      const id = keyId(keys.prints, k);
      if (call.unknownCaller || declares(call, id)) continue;
      if (!call.declaredSlots.includes(keys.slots[k])) call.undeclaredElsewhere = true;
      // Undeclared keys are the finding itself: always kept as strings, up to KEY_SAMPLES.
      if (call.undeclared.length < KEY_SAMPLES && !call.undeclaredIds.includes(id)) {
        call.undeclaredIds.push(id);
        call.undeclared = append(call.undeclared, argString(keys.args, keys.index[k]));
      }
    }
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
    const flags = call.flags;
    return {
      stats,
      node: call.node,
      line: call.line,
      crossSlot,
      declaredCrossSlot,
      strict: isStrict(flags),
      noCluster: (flags & FLAG_NO_CLUSTER) !== 0,
      flagsUnknown: (flags & FLAG_UNKNOWN) !== 0,
      commandCrossSlot: call.commandCrossSlot,
      undeclaredElsewhere: call.undeclaredElsewhere,
      unknownCaller: call.unknownCaller,
      declaredSlots: call.declaredSlots,
      slots: call.slots,
      undeclaredKeys: call.undeclared,
      touchedKeys: call.touched,
      declaredKeys: call.declaredKeys,
    };
  }

  /**
   * Per-script counts, and what judging scripts across summaries needs: the ids whose flags this run
   * learnt (SCRIPT LOAD, EVAL of a `#!` body, FUNCTION LOAD) and those it judged without them.
   */
  toSummary(): ScriptsSummary {
    return { calls: this.calls, crossSlot: this.crossSlot, undeclared: this.undeclared, scripts: [...this.scripts.values()], learnt: [...this.shebangs.keys(), ...this.functions.keys()], unresolved: [...this.unresolved] };
  }

  merge(s: ScriptsSummary): void {
    this.calls += num(s.calls, 'script calls');
    this.crossSlot += num(s.crossSlot, 'script calls');
    this.undeclared += num(s.undeclared, 'script calls');
    for (const x of list<ScriptStats>(s.scripts, 'scripts')) {
      if (typeof x?.id !== 'string' || (x.kind !== 'eval' && x.kind !== 'function')) throw new StateError('scripts malformed');
      const id = this.scripts.has(x.id) || this.scripts.size < MAX_SCRIPTS ? x.id : OTHER_SCRIPTS;
      const stats = this.statsFor(id, x.kind);
      stats.calls += num(x.calls, 'script calls');
      stats.declaredCrossSlot += num(x.declaredCrossSlot, 'script calls');
      stats.crossSlot += num(x.crossSlot, 'script calls');
      stats.undeclared += num(x.undeclared, 'script calls');
      if (x.example) stats.example ??= x.example;
      if (x.undeclaredExample) stats.undeclaredExample ??= x.undeclaredExample;
    }
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

export interface ScriptsSummary {
  calls: number;
  crossSlot: number;
  undeclared: number;
  scripts: ScriptStats[];
  learnt: string[];
  unresolved: string[];
}
