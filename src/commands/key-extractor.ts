// Which arguments of a command are keys: a port of getKeysFromCommandWithSpecs() in Redis's db.c
// (key specs first; the command's own getkeys procedure where the specs are incomplete or invalid),
// so that we agree with COMMAND GETKEYS and with how a cluster node routes the command.
import { type ArgView, argEqualsLower } from './args.js';
import type { CommandDef, KeySpecDef } from './command-def.js';

/** Writes the indexes of key arguments into out and returns how many there are. */
export type GetKeys = (args: ArgView, out: Int32Array) => number;

interface CompiledSpec {
  notKey: boolean;
  incomplete: boolean;
  bsIndex: number; // 0 when the search is by keyword or unknown
  keyword: Uint8Array | null;
  startfrom: number;
  kind: 'range' | 'keynum' | 'unknown';
  lastkey: number;
  step: number;
  limit: number;
  keynumidx: number;
  firstkey: number;
}

function compile(spec: KeySpecDef): CompiledSpec {
  const c: CompiledSpec = {
    notKey: spec.flags.includes('not_key'),
    incomplete: spec.flags.includes('incomplete'),
    bsIndex: 0,
    keyword: null,
    startfrom: 0,
    kind: 'unknown',
    lastkey: 0,
    step: 1,
    limit: 0,
    keynumidx: 0,
    firstkey: 0,
  };
  if (spec.bs && 'index' in spec.bs) c.bsIndex = spec.bs.index;
  else if (spec.bs) {
    c.keyword = Buffer.from(spec.bs.keyword.toLowerCase(), 'latin1');
    c.startfrom = spec.bs.startfrom;
  }
  if (spec.fk && 'range' in spec.fk) Object.assign(c, { kind: 'range', ...spec.fk.range });
  else if (spec.fk) Object.assign(c, { kind: 'keynum', ...spec.fk.keynum });
  if (!spec.bs) c.kind = 'unknown';
  return c;
}

/** getKeysUsingKeySpecs(): -1 when a spec is unknown, incomplete or its arguments are out of bounds. */
function keysFromSpecs(specs: CompiledSpec[], negativeArity: boolean, args: ArgView, out: Int32Array): number {
  const argc = args.argc;
  let n = 0;
  for (const spec of specs) {
    if (spec.notKey) continue;
    if (spec.kind === 'unknown') return -1;
    let first = 0;
    if (spec.keyword === null) first = spec.bsIndex;
    else {
      const from = spec.startfrom > 0 ? spec.startfrom : argc + spec.startfrom;
      const to = spec.startfrom > 0 ? argc - 1 : 1;
      // As in Redis, the search stops before reaching `to` itself.
      for (let i = from; i !== to; i = from <= to ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argEqualsLower(args, i, spec.keyword)) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    }
    let last: number;
    let step: number;
    if (spec.kind === 'range') {
      step = spec.step;
      if (spec.lastkey >= 0) last = first + spec.lastkey;
      else if (spec.limit === 0) last = argc + spec.lastkey;
      else last = first + (Math.trunc((argc - first) / spec.limit) + spec.lastkey);
    } else {
      step = spec.step;
      if (spec.keynumidx >= argc) return -1;
      const numkeys = parseStrictInt(args, first + spec.keynumidx);
      if (numkeys === null || numkeys < 0) return -1;
      first += spec.firstkey;
      last = first + numkeys - 1;
    }
    if (last >= argc || last < first || first >= argc) return -1;
    for (let i = first; i <= last; i += step) {
      if (i >= argc || i < first) {
        if (negativeArity) continue;
        return -1;
      }
      out[n++] = i;
    }
    if (spec.incomplete) return -1;
  }
  return n;
}

/** string2ll(): an optional '-', digits, no leading zeros or spaces, within 64 bits (here: safe integers). */
function parseStrictInt(args: ArgView, i: number): number | null {
  if (i >= args.argc) return null;
  const buf = args.buf;
  let p = args.start[i];
  const end = args.end[i];
  if (p === end || end - p > 20) return null;
  let neg = false;
  if (buf[p] === 0x2d) {
    neg = true;
    p++;
    if (p === end) return null;
  }
  if (buf[p] === 0x30) return end - p === 1 && !neg ? 0 : null;
  let v = 0;
  for (; p < end; p++) {
    const d = buf[p] - 0x30;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

/** atoi(): leading spaces, optional sign, digits until the first non-digit; 0 when there are none. */
function atoi(args: ArgView, i: number): number {
  const buf = args.buf;
  let p = args.start[i];
  const end = args.end[i];
  while (p < end && (buf[p] === 0x20 || (buf[p] >= 0x09 && buf[p] <= 0x0d))) p++;
  let neg = false;
  if (p < end && (buf[p] === 0x2d || buf[p] === 0x2b)) neg = buf[p++] === 0x2d;
  let v = 0;
  for (; p < end; p++) {
    const d = buf[p] - 0x30;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
    if (v > 0x7fffffff) return -1; // past int range: no valid count
  }
  return neg ? -v : v;
}

/** genericGetKeys() in db.c: COMMAND [dest] numkeys key [key ...]. */
function genericGetKeys(storeOfs: number, countOfs: number, firstOfs: number, step: number): GetKeys {
  return (args, out) => {
    if (countOfs >= args.argc) return 0;
    const num = atoi(args, countOfs);
    if (num < 1 || num > Math.trunc((args.argc - firstOfs) / step)) return 0;
    let n = 0;
    for (let i = 0; i < num; i++) out[n++] = firstOfs + i * step;
    if (storeOfs) out[n++] = storeOfs;
    return n;
  };
}

const w = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const LIMIT = w('limit');
const GET = w('get');
const BY = w('by');
const STORE = w('store');
const STOREDIST = w('storedist');
const KEYS = w('keys');
const COPY = w('copy');
const REPLACE = w('replace');
const AUTH = w('auth');
const AUTH2 = w('auth2');
const BLOCK = w('block');
const COUNT = w('count');
const GROUP = w('group');
const NOACK = w('noack');
const STREAMS = w('streams');

/** sortGetKeys(): the sorted key, and the destination of the last STORE. */
const sortGetKeys: GetKeys = (args, out) => {
  out[0] = 1;
  let store = 0;
  for (let i = 2; i < args.argc; i++) {
    if (argEqualsLower(args, i, LIMIT)) i += 2;
    else if (argEqualsLower(args, i, GET) || argEqualsLower(args, i, BY)) i += 1;
    else if (argEqualsLower(args, i, STORE) && i + 1 < args.argc) store = i + 1;
  }
  if (store) out[1] = store;
  return store ? 2 : 1;
};

/** migrateGetKeys(): argument 3, or everything after KEYS when argument 3 is empty. */
const migrateGetKeys: GetKeys = (args, out) => {
  let first = 3;
  let num = 1;
  if (args.argc > 6) {
    for (let i = 6; i < args.argc; i++) {
      if (argEqualsLower(args, i, KEYS)) {
        if (args.end[3] > args.start[3]) num = 0;
        else {
          first = i + 1;
          num = args.argc - first;
        }
        break;
      }
      if (argEqualsLower(args, i, COPY) || argEqualsLower(args, i, REPLACE)) continue;
      if (argEqualsLower(args, i, AUTH)) i += 1;
      else if (argEqualsLower(args, i, AUTH2)) i += 2;
    }
  }
  for (let i = 0; i < num; i++) out[i] = first + i;
  return num;
};

/** georadiusGetKeys(): the source key and the last STORE/STOREDIST destination. */
const georadiusGetKeys: GetKeys = (args, out) => {
  let stored = -1;
  for (let i = 5; i < args.argc; i++) {
    if ((argEqualsLower(args, i, STORE) || argEqualsLower(args, i, STOREDIST)) && i + 1 < args.argc) {
      stored = i + 1;
      i++;
    }
  }
  out[0] = 1;
  if (stored === -1) return 1;
  out[1] = stored;
  return 2;
};

/** xreadGetKeys(): half of what follows STREAMS, after the known options. */
const xreadGetKeys: GetKeys = (args, out) => {
  let streams = -1;
  for (let i = 1; i < args.argc; i++) {
    if (argEqualsLower(args, i, BLOCK) || argEqualsLower(args, i, COUNT)) i++;
    else if (argEqualsLower(args, i, GROUP)) i += 2;
    else if (argEqualsLower(args, i, NOACK)) continue;
    else {
      if (argEqualsLower(args, i, STREAMS)) streams = i;
      break;
    }
  }
  if (streams === -1) return 0;
  const rest = args.argc - streams - 1;
  if (rest === 0 || rest % 2 !== 0) return 0;
  const num = rest / 2;
  for (let i = 0; i < num; i++) out[i] = streams + 1 + i;
  return num;
};

const firstArgGetKeys: GetKeys = (_args, out) => {
  out[0] = 1;
  return 1;
};

/** The getkeys_proc of each built-in command that has one that is not generic (commands.c). */
const NAMED_PROCS: Record<string, GetKeys> = {
  sort: sortGetKeys,
  sort_ro: firstArgGetKeys,
  migrate: migrateGetKeys,
  georadius: georadiusGetKeys,
  georadiusbymember: georadiusGetKeys,
  xread: xreadGetKeys,
  xreadgroup: xreadGetKeys,
  set: firstArgGetKeys,
  bitfield: firstArgGetKeys,
};

/**
 * The procedure Redis falls back to. For the numkeys family (EVAL, FCALL, ZUNIONSTORE, LMPOP, ...) it is
 * genericGetKeys() with offsets that the key specs themselves state, so new commands of that shape need
 * no code here.
 */
function fallbackProc(def: CommandDef): GetKeys | undefined {
  const named = NAMED_PROCS[def.name];
  if (named) return named;
  if (!def.flags.includes('movablekeys')) return undefined;
  const keynum = def.keySpecs.find((s) => s.fk && 'keynum' in s.fk && s.bs && 'index' in s.bs);
  if (!keynum || !keynum.fk || !('keynum' in keynum.fk) || !keynum.bs || !('index' in keynum.bs)) return undefined;
  const begin = keynum.bs.index;
  const store = def.keySpecs.find((s) => s !== keynum && s.bs && 'index' in s.bs);
  const storeOfs = store?.bs && 'index' in store.bs ? store.bs.index : 0;
  const { keynumidx, firstkey, step } = keynum.fk.keynum;
  return genericGetKeys(storeOfs, begin + keynumidx, begin + firstkey, step);
}

/**
 * The shard channels of SPUBLISH, SSUBSCRIBE and SUNSUBSCRIBE (their `not_key` specs), or null for other
 * commands. Not keys: COMMAND GETKEYS leaves them out. But a cluster routes these commands by them (its
 * getKeysFromCommand() walks the legacy key range, which covers them), so channels in two slots get
 * CROSSSLOT, as a real 7.0 cluster answers `SSUBSCRIBE a b`.
 */
export function channelExtractor(def: CommandDef): GetKeys | null {
  const specs = def.keySpecs.filter((s) => s.flags.includes('not_key')).map((s) => ({ ...compile(s), notKey: false }));
  if (specs.length === 0) return null;
  const negativeArity = def.arity < 0;
  return withinArity(def.arity, (args, out) => Math.max(0, keysFromSpecs(specs, negativeArity, args, out)));
}

/**
 * Why Redis would refuse argc arguments (the name included) for this command before running it, as
 * processCommand() checks arity; null when they fit. Such a command never reaches MONITOR, so a line that
 * has it was cut or damaged. The reason names the command from the table, never bytes of the line.
 */
export function wrongArity(def: CommandDef, argc: number): string | null {
  if (def.arity > 0 ? argc === def.arity : argc >= -def.arity) return null;
  const name = def.name.replace('|', ' ').toUpperCase();
  return `wrong number of arguments for ${name}: ${argc} with its name, ${def.arity > 0 ? 'needs' : 'needs at least'} ${Math.abs(def.arity)} (a cut line?)`;
}

/**
 * Builds the key extractor of one command, the way getKeysFromCommandWithSpecs() chooses. Arguments that
 * Redis's arity check refuses have no keys (COMMAND GETKEYS answers an error): the procedures below may
 * then read indexes the line does not have, which hold the previous line's offsets.
 */
export function keyExtractor(def: CommandDef): GetKeys {
  const at = singleKeyAt(def);
  const arity = def.arity;
  if (at > 0 && at < Math.abs(arity)) {
    // One key at a fixed index (GET, SET, HGETALL, ...: most traffic) that every count fitting the arity
    // has: what keysFromSpecs() finds for such a spec, without walking it or a second call.
    if (arity > 0) return (args, out) => (args.argc === arity ? ((out[0] = at), 1) : 0);
    return (args, out) => (args.argc >= -arity ? ((out[0] = at), 1) : 0);
  }
  return withinArity(arity, keysWithinArity(def));
}

/** The index of the key when the command's only key spec is one key at a fixed index; 0 otherwise. */
function singleKeyAt(def: CommandDef): number {
  if (def.keySpecs.length !== 1 || def.keySpecs[0].flags.includes('variable_flags')) return 0;
  const one = compile(def.keySpecs[0]);
  if (one.notKey || one.incomplete || one.keyword !== null || one.kind !== 'range' || one.lastkey !== 0) return 0;
  return one.bsIndex;
}

/** keys, for argument counts that fit arity (exactly n, or at least -n); no keys otherwise. */
function withinArity(arity: number, keys: GetKeys): GetKeys {
  if (arity > 0) return (args, out) => (args.argc === arity ? keys(args, out) : 0);
  return (args, out) => (args.argc >= -arity ? keys(args, out) : 0);
}

function keysWithinArity(def: CommandDef): GetKeys {
  const specs = def.keySpecs.map(compile);
  const hasKeySpec = def.keySpecs.some((s) => !s.flags.includes('not_key'));
  const hasVarFlags = def.keySpecs.some((s) => s.flags.includes('variable_flags'));
  const negativeArity = def.arity < 0;
  const proc = fallbackProc(def);
  if (hasKeySpec && !hasVarFlags) {
    const at = singleKeyAt(def);
    if (at > 0) {
      // One key at a fixed index, which a short command line may lack: then the command's own procedure.
      return (args, out) => {
        if (at < args.argc) {
          out[0] = at;
          return 1;
        }
        return proc ? proc(args, out) : 0;
      };
    }
    return (args, out) => {
      const n = keysFromSpecs(specs, negativeArity, args, out);
      if (n >= 0) return n;
      return proc ? proc(args, out) : 0;
    };
  }
  if (proc) return proc;
  if (hasVarFlags) {
    // A command flagged variable_flags without a procedure we know: its specs still locate the keys.
    return (args, out) => Math.max(0, keysFromSpecs(specs, negativeArity, args, out));
  }
  return () => 0;
}
