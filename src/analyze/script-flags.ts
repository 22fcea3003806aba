// The flags a cluster reads off a script before running it: an EVAL body's `#!lua flags=...` shebang
// (evalExtractShebangFlags() in eval.c) and the flags a FUNCTION LOAD library gives each function it
// registers (luaRegisterFunctionReadFlags() in function_lua.c). A body without a shebang runs in
// compatibility mode (SCRIPT_FLAG_EVAL_COMPAT_MODE): no flags, and keys in several slots are allowed.

/** The script has a shebang, or is a function: flags apply and keys must share one slot unless allowed. */
export const FLAG_SHEBANG = 1;
/** `no-cluster`: scriptPrepareForRun() refuses it on any cluster node. */
export const FLAG_NO_CLUSTER = 2;
/** `allow-cross-slot-keys`: the script's commands may each use another slot (on the same node). */
export const FLAG_ALLOW_CROSS_SLOT = 4;
/** A function whose library was not loaded in the capture: its flags are not known. */
export const FLAG_UNKNOWN = 8;

/** The flags of a body whose first line is `first` (evalExtractShebangFlags()). */
export function shebangFlags(first: string | undefined): number {
  if (first === undefined || !first.startsWith('#!')) return 0;
  let flags = FLAG_SHEBANG;
  for (const part of first.slice(2).split(' ')) {
    if (!part.startsWith('flags=')) continue;
    for (const f of part.slice(6).split(',')) flags |= flagBit(f);
  }
  return flags;
}

function flagBit(name: string): number {
  if (name === 'no-cluster') return FLAG_NO_CLUSTER;
  if (name === 'allow-cross-slot-keys') return FLAG_ALLOW_CROSS_SLOT;
  return 0;
}

/** Whether a second slot fails a script with these flags even on one node (scriptVerifyClusterState()). */
export function isStrict(flags: number): boolean {
  return (flags & FLAG_SHEBANG) !== 0 && (flags & FLAG_ALLOW_CROSS_SLOT) === 0;
}

const REGISTER = /register_function\s*(\(\s*)?/g;
const NAME_ARG = /^(['"])([^'"]*)\1/;
const NAME_FIELD = /function_name\s*=\s*(['"])([^'"]*)\1/;
const FLAGS_FIELD = /flags\s*=\s*\{([^}]*)\}/;
const QUOTED = /(['"])([^'"]*)\1/g;

/**
 * Each function a library body registers, with its flags: `redis.register_function('name', fn)` has
 * none; the table form `redis.register_function{function_name='name', callback=fn, flags={...}}` lists
 * them. Read from the text, as no Lua runs here; a table whose braces do not balance is skipped.
 */
export function libraryFunctions(body: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of body.matchAll(REGISTER)) {
    const at = m.index + m[0].length;
    const positional = NAME_ARG.exec(body.slice(at, at + 300));
    if (positional) {
      out.set(positional[2], FLAG_SHEBANG);
      continue;
    }
    if (body[at] !== '{') continue;
    const table = balanced(body, at);
    if (table === null) continue;
    const name = NAME_FIELD.exec(table);
    if (!name) continue;
    let flags = FLAG_SHEBANG;
    const list = FLAGS_FIELD.exec(table);
    if (list) for (const f of list[1].matchAll(QUOTED)) flags |= flagBit(f[2]);
    out.set(name[2], flags);
  }
  return out;
}

/** The text of the `{...}` table starting at `open`, or null when it does not close. */
function balanced(s: string, open: number): string | null {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return s.slice(open, i + 1);
  }
  return null;
}
