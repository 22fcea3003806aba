// Aggregates records into what the report needs: per-command counts, slot histograms (keys, ops, bytes),
// per-node figures and cross-slot commands. Everything is counted in typed arrays indexed by command id
// or slot; the only strings built on the hot path are for the first example of each cross-slot command.
import { argStrings } from '../commands/args.js';
import { CommandTable } from '../commands/command-table.js';
import type { CommandInfo } from '../commands/command-table.js';
import { wrongArity } from '../commands/key-extractor.js';
import { ClientKind, type MonitorRecord } from '../ingest/monitor-parser.js';
import type { KeyMeta, RecordSink } from '../ingest/records.js';
import { SLOT_COUNT, slotOfRange } from '../slot/key-slot.js';
import { type CommandExample, renderCommand } from './command-example.js';
import { DEFAULT_DISTINCT_OPTIONS, DistinctKeys, type DistinctKeysOptions, type DistinctKeysSummary, MASK_NODES } from './distinct-keys.js';
import { countPattern, type FindingId, Findings, type FindingSummary, mergeSampledPatterns } from './findings.js';
import { Fingerprint, hashBytes64 } from './key-hash.js';
import { keyPattern } from './key-pattern.js';
import { NO_STRINGS } from './no-strings.js';
import { SampleLog, type SampleLogJSON } from './sample-log.js';
import { type CommandKeys, ScriptCall, type ScriptCallEnd, type ScriptsSummary, ScriptTracker } from './scripts.js';
import { SlotKeys, type SlotKeysSummary } from './slot-keys.js';
import { TimeSpan, type TimeSpanJSON } from './time-span.js';
import { TopKeys, type TopKeysJSON } from './top-keys.js';
import { mergedSlotKeys, mergedTopKeys } from './node-sketches.js';
import { BiggestKeys, type BiggestKeysJSON } from './biggest-keys.js';
import { addSparseSlots, list, num, type SparseSlots, sparseSlots, StateError } from './state-codec.js';
import { type TransactionEnd, TransactionTracker, type TransactionsSummary, type TxLine, type TxRole } from './transactions.js';
import { BLOCKING, BLOCKING_WITH_OPTION, blockingKinds, hasBlockOption } from './blocking.js';
import { argInteger, copyDestinationDb } from './db-args.js';
import { Redis8Compat } from './redis8-compat.js';
import { sortPatterns } from './sort-patterns.js';
import { defaultTarget, SortRule, type Target } from './targets.js';

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
  /** When this node's client commands ran. */
  readonly span = new TimeSpan();
  /**
   * This node's busiest keys, overall and in its hot slots. Per node, so a worker reading the node alone
   * builds the same sketches as one thread reading every node: the run's are merged from them (node-sketches.ts).
   */
  readonly topKeys = new TopKeys();
  readonly slotKeys = new SlotKeys();

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

  /**
   * The node's counts; its keys are in the shared set's summary unless it keeps a set of its own. Its
   * sketches unless `sketches` is false (the only node: the run's are its own).
   */
  toSummary(name: string, sketches: boolean): NodeSummary {
    return {
      name,
      commands: this.commands,
      scriptCommands: this.scriptCommands,
      keyedCommands: this.keyedCommands,
      crossSlotCommands: this.crossSlotCommands,
      ops: sparseSlots(this.ops),
      bytes: sparseSlots(this.bytes),
      ...(this.ownKeys ? { ownKeys: this.ownKeys.toSummary() } : {}),
      span: this.span.toJSON(),
      ...(sketches ? { topKeys: this.topKeys.toJSON(), slotKeys: this.slotKeys.toSummary() } : {}),
    };
  }

  /** Adds a summary's counts for the same node; its keys come through the Analyzer's merge. */
  merge(s: NodeSummary): void {
    this.commands += num(s.commands, 'node commands');
    this.scriptCommands += num(s.scriptCommands, 'node commands');
    this.keyedCommands += num(s.keyedCommands, 'node commands');
    this.crossSlotCommands += num(s.crossSlotCommands, 'node commands');
    addSparseSlots(this.ops, s.ops, 'node ops');
    addSparseSlots(this.bytes, s.bytes, 'node bytes');
    if (typeof s.span?.commands !== 'number') throw new StateError('node time span malformed');
    this.span.merge(TimeSpan.fromJSON(s.span));
    if (s.topKeys) this.topKeys.merge(topKeysFrom(s.topKeys));
    if (s.slotKeys) this.slotKeys.merge(s.slotKeys);
  }
}

export interface NodeSummary {
  name: string;
  commands: number;
  scriptCommands: number;
  keyedCommands: number;
  crossSlotCommands: number;
  ops: SparseSlots;
  bytes: SparseSlots;
  ownKeys?: DistinctKeysSummary;
  span: TimeSpanJSON;
  /** Absent for a run of one node, and from summaries made before sketches were kept per node: the run's `topKeys` and `slotKeys` are then the first node's. */
  topKeys?: TopKeysJSON;
  slotKeys?: SlotKeysSummary;
}

/**
 * An Analyzer's aggregate state (the `analysis` of a slotscope.summary/2 file), made of each aggregate's
 * own summary; counts per command go by name, so a summary does not depend on the command table's order.
 */
export interface AnalyzerSummary {
  target: string;
  redactKeys: boolean;
  distinct: DistinctKeysOptions;
  commands: number;
  scriptCommands: number;
  keyedCommands: number;
  crossSlotCommands: number;
  keyRecords: number;
  perCommand: { name: string; calls: number; keyed: number; crossSlot: number; example?: CommandExample }[];
  unknownCommands: [string, number][];
  unknownOther: number;
  keys: DistinctKeysSummary;
  sizedKeys: DistinctKeysSummary | null;
  ops: SparseSlots;
  scriptOps: SparseSlots;
  bytes: SparseSlots;
  nodes: NodeSummary[];
  dbs: { db: number; commands: number; keys: number; log: SampleLogJSON }[];
  findings: FindingSummary[];
  transactions: TransactionsSummary;
  scripts: ScriptsSummary;
  redis8: number;
  /** The run's sketches, merged from its nodes' (for readers of summaries made before those). */
  slotKeys: SlotKeysSummary;
  topKeys: TopKeysJSON;
  biggestKeys: BiggestKeysJSON;
}

/** Distinct unknown command names kept by name; more are counted together. */
const MAX_UNKNOWN_NAMES = 200;

/** One keyed command, for observers that need its keys (the planner). */
export interface KeyedCommand {
  /** Lower case; "container|sub" for a subcommand. */
  command: string;
  node: string;
  line: number;
  timeMicros: number;
  /** The client's address; '' for commands a script ran. */
  client: string;
  fromScript: boolean;
  db: number;
  write: boolean;
  keys: string[];
  /**
   * The keys' 64-bit fingerprints (hashBytes64), high and low at 2k and 2k + 1 for keys[k]; the analyzer's
   * own array, valid during the call only.
   */
  prints: Int32Array;
  crossSlot: boolean;
}

/** Hooks for callers that need each verdict, such as a replay against a real cluster or the planner. */
export interface AnalysisObserver {
  command?(node: string, line: number, crossSlot: boolean): void;
  /** Every command with keys, client or script; costs a string per key, so only set when needed. */
  keyed?(cmd: KeyedCommand): void;
  /** Client commands whose keys span slots; `event()` builds the key strings only if asked. */
  crossSlot?(event: () => KeyedCommand): void;
  /** Every key of a SCAN dump or memory report, with its fingerprint (hashBytes64, high and low). */
  key?(key: string, node: string, meta: KeyMeta | null, high: number, low: number): void;
  transaction?(end: TransactionEnd): void;
  scriptCall?(end: ScriptCallEnd): void;
  /** A client command the target refuses for a rule other than its keys' slots (SORT patterns, dbs, no-cluster). */
  refusal?(node: string, line: number, finding: FindingId): void;
}

export interface AnalyzerOptions {
  distinct?: DistinctKeysOptions;
  table?: CommandTable;
  /** Show keys in examples as `<key>` placeholders. */
  redactKeys?: boolean;
  observer?: AnalysisObserver;
  /** The cluster judged for (default: the newest Redis). */
  target?: Target;
}

export interface DbStats {
  commands: number;
  /** Keys a SCAN dump or memory report listed in this db. */
  keys: number;
  patterns: Map<string, number>;
  /** Which command (stream 0) or dumped key (stream 1) brought which pattern, for merges. */
  log: SampleLog;
}

/** What a command means for readiness, beyond its keys. */
const enum Kind {
  Plain = 0,
  SingleNode = 1,
  MoveSwapdb = 2,
  PubSub = 3,
  Script = 4,
  DataMove = 5,
  ScriptLoad = 6,
  Sort = 7,
  Copy = 8,
  Select = 9,
  FunctionLoad = 10,
  Move = 11,
}

const KIND_BY_NAME: Record<string, Kind> = {
  keys: Kind.SingleNode, scan: Kind.SingleNode, dbsize: Kind.SingleNode, randomkey: Kind.SingleNode, flushdb: Kind.SingleNode, flushall: Kind.SingleNode,
  move: Kind.Move, swapdb: Kind.MoveSwapdb, select: Kind.Select, 'function|load': Kind.FunctionLoad, sort_ro: Kind.Sort,
  publish: Kind.PubSub, subscribe: Kind.PubSub, psubscribe: Kind.PubSub,
  eval: Kind.Script, evalsha: Kind.Script, eval_ro: Kind.Script, evalsha_ro: Kind.Script, fcall: Kind.Script, fcall_ro: Kind.Script, 'script|load': Kind.ScriptLoad,
  rename: Kind.DataMove, renamenx: Kind.DataMove, smove: Kind.DataMove, lmove: Kind.DataMove, blmove: Kind.DataMove, rpoplpush: Kind.DataMove,
  brpoplpush: Kind.DataMove, copy: Kind.Copy, sort: Kind.Sort, bitop: Kind.DataMove, sunionstore: Kind.DataMove, sinterstore: Kind.DataMove,
  sdiffstore: Kind.DataMove, zunionstore: Kind.DataMove, zinterstore: Kind.DataMove, zdiffstore: Kind.DataMove, zrangestore: Kind.DataMove,
  georadius: Kind.DataMove, georadiusbymember: Kind.DataMove, geosearchstore: Kind.DataMove, pfmerge: Kind.DataMove,
};

const SCRIPT_CALL: Record<string, ScriptCall> = {
  eval: ScriptCall.Eval, eval_ro: ScriptCall.Eval, evalsha: ScriptCall.EvalSha, evalsha_ro: ScriptCall.EvalSha, fcall: ScriptCall.Function, fcall_ro: ScriptCall.Function,
};

const TX_ROLE: Record<string, TxRole> = { multi: 'multi', exec: 'exec', discard: 'discard', watch: 'watch', unwatch: 'unwatch' };

/** A slot's keys are sketched once it has HOT_SLOT_FACTOR times the mean ops so far plus HOT_SLOT_MIN_OPS. */
const HOT_SLOT_FACTOR = 4;
const HOT_SLOT_MIN_OPS = 32;

/** Patterns of a finding's keys come from its first occurrences only: a pattern costs ~0.5 µs a key. */
export const PATTERN_SAMPLE = 10_000;

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
  /** Commands scripts ran (the `lua` lines), once per slot each touched: work `ops` leaves out. */
  readonly scriptOps = new Float64Array(SLOT_COUNT);
  readonly bytes = new Float64Array(SLOT_COUNT);
  readonly nodes = new Map<string, NodeAggregate>();
  readonly dbs = new Map<number, DbStats>();
  readonly findings = new Findings();
  readonly transactions: TransactionTracker;
  readonly scripts = new ScriptTracker();
  readonly target: Target;
  /** What Redis 8's cluster_incompatible_ops would count for the same traffic. */
  readonly redis8 = new Redis8Compat();
  /** The largest keys of memory reports, each key once. */
  readonly biggestKeys = new BiggestKeys();
  /**
   * Keys that came with a size (memory report), each with the bytes it counted: a key dumped from a primary
   * and from its replica counts once, in one run and across merged summaries.
   */
  private sizedKeys: DistinctKeys | null = null;

  private keyIdx = new Int32Array(256);
  private slots = new Int32Array(256);
  /** The line's keys for the script tracker; keySlots() writes their fingerprints into its `prints`. */
  private readonly lineKeys: CommandKeys = { args: null!, index: this.keyIdx, prints: new Int32Array(512), slots: new Int32Array(256), count: 0, samples: false };
  private readonly kinds: Uint8Array;
  /** Per command id: 1 when the target's proxy splits it over shards itself. */
  private readonly proxySplit: Uint8Array;
  private readonly roles: TxRole[];
  private readonly blocking: Uint8Array;
  private readonly distinctOptions: DistinctKeysOptions;
  private readonly redactKeys: boolean;
  private readonly observer: AnalysisObserver;
  /** The line being judged, for whatever needs more of it (examples, patterns): one object, no closures. */
  private readonly line = new CurrentLine(this);
  private lastNodeName: string | null = null;
  private lastNode: NodeAggregate | null = null;
  /** Whether the table is the default one, whose ids a read worker's lookups give. */
  private readonly ownTable: boolean;

  constructor(options: AnalyzerOptions = {}) {
    this.table = options.table ?? new CommandTable();
    this.ownTable = options.table === undefined;
    const all = this.table.all;
    this.calls = new Float64Array(all.length);
    this.keyed = new Float64Array(all.length);
    this.crossSlot = new Float64Array(all.length);
    this.transactions = new TransactionTracker(all.length);
    this.target = options.target ?? defaultTarget();
    const allShards = new Set(this.target.allShards);
    this.kinds = Uint8Array.from(all, (c) => (allShards.has(c.name) ? Kind.Plain : (KIND_BY_NAME[c.name] ?? Kind.Plain)));
    this.proxySplit = Uint8Array.from(all, (c) => (this.target.proxySplits.includes(c.name) ? 1 : 0));
    this.roles = all.map((c) => TX_ROLE[c.name] ?? null);
    this.blocking = blockingKinds(all);
    this.distinctOptions = options.distinct ?? DEFAULT_DISTINCT_OPTIONS;
    this.keys = new DistinctKeys(this.distinctOptions);
    this.redactKeys = options.redactKeys ?? false;
    this.observer = options.observer ?? {};
  }

  node(name: string): NodeAggregate {
    // Records of one input arrive in a row, with the same name.
    if (name === this.lastNodeName) return this.lastNode!;
    let agg = this.nodes.get(name);
    if (!agg) {
      agg = new NodeAggregate(this.nodes.size, this.keys, this.distinctOptions);
      this.nodes.set(name, agg);
    }
    this.lastNodeName = name;
    this.lastNode = agg;
    return agg;
  }

  command(rec: MonitorRecord, nodeName: string): string | undefined {
    // A read worker may have looked the command up and hashed its keys already (analyze/parallel).
    const pre = this.ownTable ? rec.preAt : -1;
    const cmd = pre < 0 ? this.table.lookup(rec) : rec.pre[pre] >= 0 ? this.table.all[rec.pre[pre]] : undefined;
    if (cmd !== undefined) {
      const refused = wrongArity(cmd.def, rec.argc);
      if (refused !== null) return refused;
    }
    const node = this.node(nodeName);
    const client = rec.clientKind !== ClientKind.Lua;
    if (client) {
      this.commands++;
      node.commands++;
      node.span.add(rec.timeMicros);
      // Any client line ends the script call running before it on this node.
      const ended = this.scripts.end(nodeName);
      if (ended) this.scriptEnded(ended);
      if (rec.clientKind === ClientKind.Unix) this.findings.add('unix-socket-clients');
    } else {
      this.scriptCommands++;
      node.scriptCommands++;
    }
    if (!cmd) {
      if (client) this.unknownCommand(rec, nodeName);
      return;
    }
    if (client) this.calls[cmd.id]++;
    if (this.keyIdx.length < rec.argc) {
      this.keyIdx = this.lineKeys.index = new Int32Array(rec.argc * 2);
      this.slots = new Int32Array(rec.argc * 2);
      this.lineKeys.prints = new Int32Array(rec.argc * 4);
      this.lineKeys.slots = new Int32Array(rec.argc * 2);
    }
    const n = pre < 0 ? cmd.getKeys(rec, this.keyIdx) : this.workerKeys(rec.pre, pre);
    let distinctSlots = n > 0 ? this.keySlots(rec, n, node, client, pre) : 0;
    // Sharded pub/sub has no keys but is routed by its channels: `routed` arguments are in keyIdx.
    let routed = n;
    if (cmd.getChannels !== null) {
      routed = cmd.getChannels(rec, this.keyIdx);
      if (routed > 0) distinctSlots = this.channelSlots(rec, routed);
    }
    if (n > 0 && (this.observer.keyed || (this.observer.crossSlot && client && distinctSlots > 1))) this.notifyKeyed(rec, nodeName, cmd, n, client, distinctSlots);
    if (!client) {
      if (n > 0) {
        for (let j = 0; j < distinctSlots; j++) this.scriptOps[this.slots[j]]++;
        this.scripts.touch(nodeName, rec.lineNo, this.commandKeys(rec, n), this.slots, distinctSlots, this.line.set(rec, cmd, n, nodeName));
      }
      return;
    }

    const crossSlot = distinctSlots > 1;
    if (n > 0) {
      this.keyedCommands++;
      node.keyedCommands++;
      this.keyed[cmd.id]++;
    }
    for (let j = 0; j < distinctSlots; j++) {
      this.ops[this.slots[j]]++;
      node.ops[this.slots[j]]++;
    }
    const kind = this.kinds[cmd.id];
    // Most lines raise no finding.
    if (crossSlot || rec.db !== 0 || kind !== Kind.Plain) this.findingsFor(rec, cmd, routed, kind, crossSlot, nodeName, node, distinctSlots);
    this.observer.command?.(nodeName, rec.lineNo, crossSlot);

    const role = this.roles[cmd.id];
    if (this.transactions.needsState(role)) {
      const end = this.transactions.onCommand(nodeName, clientKey(rec, node.index), role, rec.lineNo, cmd.id, this.slots, distinctSlots, this.line.set(rec, cmd, routed, nodeName));
      if (end === 'partial') this.findings.add('partial-transaction');
      else if (end) this.transactionEnded(end);
    }
  }

  // command() runs for every line and creates no closure: a closure's captured variables would cost it a
  // heap-allocated context on every call, taken or not. Lines that need closures go through these.

  private unknownCommand(rec: MonitorRecord, nodeName: string): void {
    this.countUnknown(rec);
    this.findings.add('unknown-command', () => ({ node: nodeName, line: rec.lineNo, command: renderCommand(rec, this.keyIdx, 0, false, this.redactKeys) }));
  }

  private notifyKeyed(rec: MonitorRecord, nodeName: string, cmd: CommandInfo, n: number, client: boolean, distinctSlots: number): void {
    let event: KeyedCommand | undefined;
    const get = (): KeyedCommand => (event ??= { command: cmd.name, node: nodeName, line: rec.lineNo, timeMicros: rec.timeMicros, client: client ? rec.clientAddress() : '', fromScript: !client, db: rec.db, write: cmd.write, keys: this.keyStrings(rec, n), prints: this.lineKeys.prints, crossSlot: distinctSlots > 1 });
    if (this.observer.keyed) this.observer.keyed(get());
    if (client && distinctSlots > 1) this.observer.crossSlot?.(get);
  }

  /** Counts what a line means for readiness: cross-slot, db other than 0, single-node, pub/sub, scripts. */
  private findingsFor(rec: MonitorRecord, cmd: CommandInfo, n: number, kind: Kind, crossSlot: boolean, nodeName: string, node: NodeAggregate, distinctSlots: number): void {
    const line = this.line.set(rec, cmd, n, nodeName);
    if (crossSlot) {
      this.crossSlotCommands++;
      node.crossSlotCommands++;
      this.crossSlot[cmd.id]++;
      this.crossSlotExample[cmd.id] ??= line.example();
      this.redis8.crossSlotCommand();
      this.finding(this.proxySplit[cmd.id] ? 'proxy-split' : 'cross-slot-command');
      const blocking = this.blocking[cmd.id];
      if (blocking === BLOCKING || (blocking === BLOCKING_WITH_OPTION && hasBlockOption(rec))) this.finding('blocking-cross-slot');
      if (kind === Kind.DataMove || kind === Kind.Copy || kind === Kind.Sort) this.finding('cross-slot-move');
    }
    if (rec.db !== 0) this.onNonzeroDb(rec.db);
    switch (kind) {
      case Kind.SingleNode:
        this.findings.count('single-node-keyspace').example ??= line.example();
        break;
      case Kind.MoveSwapdb:
        this.redis8.swapdb();
        this.refused('move-swapdb', nodeName, rec);
        break;
      case Kind.Move:
        this.redis8.otherDb(argInteger(rec, 2), rec.db);
        this.refused('move-swapdb', nodeName, rec);
        break;
      case Kind.Copy: {
        // copyCommand() in db.c: a cluster refuses any destination db but 0.
        const db = copyDestinationDb(rec);
        if (db >= 0) this.redis8.otherDb(db, rec.db);
        if (db > 0) this.refused('move-swapdb', nodeName, rec);
        break;
      }
      case Kind.Select:
        this.redis8.select(argInteger(rec, 1));
        break;
      case Kind.Sort: {
        const p = sortPatterns(rec, cmd.readonly, this.target.sort);
        this.redis8.sortPatterns(p.redis8);
        if (p.refused > 0) this.refused(this.target.sort === SortRule.RefuseAll ? 'sort-pattern-refused' : 'sort-pattern', nodeName, rec);
        break;
      }
      case Kind.FunctionLoad:
        if (rec.argc > 2) this.scripts.loadLibrary(rec, rec.argc - 1);
        break;
      case Kind.PubSub:
        this.findings.count('pubsub-broadcast').example ??= line.example();
        break;
      case Kind.Script: {
        const ended = this.scripts.begin(nodeName, rec.lineNo, SCRIPT_CALL[cmd.name], this.commandKeys(rec, n), this.slots, distinctSlots, line);
        if (ended) this.scriptEnded(ended);
        break;
      }
      case Kind.ScriptLoad:
        if (rec.argc > 2) this.scripts.load(rec, 2);
        break;
    }
  }

  /** A finding for a command the target refuses whatever its keys' slots: counted, shown, and told to the observer. */
  private refused(id: FindingId, nodeName: string, rec: MonitorRecord): void {
    this.findings.count(id).example ??= this.line.example();
    this.observer.refusal?.(nodeName, rec.lineNo, id);
  }

  key(buf: Buffer, start: number, end: number, nodeName: string, meta: KeyMeta | null): void {
    const node = this.node(nodeName);
    this.keyRecords++;
    const high = hashBytes64(buf, start, end);
    const low = Fingerprint.low;
    const slot = this.hashedKeySlot(buf, start, end);
    this.countKey(node, high, low, slot);
    this.observer.key?.(buf.toString('latin1', start, end), nodeName, meta, high, low);
    if (meta !== null && meta.db !== 0) this.onNonzeroDbKey(meta.db, buf, start, end);
    if (meta && meta.bytes !== null) {
      node.bytes[slot] += meta.bytes;
      this.sizedKeys ??= new DistinctKeys(this.distinctOptions, true);
      if (this.sizedKeys.add(high, low, slot, -1, meta.bytes)) {
        this.bytes[slot] += meta.bytes;
        if (this.biggestKeys.wants(meta.bytes)) this.biggestKeys.add({ key: buf.toString('latin1', start, end), bytes: meta.bytes, slot, node: nodeName, high, low });
      }
    }
  }

  /** An input ended: a script call still open on its node has run all it will. */
  endInput(nodeName: string): void {
    const ended = this.scripts.end(nodeName);
    if (ended) this.scriptEnded(ended);
  }

  /** All input ended: blocks never closed by EXEC are partial. */
  finish(): void {
    this.openAtFinish = this.transactions.openBlocks();
    for (let i = this.openAtFinish; i > 0; i--) this.findings.add('partial-transaction');
  }

  /** The blocks finish() counted as partial: a summary carries them open instead (toSummary). */
  private openAtFinish = 0;

  /**
   * The state of this analysis, to be merged with others (summaries, workers). Taken before finish(): the
   * blocks still open are carried as such, so a merge counts them once, at its own end.
   */
  toSummary(): AnalyzerSummary {
    const perCommand: AnalyzerSummary['perCommand'] = [];
    for (const c of this.table.all) {
      if (this.calls[c.id] === 0 && this.keyed[c.id] === 0 && this.crossSlot[c.id] === 0) continue;
      const ex = this.crossSlotExample[c.id];
      perCommand.push({ name: c.name, calls: this.calls[c.id], keyed: this.keyed[c.id], crossSlot: this.crossSlot[c.id], ...(ex ? { example: ex } : {}) });
    }
    return {
      target: this.target.id,
      redactKeys: this.redactKeys,
      distinct: this.distinctOptions,
      commands: this.commands,
      scriptCommands: this.scriptCommands,
      keyedCommands: this.keyedCommands,
      crossSlotCommands: this.crossSlotCommands,
      keyRecords: this.keyRecords,
      perCommand,
      unknownCommands: [...this.unknownCommands],
      unknownOther: this.unknownOther,
      keys: this.keys.toSummary(),
      sizedKeys: this.sizedKeys?.toSummary() ?? null,
      ops: sparseSlots(this.ops),
      scriptOps: sparseSlots(this.scriptOps),
      bytes: sparseSlots(this.bytes),
      nodes: [...this.nodes].map(([name, n]) => n.toSummary(name, this.nodes.size > 1)),
      dbs: [...this.dbs].map(([db, d]) => {
        return { db, commands: d.commands, keys: d.keys, log: d.log.toJSON() };
      }),
      findings: this.findings.toSummary().flatMap((f) => {
        if (f.id !== 'partial-transaction' || this.openAtFinish === 0) return [f];
        const count = f.count - this.openAtFinish;
        return count > 0 ? [{ ...f, count }] : [];
      }),
      transactions: this.transactions.toSummary((id) => this.table.all[id].name),
      scripts: this.scripts.toSummary(),
      redis8: this.redis8.ops,
      slotKeys: this.runSlotKeys().toSummary(),
      topKeys: this.runTopKeys().toJSON(),
      biggestKeys: this.biggestKeys.toJSON(),
    };
  }

  /**
   * Adds a summary, as if its inputs had been read here after the ones already counted: each aggregate
   * merges its own part. Exact for every count, slot array and distinct-key set (sketches merge as PFMERGE
   * does); samples bounded by a cap (patterns, the first examples, plan candidates) are exact while under it.
   */
  merge(s: AnalyzerSummary): void {
    this.commands += num(s.commands, 'commands');
    this.scriptCommands += num(s.scriptCommands, 'commands');
    this.keyedCommands += num(s.keyedCommands, 'commands');
    this.crossSlotCommands += num(s.crossSlotCommands, 'commands');
    this.keyRecords += num(s.keyRecords, 'key records');
    for (const c of list<AnalyzerSummary['perCommand'][number]>(s.perCommand, 'commands')) {
      const id = this.commandId(c?.name);
      this.calls[id] += num(c.calls, 'commands');
      this.keyed[id] += num(c.keyed, 'commands');
      this.crossSlot[id] += num(c.crossSlot, 'commands');
      if (c.example) this.crossSlotExample[id] ??= c.example;
    }
    for (const [name, n] of list<[string, number]>(s.unknownCommands, 'unknown commands')) {
      const count = this.unknownCommands.get(name);
      if (count !== undefined) this.unknownCommands.set(name, count + n);
      else if (this.unknownCommands.size < MAX_UNKNOWN_NAMES) this.unknownCommands.set(name, n);
      else this.unknownOther += n;
    }
    this.unknownOther += num(s.unknownOther, 'unknown commands');
    // The summary's node numbers become this analysis's: nodes new here are numbered after those already seen.
    const nodes = list<NodeSummary>(s.nodes, 'nodes').map((n) => {
      if (typeof n?.name !== 'string') throw new StateError('nodes malformed');
      const agg = this.node(n.name);
      agg.merge(n);
      return agg;
    });
    this.keys.merge(s.keys, { to: nodes.map((n) => n.maskIndex), spill: (i) => nodes[i]?.ownKeys ?? null, plain: -1 });
    for (const [i, n] of list<NodeSummary>(s.nodes, 'nodes').entries()) {
      if (!n.ownKeys) continue;
      const agg = nodes[i];
      if (agg.ownKeys) agg.ownKeys.merge(n.ownKeys);
      else this.keys.merge(n.ownKeys, { to: [], spill: () => null, plain: agg.maskIndex });
    }
    if (s.sizedKeys) this.mergeSizedKeys(s.sizedKeys, s.bytes);
    addSparseSlots(this.ops, s.ops, 'ops');
    addSparseSlots(this.scriptOps, s.scriptOps, 'script ops');
    for (const d of list<AnalyzerSummary['dbs'][number]>(s.dbs, 'dbs')) {
      const db = this.db(num(d?.db, 'db'));
      mergeSampledPatterns(db.patterns, db.log, d, [db.commands, db.keys], PATTERN_SAMPLE);
      db.commands += num(d.commands, 'db commands');
      db.keys += num(d.keys, 'db keys');
    }
    this.findings.merge(s.findings, PATTERN_SAMPLE);
    this.transactions.merge(s.transactions, (name) => this.commandId(name));
    this.scripts.merge(s.scripts);
    this.redis8.ops += num(s.redis8, 'redis 8 ops');
    // A summary of one node, or from before per-node sketches, has the run's alone: its first node takes them.
    const first = nodes[0];
    if (first && !s.nodes[0].topKeys) {
      first.slotKeys.merge(s.slotKeys);
      first.topKeys.merge(topKeysFrom(s.topKeys));
    }
    this.biggestKeys.merge(BiggestKeys.fromJSON({ capacity: num(s.biggestKeys?.capacity, 'biggest keys'), keys: list(s.biggestKeys.keys, 'biggest keys') }));
  }

  /**
   * A summary's sized keys and their bytes. One run counts a key's bytes at its first listing, so a key an
   * earlier summary listed adds nothing. A summary past --exact-keys knows no key's own bytes (nor did its
   * run tell a key seen before): its total is added, as one run past the bound counts every listing.
   */
  private mergeSizedKeys(sized: DistinctKeysSummary, bytes: SparseSlots): void {
    const set = (this.sizedKeys ??= new DistinctKeys(this.distinctOptions, true));
    if (sized.values === undefined) {
      set.merge(sized);
      addSparseSlots(this.bytes, bytes, 'bytes');
      return;
    }
    set.merge(sized, undefined, (slot, n) => (this.bytes[slot] += n));
  }

  private commandId(name: unknown): number {
    const cmd = typeof name === 'string' ? this.table.byName(name) : undefined;
    if (!cmd) throw new StateError(`unknown command ${JSON.stringify(name)}`);
    return cmd.id;
  }

  /** The busiest keys of all client commands: the nodes' sketches merged in node order (--redact-keys hides them when shown). */
  runTopKeys(): TopKeys {
    return mergedTopKeys([...this.nodes.values()].map((n) => n.topKeys));
  }

  /** The busiest keys of each hot slot in client commands, merged from the nodes' as runTopKeys(). */
  runSlotKeys(): SlotKeys {
    return mergedSlotKeys([...this.nodes.values()].map((n) => n.slotKeys));
  }

  get hasBytes(): boolean {
    return this.sizedKeys !== null;
  }

  /**
   * Slots of the n keys whose indexes are in keyIdx, counted as keys; distinct slots go to this.slots.
   * The keys of a script's own commands (`client` false) stay out of the hot-key sketches.
   */
  private keySlots(rec: MonitorRecord, n: number, node: NodeAggregate, client: boolean, pre: number): number {
    const buf = rec.buf;
    const keyIdx = this.keyIdx;
    const slots = this.slots;
    const { prints, slots: keySlot } = this.lineKeys;
    let distinct = 0;
    for (let k = 0; k < n; k++) {
      const a = keyIdx[k];
      const s = rec.start[a];
      const e = rec.end[a];
      const high = pre < 0 ? hashBytes64(buf, s, e) : rec.pre[pre + 3 + 4 * k];
      const low = pre < 0 ? Fingerprint.low : rec.pre[pre + 4 + 4 * k];
      prints[2 * k] = high;
      prints[2 * k + 1] = low;
      const slot = pre < 0 ? this.hashedKeySlot(buf, s, e) : rec.pre[pre + 5 + 4 * k];
      keySlot[k] = slot;
      this.countKey(node, high, low, slot);
      // Only slots that stand out so far in the node's traffic: the sketch on every key would cost a third of the pipeline.
      if (client) node.topKeys.add(high, low, slot, buf, s, e);
      if (client && node.ops[slot] * SLOT_COUNT > HOT_SLOT_FACTOR * node.keyedCommands + HOT_SLOT_MIN_OPS * SLOT_COUNT) node.slotKeys.add(slot, high, low, buf, s, e);
      distinct = addDistinct(slots, distinct, slot);
    }
    return distinct;
  }

  /** The key arguments a read worker found (LineKeys), into keyIdx; answers how many. */
  private workerKeys(pre: Int32Array, at: number): number {
    const n = pre[at + 1];
    for (let k = 0; k < n; k++) this.keyIdx[k] = pre[at + 2 + 4 * k];
    return n;
  }

  /** The slot of the key hashBytes64() just fingerprinted: from that same pass unless the key has a '{'. */
  private hashedKeySlot(buf: Buffer, start: number, end: number): number {
    return Fingerprint.slot >= 0 ? Fingerprint.slot : slotOfRange(buf, start, end);
  }

  /** Counts a key among the distinct keys, overall and (by bitmask or its own set) its node's. */
  private countKey(node: NodeAggregate, high: number, low: number, slot: number): void {
    this.keys.queue(high, low, slot, node.maskIndex);
    node.ownKeys?.queue(high, low, slot, -1);
  }

  /** The line's n keys for the script tracker (one object, reused; fingerprints as keySlots() left them). */
  private commandKeys(rec: MonitorRecord, n: number): CommandKeys {
    const keys = this.lineKeys;
    keys.args = rec;
    keys.count = n;
    // Key strings are for an observer and for the patterns of the first cross-slot calls.
    keys.samples = this.observer.scriptCall !== undefined || this.sampling('cross-slot-script');
    return keys;
  }

  /** Whether a transaction's key samples have a use: an observer, or patterns still being sampled. */
  wantsTransactionKeys(): boolean {
    return this.observer.transaction !== undefined || this.sampling('cross-slot-transaction');
  }

  /** Whether a finding still takes key patterns (its first PATTERN_SAMPLE occurrences do). */
  private sampling(id: FindingId): boolean {
    return (this.findings.tallies.get(id)?.count ?? 0) < PATTERN_SAMPLE;
  }

  /** Distinct slots of the n channels in keyIdx, into this.slots; channels are not counted as keys. */
  private channelSlots(rec: MonitorRecord, n: number): number {
    let distinct = 0;
    for (let k = 0; k < n; k++) distinct = addDistinct(this.slots, distinct, slotOfRange(rec.buf, rec.start[this.keyIdx[k]], rec.end[this.keyIdx[k]]));
    return distinct;
  }

  keyStrings(rec: MonitorRecord, n: number): string[] {
    return argStrings(rec, this.keyIdx, n);
  }

  render(rec: MonitorRecord, cmd: CommandInfo, n: number): string {
    return renderCommand(rec, this.keyIdx, n, cmd.name.includes('|'), this.redactKeys);
  }

  /** Counts a finding of the current line, with its example and (sampled) key patterns. */
  private finding(id: FindingId): void {
    const tally = this.findings.count(id);
    tally.example ??= this.line.example();
    if (tally.count <= PATTERN_SAMPLE) for (const p of this.line.patterns()) this.findings.addPattern(id, p);
  }

  private db(index: number): DbStats {
    let db = this.dbs.get(index);
    if (!db) {
      db = { commands: 0, keys: 0, patterns: new Map(), log: new SampleLog() };
      this.dbs.set(index, db);
    }
    return db;
  }

  private onNonzeroDb(dbIndex: number): void {
    const db = this.db(dbIndex);
    db.commands++;
    this.finding('nonzero-db');
    if (db.commands > PATTERN_SAMPLE) return;
    for (const p of this.line.patterns()) {
      countPattern(db.patterns, p);
      db.log.record(0, db.commands, p);
    }
  }

  /** A dumped key outside db 0 is as much a blocker as a command there: a cluster has nowhere to put it. */
  private onNonzeroDbKey(dbIndex: number, buf: Buffer, start: number, end: number): void {
    const db = this.db(dbIndex);
    db.keys++;
    // The finding counts every key db.keys does (and commands), so past db.keys' sample it is past its own.
    const tally = this.findings.count('nonzero-db');
    if (db.keys > PATTERN_SAMPLE) return;
    const pattern = keyPattern(buf.toString('latin1', start, end));
    countPattern(db.patterns, pattern);
    db.log.record(1, db.keys, pattern);
    if (tally.count <= PATTERN_SAMPLE) this.findings.addPattern('nonzero-db', pattern);
  }

  private transactionEnded(end: TransactionEnd): void {
    this.observer.transaction?.(end);
    this.redis8.exec(end.crossSlot);
    if (end.watchElsewhere) this.findings.add('watch-cross-slot', () => ({ node: end.node, line: end.execLine, command: `watch … multi … exec (lines ${end.multiLine}-${end.execLine})` }));
    if (!end.crossSlot) return;
    const tally = this.findings.count('cross-slot-transaction');
    tally.example ??= { node: end.node, line: end.multiLine, command: ['multi', ...end.rendered, 'exec'].join('; ') };
    if (tally.count <= PATTERN_SAMPLE) for (const k of end.keys) this.findings.addPattern('cross-slot-transaction', keyPattern(k));
  }

  private scriptEnded(end: ScriptCallEnd): void {
    this.observer.scriptCall?.(end);
    this.redis8.scriptCall(end);
    if (end.unknownCaller) {
      if (end.crossSlot) this.findings.count('script-unknown-caller').example ??= end.stats.example;
      return;
    }
    if (end.noCluster) {
      this.findings.count('no-cluster-script').example ??= end.stats.example;
      this.observer.refusal?.(end.node, end.line, 'no-cluster-script');
    }
    if (end.flagsUnknown) this.findings.count('function-flags-unknown').example ??= end.stats.example;
    if (end.crossSlot) {
      const t = this.findings.count('cross-slot-script');
      t.example ??= end.stats.example;
      if (t.count <= PATTERN_SAMPLE) for (const k of new Set([...end.declaredKeys, ...end.touchedKeys])) this.findings.addPattern('cross-slot-script', keyPattern(k));
    }
    if (end.undeclaredKeys.length > 0) {
      const id = end.undeclaredElsewhere ? 'script-undeclared-keys' : 'script-undeclared-same-slot';
      const t = this.findings.count(id);
      t.example ??= end.stats.example;
      if (t.count <= PATTERN_SAMPLE) for (const k of end.undeclaredKeys) this.findings.addPattern(id, keyPattern(k));
    }
  }

  private countUnknown(rec: MonitorRecord): void {
    const name = rec.buf.toString('latin1', rec.start[0], Math.min(rec.end[0], rec.start[0] + 64)).toLowerCase();
    const count = this.unknownCommands.get(name);
    if (count !== undefined) this.unknownCommands.set(name, count + 1);
    else if (this.unknownCommands.size < MAX_UNKNOWN_NAMES) this.unknownCommands.set(name, 1);
    else this.unknownOther++;
  }
}

function topKeysFrom(s: TopKeysJSON): TopKeys {
  return TopKeys.fromJSON({ capacity: num(s?.capacity, 'top keys'), counters: list(s.counters, 'top keys') });
}

/** Adds slot to the first `count` entries of slots unless there already; returns the new count. */
function addDistinct(slots: Int32Array, count: number, slot: number): number {
  // A command's keys are few, so a linear scan beats any set.
  for (let j = 0; j < count; j++) if (slots[j] === slot) return count;
  slots[count] = slot;
  return count + 1;
}

/**
 * A number naming the line's client connection on its node, without building the address string:
 * 53 bits of the address's 64-bit fingerprint, the node's number folded in.
 */
function clientKey(rec: MonitorRecord, nodeIndex: number): number {
  const high = hashBytes64(rec.buf, rec.clientStart, rec.clientEnd) >>> 0;
  return high * 0x200000 + ((Fingerprint.low ^ Math.imul(nodeIndex, 0x9e3779b1)) & 0x1fffff);
}

class CurrentLine implements TxLine {
  rec!: MonitorRecord;
  cmd!: CommandInfo;
  n = 0;
  node = '';
  private linePatterns: string[] | null = null;

  constructor(private readonly analyzer: Analyzer) {}

  set(rec: MonitorRecord, cmd: CommandInfo, n: number, node: string): this {
    this.rec = rec;
    this.cmd = cmd;
    this.n = n;
    this.node = node;
    this.linePatterns = null;
    return this;
  }

  example(): CommandExample {
    return { node: this.node, line: this.rec.lineNo, command: this.analyzer.render(this.rec, this.cmd, this.n) };
  }

  /** The line's key patterns, made once for however many findings want them. */
  patterns(): string[] {
    return (this.linePatterns ??= this.analyzer.keyStrings(this.rec, this.n).map(keyPattern));
  }

  render(): string | null {
    // Examples are wanted until the first cross-slot transaction has one.
    if (this.analyzer.findings.tallies.get('cross-slot-transaction')?.example) return null;
    return this.analyzer.render(this.rec, this.cmd, this.n);
  }

  keys(max: number): readonly string[] {
    return this.analyzer.wantsTransactionKeys() ? this.analyzer.keyStrings(this.rec, Math.min(this.n, max)) : NO_STRINGS;
  }
}
