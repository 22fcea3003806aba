// The keys a script call was given on each node, as the client named them and as they are renamed. A
// script's own commands (`lua` lines) use those keys and names built from them, so they take the renames
// the call's keys took: what the plan's second pass judges and what verify's replay sends agree.

/** A key's name as renamed, and the rename rule's tag that made it (null: the key keeps its name). */
export interface RenamedKey {
  to: Buffer;
  tag: string | null;
}

const isWordChar = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

export class ScriptKeyScope {
  private readonly open = new Map<string, Map<string, RenamedKey>>();

  /** A client line on a node ends the call open there; a script call opens one with the keys it was given. */
  clientLine(node: string, given: Map<string, RenamedKey> | null): void {
    if (given) this.open.set(node, given);
    else this.open.delete(node);
  }

  /**
   * A key a script's own command used: as the call's keys were renamed, or null to keep its name; undefined
   * when no call is open on the node (a capture that starts inside one): the caller renames it as a client's.
   */
  renamed(node: string, key: string): RenamedKey | null | undefined {
    const given = this.open.get(node);
    if (!given) return undefined;
    return given.get(key) ?? derived(given, key);
  }
}

/**
 * The name a script builds from a declared key: a key that starts with a declared key and goes on past a
 * word boundary (BullMQ's `jobIdKey .. ":lock"`) was made by appending to it, so it is the renamed key with
 * the same tail; the longest such declared key wins. Keys a script builds otherwise (from ARGV, or
 * literals) keep their names.
 */
function derived(given: Map<string, RenamedKey>, key: string): RenamedKey | null {
  let best = '';
  for (const d of given.keys()) if (d.length > best.length && key.length > d.length && key.startsWith(d) && !isWordChar(key.charCodeAt(d.length))) best = d;
  if (best === '') return null;
  const r = given.get(best)!;
  return r.tag === null ? null : { to: Buffer.concat([r.to, Buffer.from(key.slice(best.length), 'latin1')]), tag: r.tag };
}
