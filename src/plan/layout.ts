// Shard layout for N primaries: the load each node carries under the assignment that exists (the even
// split `redis-cli --cluster create` makes, or today's primaries from a capture's manifest), an assignment
// by measured load that may split ranges so hot single slots are spread, and the busiest slots named by
// their keys. The commands that apply it are in layout-script.ts.
import { keyPattern, printable } from '../analyze/key-pattern.js';
import { SLOT_COUNT } from '../slot/key-slot.js';
import { slotRanges } from '../slot/slot-ranges.js';
import { assignSlots, closeEmptyGaps } from './slot-assign.js';
import type { SlotKeyCount } from '../analyze/slot-keys.js';

export interface NodeLoad {
  node: number;
  from: number;
  to: number;
  slots: number;
  ops: number;
  keys: number;
  bytes: number;
  opsShare: number;
}

/** A primary under an assignment that need not be contiguous. */
export interface LayoutNode {
  node: number;
  /** Today's address, when the primaries are known. */
  address?: string;
  ranges: [number, number][];
  slots: number;
  /** Client commands plus the commands scripts ran, once per slot each touched. */
  ops: number;
  scriptOps: number;
  keys: number;
  bytes: number;
  opsShare: number;
}

/** Busiest node over the mean, per measure; bytes only when memory reports gave them. */
export interface Skew {
  ops: number;
  keys: number;
  bytes: number | null;
}

export interface HotSlot {
  slot: number;
  ops: number;
  scriptOps: number;
  share: number;
  /** Nodes before and after the assignment. */
  node: number;
  nodeAfter: number;
  /**
   * The slot's busiest keys in client commands, with their patterns (the analyzer's sketch: it starts once
   * the slot stands out, so counts miss its first ops; bytes past ASCII as \xhh).
   */
  keys: (SlotKeyCount & { pattern: string })[];
}

export interface SlotMove {
  slot: number;
  from: number;
  to: number;
  ops: number;
}

export interface Layout {
  shards: number;
  maxSkew: number;
  /** The even split `redis-cli --cluster create` makes, and its ops skew (client commands only). */
  nodes: NodeLoad[];
  skew: number;
  /** What "before" is: a new cluster's even split, or today's primaries. */
  basis: 'even-split' | 'today';
  before: { nodes: LayoutNode[]; skew: Skew };
  after: { nodes: LayoutNode[]; skew: Skew };
  /** Slots whose owner changes from before to after, busiest first. */
  moves: SlotMove[];
  /** For a new cluster: the even split is already within the bound, so `redis-cli --cluster create` will do. */
  evenSplitSuffices: boolean;
  /** The busiest single slot's load over the mean node load: no assignment can do better than this. */
  floorSkew: number;
  hotSlots: HotSlot[];
}

export interface LayoutInput {
  /** Client commands per slot (the report's `slots.ops`). */
  ops: ArrayLike<number>;
  /** Commands scripts ran per slot. */
  scriptOps: ArrayLike<number>;
  keys: ArrayLike<number>;
  bytes: ArrayLike<number> | undefined;
  topKeys: (slot: number) => SlotKeyCount[];
}

export interface LayoutOptions {
  shards: number;
  maxSkew: number;
  /** Today's primaries (a capture's manifest): the assignment then starts from theirs. */
  primaries?: { address: string; slots: [number, number][] }[];
}

const HOT_SLOTS = 10;

/** clusterManagerCommandCreate() in redis-cli: slots_per_node = 16384 / masters, rounded per node. */
export function createRanges(shards: number): [number, number][] {
  const per = SLOT_COUNT / shards;
  const out: [number, number][] = [];
  let first = 0;
  let cursor = 0;
  for (let i = 0; i < shards; i++) {
    let last = Math.round(cursor + per - 1);
    if (last > SLOT_COUNT || i === shards - 1) last = SLOT_COUNT - 1;
    if (last < first) last = first;
    out.push([first, last]);
    first = last + 1;
    cursor += per;
  }
  return out;
}

/** The load of redis-cli's even split over `shards` primaries. */
export function evenSplitLoads(shards: number, ops: ArrayLike<number>, keys: ArrayLike<number>, bytes: ArrayLike<number> | undefined): NodeLoad[] {
  const total = sum(ops);
  return createRanges(shards).map(([from, to], node) => {
    let o = 0;
    let k = 0;
    let b = 0;
    for (let s = from; s <= to; s++) {
      o += ops[s];
      k += keys[s];
      b += bytes ? bytes[s] : 0;
    }
    return { node, from, to, slots: to - from + 1, ops: o, keys: k, bytes: b, opsShare: total ? o / total : 0 };
  });
}

export function planLayout(input: LayoutInput, options: LayoutOptions): Layout {
  const primaries = options.primaries?.length ? options.primaries : undefined;
  const shards = primaries ? primaries.length : options.shards;
  const load = new Float64Array(SLOT_COUNT);
  for (let s = 0; s < SLOT_COUNT; s++) load[s] = input.ops[s] + input.scriptOps[s];
  const bytes = input.bytes && sum(input.bytes) > 0 ? input.bytes : null;
  // A key dump alone has no ops: then its bytes (or keys) are the load. With ops, known bytes bound the
  // moves; key counts do not, since a hot slot's few keys would then pin its node's cold ones in place.
  const balanced = sum(load) > 0 ? load : (bytes ?? input.keys);

  const before = new Int32Array(SLOT_COUNT).fill(-1);
  const ranges = primaries ? primaries.map((p) => p.slots) : createRanges(shards).map((r) => [r]);
  ranges.forEach((rs, n) => {
    for (const [f, t] of rs) before.fill(n, f, t + 1);
  });
  const after = assignSlots({ load: balanced, memory: balanced === load ? bytes : null, owner: before, nodes: shards, maxSkew: options.maxSkew });
  if (!primaries) closeEmptyGaps(after, (s) => load[s] === 0 && input.keys[s] === 0 && (bytes === null || bytes[s] === 0));

  const nodesOf = (owner: Int32Array): LayoutNode[] => nodeLoads(owner, shards, input, load, primaries);
  const beforeNodes = nodesOf(before);
  const afterNodes = nodesOf(after);
  const moves: SlotMove[] = [];
  for (let s = 0; s < SLOT_COUNT; s++) if (before[s] !== after[s]) moves.push({ slot: s, from: before[s], to: after[s], ops: load[s] });
  moves.sort((a, b) => b.ops - a.ops || a.slot - b.slot);

  const total = sum(load);
  const hotSlots = [...load.keys()]
    .filter((s) => load[s] > 0)
    .sort((a, b) => load[b] - load[a] || a - b)
    .slice(0, HOT_SLOTS)
    .map((slot): HotSlot => ({
      slot,
      ops: load[slot],
      scriptOps: input.scriptOps[slot],
      share: total ? load[slot] / total : 0,
      node: before[slot],
      nodeAfter: after[slot],
      keys: input.topKeys(slot).map((k) => ({ key: printable(k.key), ops: k.ops, pattern: keyPattern(k.key) })),
    }));
  const beforeSkew = skewOf(beforeNodes, Boolean(input.bytes));
  const even = evenSplitLoads(shards, input.ops, input.keys, input.bytes);
  return {
    shards,
    maxSkew: options.maxSkew,
    nodes: even,
    skew: skewBy(even.map((n) => n.ops)),
    basis: primaries ? 'today' : 'even-split',
    before: { nodes: beforeNodes, skew: beforeSkew },
    after: { nodes: afterNodes, skew: skewOf(afterNodes, Boolean(input.bytes)) },
    moves,
    evenSplitSuffices: !primaries && beforeSkew.ops <= options.maxSkew,
    floorSkew: total ? (hotSlots[0]?.ops ?? 0) / (total / shards) : 0,
    hotSlots,
  };
}

function nodeLoads(owner: Int32Array, shards: number, input: LayoutInput, load: Float64Array, primaries: LayoutOptions['primaries']): LayoutNode[] {
  const total = sum(load);
  const slots: number[][] = Array.from({ length: shards }, () => []);
  for (let s = 0; s < SLOT_COUNT; s++) if (owner[s] >= 0) slots[owner[s]].push(s);
  return slots.map((own, node) => {
    let ops = 0;
    let scriptOps = 0;
    let keys = 0;
    let bytes = 0;
    for (const s of own) {
      ops += load[s];
      scriptOps += input.scriptOps[s];
      keys += input.keys[s];
      bytes += input.bytes ? input.bytes[s] : 0;
    }
    return { node, ...(primaries ? { address: primaries[node].address } : {}), ranges: slotRanges(own), slots: own.length, ops, scriptOps, keys, bytes, opsShare: total ? ops / total : 0 };
  });
}

function skewOf(nodes: LayoutNode[], hasBytes: boolean): Skew {
  return { ops: skewBy(nodes.map((n) => n.ops)), keys: skewBy(nodes.map((n) => n.keys)), bytes: hasBytes ? skewBy(nodes.map((n) => n.bytes)) : null };
}

function skewBy(values: number[]): number {
  const mean = sum(values) / values.length;
  return mean > 0 ? Math.max(...values) / mean : 1;
}

export interface PrimaryLoad {
  address: string;
  slots: [number, number][];
  ops: number;
  keys: number;
  bytes: number;
  opsShare: number;
}

/** The load each primary of a real cluster carries, from its own slot ranges. */
export function primaryLoads(primaries: { address: string; slots: [number, number][] }[], ops: ArrayLike<number>, keys: ArrayLike<number>, bytes: ArrayLike<number> | undefined): PrimaryLoad[] {
  const total = sum(ops);
  return primaries.map((p) => {
    let o = 0;
    let k = 0;
    let b = 0;
    for (const [from, to] of p.slots) {
      for (let s = from; s <= to; s++) {
        o += ops[s];
        k += keys[s];
        b += bytes ? bytes[s] : 0;
      }
    }
    return { address: p.address, slots: p.slots, ops: o, keys: k, bytes: b, opsShare: total ? o / total : 0 };
  });
}

function sum(values: ArrayLike<number>): number {
  let t = 0;
  for (let i = 0; i < values.length; i++) t += values[i];
  return t;
}
