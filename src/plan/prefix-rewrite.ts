// A client-library setting that changes the prefix of every key the library builds (BullMQ's
// `prefix: '{bull}'`, a braced queue name). Libraries such as BullMQ build key names inside their scripts
// from a prefix passed in ARGV and store key names inside values, so such a change is emulated by rewriting
// the prefix wherever it stands in an argument — keys, ARGV and values alike — not by renaming keys.

export interface PrefixChange {
  kind: 'prefix';
  /** The library whose setting this is, e.g. `bullmq`. */
  library: string;
  /** The prefix as key names start today, including its trailing separator: `bull:`. */
  from: string;
  /** The prefix after the change: `{bull}:`. */
  to: string;
}

/** Bytes that continue a name: an occurrence of a prefix right after one of them is not a key's start. */
function isNameByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b === 0x2d || b === 0x2e || b === 0x3a || b === 0x7b || b === 0x7d;
}

export class PrefixRewriter {
  private readonly changes: { from: Buffer; to: Buffer }[];

  constructor(changes: readonly PrefixChange[]) {
    // Longest first, so `bull:emails:` (a braced queue name) wins over `bull:`.
    this.changes = changes
      .map((c) => ({ from: Buffer.from(c.from, 'latin1'), to: Buffer.from(c.to, 'latin1') }))
      .filter((c) => c.from.length > 0)
      .sort((a, b) => b.from.length - a.from.length);
  }

  get empty(): boolean {
    return this.changes.length === 0;
  }

  /**
   * The argument with every prefix occurrence rewritten: at its start, or after a byte that cannot continue
   * a name (a quote or space in a JSON value). Returns the same Buffer when nothing matched.
   */
  rewrite(arg: Buffer): Buffer {
    if (this.changes.length === 0) return arg;
    let out: Buffer[] | null = null;
    let copied = 0;
    for (let i = 0; i < arg.length; i++) {
      if (i > 0 && isNameByte(arg[i - 1])) continue;
      for (const c of this.changes) {
        if (arg[i] !== c.from[0] || i + c.from.length > arg.length || arg.compare(c.from, 0, c.from.length, i, i + c.from.length) !== 0) continue;
        out ??= [];
        out.push(arg.subarray(copied, i), c.to);
        copied = i + c.from.length;
        i = copied - 1;
        break;
      }
    }
    if (out === null) return arg;
    out.push(arg.subarray(copied));
    return Buffer.concat(out);
  }

  /** The same for a latin1 string (a key as the analyzer holds it). */
  rewriteString(s: string): string {
    const b = Buffer.from(s, 'latin1');
    const r = this.rewrite(b);
    return r === b ? s : r.toString('latin1');
  }
}
