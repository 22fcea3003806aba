// Aggregates records into what the report needs: per-command counts, slot histograms (keys, ops, bytes),
// per-node figures and cross-slot commands. Everything is counted in typed arrays indexed by command id
// or slot; the only strings built on the hot path are for the first example of each cross-slot command.
import { CommandTable } from '../commands/command-table.js';
import { ClientKind, type MonitorRecord } from '../ingest/monitor-parser.js';
import type { KeyMeta, RecordSink } from '../ingest/records.js';
import { repr } from '../ingest/sdsrepr.js';
import { SLOT_COUNT, slotOfRange } from '../slot/key-slot.js';
import { DEFAULT_DISTINCT_OPTIONS, DistinctKeys, type DistinctKeysOptions, MASK_NODES } from './distinct-keys.js';

export interface CommandExample {
  node: string;
  line: number;
  /** The command name and its keys; every other argument is shown as `?` so values never leave. */
  command: string;
}

export class NodeAggregate {
  /** Node number in the shared key set's bitmask; past MASK_NODES the node keeps a set of its own. */
  readonly maskIndex: number;
  readonly ownKeys: DistinctKeys | null;
  commands = 0;
  scriptCommands = 0;
  keyedCommands = 0;
  crossSlotCommands = 0;
  readonly ops = new Float64Array(SLOT_COUNT);
  readonly bytes = new Float64Array(SLOT_COUNT);

  constructor(
    readonly index: number,
    private readonly shared: DistinctKeys,
    options: DistinctKeysOptions,
  ) {
    this.maskIndex = index < MASK_NODES ? index : -1;
    this.ownKeys = index < MASK_NODES ? null : new DistinctKeys(options);
  }

  /** Distinct keys this node saw in a slot. */
  keysInSlot(slot: number): number {
    return this.ownKeys ? this.ownKeys.inSlot(slot) : this.shared.inSlot(slot, this.maskIndex);
  }
}

/** Distinct unknown command names kept by name; more are counted together. */
const MAX_UNKNOWN_NAMES = 200;

export interface AnalyzerOptions {
  distinct?: DistinctKeysOptions;
  table?: CommandTable;
  /** Show keys in examples as `<key>` placeholders. */
  redactKeys?: boolean;
}

export class Analyzer implements RecordSink {
  readonly table: CommandTable;
  readonly calls: Float64Array;
  readonly keyed: Float64Array;
  readonly crossSlot: Float64Array;
  readonly crossSlotExample: (CommandExample | undefined)[] = [];
  readonly unknownCommands = new Map<string, number>();
  unknownOther = 0;

  commands = 0;
  scriptCommands = 0;
  keyedCommands = 0;
  crossSlotCommands = 0;
  keyRecords = 0;

  readonly keys: DistinctKeys;
  readonly ops = new Float64Array(SLOT_COUNT);
  readonly bytes = new Float64Array(SLOT_COUNT);
  /** Keys that came with a size (memory report): dedupes a key dumped from a primary and its replica. */
  private sizedKeys: DistinctKeys | null = null;
  readonly nodes = new Map<string, NodeAggregate>();

  private keyIdx = new Int32Array(256);
  private slots = new Int32Array(256);
  private readonly distinctOptions: DistinctKeysOptions;
  private readonly redactKeys: boolean;

  constructor(options: AnalyzerOptions = {}) {
    this.table = options.table ?? new CommandTable();
    const n = this.table.all.length;
    this.calls = new Float64Array(n);
    this.keyed = new Float64Array(n);
    this.crossSlot = new Float64Array(n);
    this.distinctOptions = options.distinct ?? DEFAULT_DISTINCT_OPTIONS;
    this.keys = new DistinctKeys(this.distinctOptions);
    this.redactKeys = options.redactKeys ?? false;
  }

  node(name: string): NodeAggregate {
    let agg = this.nodes.get(name);
    if (!agg) {
      agg = new NodeAggregate(this.nodes.size, this.keys, this.distinctOptions);
      this.nodes.set(name, agg);
    }
    return agg;
  }

  command(rec: MonitorRecord, nodeName: string): void {
    const node = this.node(nodeName);
    const client = rec.clientKind !== ClientKind.Lua;
    if (client) {
      this.commands++;
      node.commands++;
    } else {
      this.scriptCommands++;
      node.scriptCommands++;
    }
    const cmd = this.table.lookup(rec);
    if (!cmd) {
      if (client) this.countUnknown(rec);
      return;
    }
    if (client) this.calls[cmd.id]++;
    if (this.keyIdx.length < rec.argc) {
      this.keyIdx = new Int32Array(rec.argc * 2);
      this.slots = new Int32Array(rec.argc * 2);
    }
    const n = cmd.getKeys(rec, this.keyIdx);
    if (n === 0) return;

    const buf = rec.buf;
    const keyIdx = this.keyIdx;
    const slots = this.slots;
    let distinctSlots = 0;
    for (let k = 0; k < n; k++) {
      const a = keyIdx[k];
      const s = rec.start[a];
      const e = rec.end[a];
      const slot = slotOfRange(buf, s, e);
      this.keys.add(buf, s, e, slot, node.maskIndex);
      node.ownKeys?.add(buf, s, e, slot, -1);
      // Distinct slots of this command; n is small, so a linear scan beats any set.
      let seen = false;
      for (let j = 0; j < distinctSlots; j++) {
        if (slots[j] === slot) {
          seen = true;
          break;
        }
      }
      if (!seen) slots[distinctSlots++] = slot;
    }
    if (!client) return;

    this.keyedCommands++;
    node.keyedCommands++;
    this.keyed[cmd.id]++;
    for (let j = 0; j < distinctSlots; j++) {
      this.ops[slots[j]]++;
      node.ops[slots[j]]++;
    }
    if (distinctSlots > 1) {
      this.crossSlotCommands++;
      node.crossSlotCommands++;
      this.crossSlot[cmd.id]++;
      if (!this.crossSlotExample[cmd.id]) this.crossSlotExample[cmd.id] = this.example(rec, nodeName, n);
    }
  }

  key(buf: Buffer, start: number, end: number, nodeName: string, meta: KeyMeta | null): void {
    const node = this.node(nodeName);
    this.keyRecords++;
    const slot = slotOfRange(buf, start, end);
    this.keys.add(buf, start, end, slot, node.maskIndex);
    node.ownKeys?.add(buf, start, end, slot, -1);
    if (meta) {
      node.bytes[slot] += meta.bytes;
      this.sizedKeys ??= new DistinctKeys(this.distinctOptions);
      if (this.sizedKeys.add(buf, start, end, slot, -1)) this.bytes[slot] += meta.bytes;
    }
  }

  get hasBytes(): boolean {
    return this.sizedKeys !== null;
  }

  /** The command name and its keys, other arguments as `?`. */
  example(rec: MonitorRecord, node: string, keyCount: number): CommandExample {
    const isKey = new Set<number>();
    for (let k = 0; k < keyCount; k++) isKey.add(this.keyIdx[k]);
    const parts: string[] = [];
    for (let a = 0; a < rec.argc; a++) {
      if (a === 0 || (a === 1 && this.table.lookup(rec)?.name.includes('|'))) parts.push(rec.buf.toString('latin1', rec.start[a], rec.end[a]).toLowerCase());
      else if (isKey.has(a)) parts.push(this.redactKeys ? '<key>' : repr(rec.buf, rec.start[a], rec.end[a]));
      else parts.push('?');
    }
    return { node, line: rec.lineNo, command: parts.join(' ') };
  }

  private countUnknown(rec: MonitorRecord): void {
    const name = rec.buf.toString('latin1', rec.start[0], Math.min(rec.end[0], rec.start[0] + 64)).toLowerCase();
    const count = this.unknownCommands.get(name);
    if (count !== undefined) this.unknownCommands.set(name, count + 1);
    else if (this.unknownCommands.size < MAX_UNKNOWN_NAMES) this.unknownCommands.set(name, 1);
    else this.unknownOther++;
  }
}
