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
import { RenameCache, writeRenamed } from './rename-cache.js';
import { Fingerprint, hashBytes64 } from '../analyze/key-hash.js';
import { copyBytes } from '../bytes/copy-bytes.js';

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
  /** The fingerprint of each slot's entity, so a vote compares two numbers, not two strings. */
  private readonly high = new Int32Array(SLOT_COUNT);
  private readonly low = new Int32Array(SLOT_COUNT);

  /** A vote in `slot` for the entity at buf[start, end), whose fingerprint is (high, low). */
  vote(slot: number, high: number, low: number, buf: Buffer, start: number, end: number): void {
    if (this.votes[slot] === 0) {
      this.entity[slot] = buf.toString('latin1', start, end);
      this.high[slot] = high;
      this.low[slot] = low;
      this.votes[slot] = 1;
    } else this.votes[slot] += this.high[slot] === high && this.low[slot] === low ? 1 : -1;
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
  private readonly cache: RenameCache;
  private readonly scripts = new ScriptKeyScope();
  private readonly out = new MonitorRecord();
  private outBuf = Buffer.alloc(1 << 16);
  private keyBuf = Buffer.alloc(256);
  private keyIdx = new Int32Array(256);
  /** The current line's changed arguments: a new text, or (`braces`) a cached rename's brace position. */
  private parts: (Buffer | null)[] = [];
  private braces = new Int32Array(256);
  private changed = false;
  private readonly mapped = new Set<string>();
  private readonly renaming: boolean;

  constructor(
    private readonly analyzer: Analyzer,
    private readonly table: CommandTable,
    renamer: Renamer,
    private readonly tags: readonly string[],
    private readonly clientChanges: readonly PrefixChange[],
    private readonly renameMap?: (oldKey: string, newKey: string) => void,
  ) {
    this.renaming = renamer.rules.length > 0;
    this.prefixes = new PrefixRewriter(clientChanges);
    this.prefixStarts = clientChanges.map((c) => Buffer.from(c.from, 'latin1'));
    this.tagIndex = new Map(tags.map((t, i) => [t, i]));
    this.cache = new RenameCache(renamer, this.tagIndex);
    this.loads = Array.from({ length: Math.min(MAX_COUNTED, tags.length + clientChanges.length) }, () => new ChangeLoad());
  }

  command(rec: MonitorRecord, node: string): void {
    this.lineChanges.length = 0;
    this.changed = false;
    const cmd = this.table.lookup(rec);
    if (this.keyIdx.length < rec.argc) this.keyIdx = new Int32Array(rec.argc * 2);
    const n = cmd ? cmd.getKeys(rec, this.keyIdx) : 0;
    const client = rec.clientKind !== ClientKind.Lua;
    // A script call's keys, so its own commands take the same renames (as verify's replay sends them).
    const given = client && this.renaming && cmd && SCRIPT_CALLS.has(cmd.name) ? new Map<string, RenamedKey>() : null;
    if (client) this.scripts.clientLine(node, given);

    for (let k = 0; k < n; k++) {
      const a = this.keyIdx[k];
      if ((this.renaming && this.rename(rec, a, node, client, given)) || this.prefixes.empty) continue;
      const orig = rec.buf.subarray(rec.start[a], rec.end[a]);
      const bytes = this.prefixes.rewrite(orig);
      if (bytes === orig) continue;
      this.changeParts(rec.argc)[a] = bytes;
      this.count(this.tagIndex.size + this.prefixOf(orig), slotOfRange(bytes, 0, bytes.length));
    }
    if (!this.prefixes.empty) {
      for (let i = 0; i < rec.argc; i++) {
        if (this.changed && (this.parts[i] !== null || this.braces[i] >= 0)) continue;
        const arg = rec.buf.subarray(rec.start[i], rec.end[i]);
        const p = this.prefixes.rewrite(arg);
        if (p !== arg) this.changeParts(rec.argc)[i] = p;
      }
    }
    this.analyzer.command(this.changed ? this.rebuild(rec) : rec, node);
  }

  /**
   * Renames key argument a: a client's keys by the rules; a script's own commands' keys as its call's keys
   * were renamed (ScriptKeyScope), or by the rules when no call is open on the node. A renamed key is
   * counted and votes for its entity; false when the key keeps its name.
   */
  private rename(rec: MonitorRecord, a: number, node: string, client: boolean, given: Map<string, RenamedKey> | null): boolean {
    const buf = rec.buf;
    const s = rec.start[a];
    const e = rec.end[a];
    const scoped = client ? undefined : this.scripts.renamed(node, argString(rec, a));
    if (scoped !== undefined) {
      if (scoped === null || scoped.tag === null) return false;
      const to = scoped.to;
      const change = this.tagIndex.get(scoped.tag)!;
      this.changeParts(rec.argc)[a] = to;
      const slot = slotOfRange(to, 0, to.length);
      let end = 1;
      while (end < to.length && to[end] !== CLOSE) end++;
      this.count(change, slot);
      this.loads[change]?.vote(slot, hashBytes64(to, 1, end), Fingerprint.low, to, 1, end);
      return true;
    }
    const c = this.cache;
    const i = c.entry(buf, s, e);
    const tagEnd = c.tagEnd[i];
    if (given) {
      // A copy: the record's buffer is reused.
      const to = Buffer.allocUnsafe(tagEnd < 0 ? e - s : e - s + 2);
      if (tagEnd < 0) copyBytes(buf, s, e, to, 0);
      else writeRenamed(buf, s, e, tagEnd, to, 0);
      given.set(argString(rec, a), { to, tag: tagEnd < 0 ? null : this.tags[c.change[i]] });
    }
    if (tagEnd < 0) return false;
    this.changeParts(rec.argc);
    this.braces[a] = tagEnd;
    this.count(c.change[i], c.slot[i]);
    this.loads[c.change[i]]?.vote(c.slot[i], c.entityHigh[i], c.entityLow[i], buf, s, s + c.entityEnd[i]);
    return true;
  }

  /** A key of the line under `change` lands in `slot`. */
  private count(change: number, slot: number): void {
    const load = this.loads[change];
    if (load) load.ops[slot]++;
    if (!this.lineChanges.includes(change)) this.lineChanges.push(change);
  }

  /** The line's changed arguments, emptied at the line's first change. */
  private changeParts(argc: number): (Buffer | null)[] {
    if (this.changed) return this.parts;
    this.changed = true;
    if (this.braces.length < argc) this.braces = new Int32Array(argc * 2);
    this.braces.fill(-1, 0, argc);
    const parts = this.parts;
    parts.length = argc;
    parts.fill(null);
    return parts;
  }

  key(buf: Buffer, start: number, end: number, node: string, meta: KeyMeta | null): void {
    let out: Buffer | null = null;
    let outEnd = 0;
    let change = -1;
    let slot = 0;
    const i = this.renaming ? this.cache.entry(buf, start, end) : -1;
    const tagEnd = i >= 0 ? this.cache.tagEnd[i] : -1;
    if (tagEnd >= 0) {
      if (this.keyBuf.length < end - start + 2) this.keyBuf = Buffer.alloc((end - start) * 2 + 2);
      out = this.keyBuf;
      outEnd = writeRenamed(buf, start, end, tagEnd, out, 0);
      change = this.cache.change[i];
      slot = this.cache.slot[i];
      if (this.renameMap) {
        // A key dumped from a primary and its replica is renamed once.
        const key = buf.toString('latin1', start, end);
        if (!this.mapped.has(key)) {
          this.mapped.add(key);
          this.renameMap(key, out.toString('latin1', 0, outEnd));
        }
      }
    } else if (!this.prefixes.empty) {
      const orig = buf.subarray(start, end);
      const p = this.prefixes.rewrite(orig);
      if (p !== orig) {
        out = p;
        outEnd = p.length;
        change = this.tagIndex.size + this.prefixOf(orig);
        slot = slotOfRange(p, 0, outEnd);
      }
    }
    const load = change >= 0 ? this.loads[change] : undefined;
    if (load && meta && meta.bytes !== null) load.bytes[slot] += meta.bytes;
    if (out) this.analyzer.key(out, 0, outEnd, node, meta);
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
  private rebuild(rec: MonitorRecord): MonitorRecord {
    const { parts, braces } = this;
    let size = rec.clientEnd - rec.clientStart;
    for (let i = 0; i < rec.argc; i++) size += parts[i]?.length ?? rec.end[i] - rec.start[i] + (braces[i] >= 0 ? 2 : 0);
    if (this.outBuf.length < size) this.outBuf = Buffer.alloc(size * 2);
    const out = this.out;
    const buf = this.outBuf;
    out.buf = buf;
    out.argc = 0;
    let at = copyBytes(rec.buf, rec.clientStart, rec.clientEnd, buf, 0);
    out.clientStart = 0;
    out.clientEnd = at;
    for (let i = 0; i < rec.argc; i++) {
      const from = at;
      const p = parts[i];
      if (p) at += copyBytes(p, 0, p.length, buf, at);
      else if (braces[i] >= 0) at += writeRenamed(rec.buf, rec.start[i], rec.end[i], braces[i], buf, at);
      else at += copyBytes(rec.buf, rec.start[i], rec.end[i], buf, at);
      out.push(from, at);
    }
    out.lineNo = rec.lineNo;
    out.timeMicros = rec.timeMicros;
    out.db = rec.db;
    out.clientKind = rec.clientKind;
    return out;
  }
}
