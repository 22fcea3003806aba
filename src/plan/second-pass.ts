// Pass 2: the same records with every change of the plan applied at once, as verify's replay applies them:
// key renames on the keys a client sent (and, through ScriptKeyScope, on the keys a script's commands use),
// client prefix changes (PrefixRewriter) on every argument of every line, values included. The analyzer
// then judges the changed traffic as it judged the original, and this sink counts, per change, the key
// operations (client commands and the commands scripts run) and the bytes that land in each slot. The
// totals they are shares of are pass 1's: the same records, the same keys.
import type { Analyzer } from '../analyze/analyzer.js';
import { argString } from '../commands/args.js';
import type { CommandTable } from '../commands/command-table.js';
import { ClientKind, MonitorRecord } from '../ingest/monitor-parser.js';
import type { KeyMeta, RecordSink } from '../ingest/records.js';
import { SLOT_COUNT, slotOfRange } from '../slot/key-slot.js';
import { type PrefixChange, PrefixRewriter } from './prefix-rewrite.js';
import type { Renamer } from './renames.js';
import { SCRIPT_CALLS } from '../commands/script-calls.js';
import { type RenamedKey, ScriptKeyScope } from './script-key-scope.js';

const CLOSE = 0x7d; // '}'

/** Changes whose per-slot load is counted; a plan with more has them summed under none. */
const MAX_COUNTED = 256;

/** Per-slot load of one change (a rename tag or a client change), and each slot's leading entity. */
export class ChangeLoad {
  readonly ops = new Float64Array(SLOT_COUNT);
  readonly bytes = new Float64Array(SLOT_COUNT);
  /** Boyer-Moore majority vote per slot: the entity holding more than half a slot's operations, if one does. */
  readonly entity: string[] = new Array<string>(SLOT_COUNT).fill('');
  private readonly votes = new Int32Array(SLOT_COUNT);

  vote(slot: number, entity: string): void {
    if (this.votes[slot] === 0) {
      this.entity[slot] = entity;
      this.votes[slot] = 1;
    } else this.votes[slot] += this.entity[slot] === entity ? 1 : -1;
  }
}

export class ChangeRewriter implements RecordSink {
  /** Per change: rename tags first (in `tags` order), then client changes. */
  readonly loads: ChangeLoad[];
  /** The distinct changes the current line's keys fall under, for the observer judging it. */
  readonly lineChanges: number[] = [];
  private readonly prefixes: PrefixRewriter;
  private readonly prefixStarts: Buffer[];
  private readonly tagIndex: Map<string, number>;
  private readonly scripts = new ScriptKeyScope();
  private readonly out = new MonitorRecord();
  private outBuf = Buffer.alloc(1 << 16);
  private keyIdx = new Int32Array(256);
  private readonly mapped = new Set<string>();
  private readonly renaming: boolean;

  constructor(
    private readonly analyzer: Analyzer,
    private readonly table: CommandTable,
    private readonly renamer: Renamer,
    tags: readonly string[],
    private readonly clientChanges: readonly PrefixChange[],
    private readonly renameMap?: (oldKey: string, newKey: string) => void,
  ) {
    this.renaming = renamer.rules.length > 0;
    this.prefixes = new PrefixRewriter(clientChanges);
    this.prefixStarts = clientChanges.map((c) => Buffer.from(c.from, 'latin1'));
    this.tagIndex = new Map(tags.map((t, i) => [t, i]));
    this.loads = Array.from({ length: Math.min(MAX_COUNTED, tags.length + clientChanges.length) }, () => new ChangeLoad());
  }

  command(rec: MonitorRecord, node: string): void {
    this.lineChanges.length = 0;
    const cmd = this.table.lookup(rec);
    if (this.keyIdx.length < rec.argc) this.keyIdx = new Int32Array(rec.argc * 2);
    const n = cmd ? cmd.getKeys(rec, this.keyIdx) : 0;
    const client = rec.clientKind !== ClientKind.Lua;
    // A script call's keys, so its own commands take the same renames (as verify's replay sends them).
    const given = client && this.renaming && cmd && SCRIPT_CALLS.has(cmd.name) ? new Map<string, RenamedKey>() : null;
    if (client) this.scripts.clientLine(node, given);

    let parts: (Buffer | null)[] | null = null;
    for (let k = 0; k < n; k++) {
      const a = this.keyIdx[k];
      let change: number;
      let bytes: Buffer;
      const r = this.renaming ? this.renamed(rec, a, node, client, given) : null;
      if (r) {
        change = this.tagIndex.get(r.tag!)!;
        bytes = r.to;
      } else if (!this.prefixes.empty) {
        const orig = rec.buf.subarray(rec.start[a], rec.end[a]);
        bytes = this.prefixes.rewrite(orig);
        if (bytes === orig) continue;
        change = this.tagIndex.size + this.prefixOf(orig);
      } else continue;
      const slot = slotOfRange(bytes, 0, bytes.length);
      const load = this.loads[change];
      if (load) {
        load.ops[slot]++;
        if (r) load.vote(slot, bytes.toString('latin1', 1, bytes.indexOf(CLOSE)));
      }
      if (!this.lineChanges.includes(change)) this.lineChanges.push(change);
      (parts ??= new Array<Buffer | null>(rec.argc).fill(null))[a] = bytes;
    }
    if (!this.prefixes.empty) {
      for (let i = 0; i < rec.argc; i++) {
        if (parts?.[i]) continue;
        const arg = rec.buf.subarray(rec.start[i], rec.end[i]);
        const p = this.prefixes.rewrite(arg);
        if (p !== arg) (parts ??= new Array<Buffer | null>(rec.argc).fill(null))[i] = p;
      }
    }
    this.analyzer.command(parts ? this.rebuild(rec, parts) : rec, node);
  }

  /**
   * A key's rename: a client's keys by the rules; a script's own commands' keys as its call's keys were
   * renamed (ScriptKeyScope), or by the rules when no call is open on the node. Null: no rename.
   */
  private renamed(rec: MonitorRecord, a: number, node: string, client: boolean, given: Map<string, RenamedKey> | null): RenamedKey | null {
    const key = argString(rec, a);
    const scoped = client ? undefined : this.scripts.renamed(node, key);
    if (scoped !== undefined) return scoped?.tag != null ? scoped : null;
    const r = this.renamer.apply(key);
    const renamed = r ? { to: Buffer.from(r.to, 'latin1'), tag: r.rule.tag } : null;
    given?.set(key, renamed ?? { to: Buffer.from(key, 'latin1'), tag: null });
    return renamed;
  }

  key(buf: Buffer, start: number, end: number, node: string, meta: KeyMeta | null): void {
    const key = buf.toString('latin1', start, end);
    const r = this.renamer.apply(key);
    let out: Buffer | null = null;
    let change = -1;
    if (r) {
      out = Buffer.from(r.to, 'latin1');
      change = this.tagIndex.get(r.rule.tag)!;
      if (this.renameMap && !this.mapped.has(key)) {
        // A key dumped from a primary and its replica is renamed once.
        this.mapped.add(key);
        this.renameMap(key, r.to);
      }
    } else if (!this.prefixes.empty) {
      const orig = buf.subarray(start, end);
      const p = this.prefixes.rewrite(orig);
      if (p !== orig) {
        out = p;
        change = this.tagIndex.size + this.prefixOf(orig);
      }
    }
    const load = change >= 0 ? this.loads[change] : undefined;
    if (out && load && meta && meta.bytes !== null) load.bytes[slotOfRange(out, 0, out.length)] += meta.bytes;
    if (out) this.analyzer.key(out, 0, out.length, node, meta);
    else this.analyzer.key(buf, start, end, node, meta);
  }

  /** Which client change a key starting with one of their prefixes falls under (the longest prefix wins). */
  private prefixOf(key: Buffer): number {
    let best = -1;
    for (let i = 0; i < this.prefixStarts.length; i++) {
      const s = this.prefixStarts[i];
      if (key.length >= s.length && key.compare(s, 0, s.length, 0, s.length) === 0 && (best < 0 || s.length > this.prefixStarts[best].length)) best = i;
    }
    return best < 0 ? 0 : best;
  }

  /** The record with the changed arguments, in a buffer of its own (reused line to line). */
  private rebuild(rec: MonitorRecord, parts: (Buffer | null)[]): MonitorRecord {
    let size = rec.clientEnd - rec.clientStart;
    for (let i = 0; i < rec.argc; i++) size += parts[i]?.length ?? rec.end[i] - rec.start[i];
    if (this.outBuf.length < size) this.outBuf = Buffer.alloc(size * 2);
    const out = this.out;
    const buf = this.outBuf;
    out.buf = buf;
    out.argc = 0;
    let at = rec.buf.copy(buf, 0, rec.clientStart, rec.clientEnd);
    out.clientStart = 0;
    out.clientEnd = at;
    for (let i = 0; i < rec.argc; i++) {
      const from = at;
      const p = parts[i];
      at += p ? p.copy(buf, at) : rec.buf.copy(buf, at, rec.start[i], rec.end[i]);
      out.push(from, at);
    }
    out.lineNo = rec.lineNo;
    out.timeMicros = rec.timeMicros;
    out.db = rec.db;
    out.clientKind = rec.clientKind;
    return out;
  }
}
