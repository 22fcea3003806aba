// What a read worker works out of a command line besides parsing it, so that the main thread need not:
// the command, its keys, and each key's fingerprint and slot, as Analyzer.command() would find them.
import type { ArgView } from '../../commands/args.js';
import { CommandTable } from '../../commands/command-table.js';
import { wrongArity } from '../../commands/key-extractor.js';
import { slotOfRange } from '../../slot/key-slot.js';
import { Fingerprint, hashBytes64 } from '../key-hash.js';

export class LineKeys {
  /** The default table: its ids are the ones an Analyzer without a table of its own uses. */
  private readonly table = new CommandTable();
  private keyIdx = new Int32Array(256);

  /** Most ints write() takes for a line of argc arguments. */
  static size(argc: number): number {
    return 2 + 4 * argc;
  }

  /**
   * Writes [command id (-1: none), key count, (argument, high, low, slot) a key] at ints[p]; answers the
   * ints written. A line of the wrong arity gets no keys: the analyzer refuses it before it looks.
   */
  write(args: ArgView, ints: Int32Array, p: number): number {
    const cmd = this.table.lookup(args);
    if (cmd === undefined || wrongArity(cmd.def, args.argc) !== null) {
      ints[p] = cmd === undefined ? -1 : cmd.id;
      ints[p + 1] = 0;
      return 2;
    }
    if (this.keyIdx.length < args.argc) this.keyIdx = new Int32Array(args.argc * 2);
    const n = cmd.getKeys(args, this.keyIdx);
    ints[p] = cmd.id;
    ints[p + 1] = n;
    const buf = args.buf;
    for (let k = 0, q = p + 2; k < n; k++, q += 4) {
      const a = this.keyIdx[k];
      const s = args.start[a];
      const e = args.end[a];
      ints[q] = a;
      ints[q + 1] = hashBytes64(buf, s, e);
      ints[q + 2] = Fingerprint.low;
      ints[q + 3] = Fingerprint.slot >= 0 ? Fingerprint.slot : slotOfRange(buf, s, e);
    }
    return 2 + 4 * n;
  }
}
