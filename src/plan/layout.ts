// Shard layout for N primaries: the slot ranges `redis-cli --cluster create` assigns, the load each node
// would carry, and, when one node carries too much, contiguous ranges that balance ops and the slot moves
// (`redis-cli --cluster reshard` steps) that get there.
import { SLOT_COUNT } from '../slot/key-slot.js';

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

export interface ReshardStep {
  fromNode: number;
  toNode: number;
  slots: number;
  ranges: string;
}

export interface Layout {
  shards: number;
  nodes: NodeLoad[];
  /** Busiest node's ops over the mean. */
  skew: number;
  hotSlots: { slot: number; ops: number; share: number; node: number }[];
  /** Present when skew passes the bound: balanced ranges and the moves to reach them. */
  rebalance?: { nodes: NodeLoad[]; skew: number; steps: ReshardStep[] };
}

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

function loads(ranges: [number, number][], ops: ArrayLike<number>, keys: ArrayLike<number>, bytes: ArrayLike<number> | undefined): NodeLoad[] {
  let total = 0;
  for (let s = 0; s < SLOT_COUNT; s++) total += ops[s];
  return ranges.map(([from, to], node) => {
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

function skewOf(nodes: NodeLoad[]): number {
  const mean = nodes.reduce((t, n) => t + n.ops, 0) / nodes.length;
  return mean > 0 ? Math.max(...nodes.map((n) => n.ops)) / mean : 1;
}

/** Contiguous ranges with about equal ops: cut when the running total reaches each node's share. */
function balancedRanges(shards: number, ops: ArrayLike<number>): [number, number][] {
  let total = 0;
  for (let s = 0; s < SLOT_COUNT; s++) total += ops[s];
  const out: [number, number][] = [];
  let from = 0;
  let acc = 0;
  for (let s = 0; s < SLOT_COUNT && out.length < shards - 1; s++) {
    acc += ops[s];
    const remainingNodes = shards - out.length - 1;
    if (acc >= (total * (out.length + 1)) / shards && SLOT_COUNT - 1 - s >= remainingNodes) {
      out.push([from, s]);
      from = s + 1;
    }
  }
  out.push([from, SLOT_COUNT - 1]);
  while (out.length < shards) out.push([SLOT_COUNT - 1, SLOT_COUNT - 1]); // degenerate: fewer slots with load than nodes
  return out;
}

/** Slots that change owner between two layouts, grouped into moves. */
function steps(before: [number, number][], after: [number, number][]): ReshardStep[] {
  const ownerBefore = new Int32Array(SLOT_COUNT);
  before.forEach(([f, t], n) => ownerBefore.fill(n, f, t + 1));
  const moves = new Map<string, number[]>();
  after.forEach(([f, t], n) => {
    for (let s = f; s <= t; s++) {
      if (ownerBefore[s] === n) continue;
      const id = `${ownerBefore[s]}>${n}`;
      (moves.get(id) ?? moves.set(id, []).get(id)!).push(s);
    }
  });
  return [...moves].map(([id, slots]) => {
    const [fromNode, toNode] = id.split('>').map(Number);
    return { fromNode, toNode, slots: slots.length, ranges: `${slots[0]}-${slots[slots.length - 1]}` };
  });
}

export function planLayout(shards: number, ops: ArrayLike<number>, keys: ArrayLike<number>, bytes: ArrayLike<number> | undefined, maxSkew = 1.2): Layout {
  const ranges = createRanges(shards);
  const nodes = loads(ranges, ops, keys, bytes);
  let total = 0;
  for (let s = 0; s < SLOT_COUNT; s++) total += ops[s];
  const owner = (slot: number): number => ranges.findIndex(([f, t]) => slot >= f && slot <= t);
  const hotSlots = [...Array(SLOT_COUNT).keys()]
    .filter((s) => ops[s] > 0)
    .sort((a, b) => ops[b] - ops[a] || a - b)
    .slice(0, 10)
    .map((slot) => ({ slot, ops: ops[slot], share: total ? ops[slot] / total : 0, node: owner(slot) }));
  const layout: Layout = { shards, nodes, skew: skewOf(nodes), hotSlots };
  if (layout.skew > maxSkew) {
    const balanced = balancedRanges(shards, ops);
    const bNodes = loads(balanced, ops, keys, bytes);
    layout.rebalance = { nodes: bNodes, skew: skewOf(bNodes), steps: steps(ranges, balanced) };
  }
  return layout;
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
  let total = 0;
  for (let s = 0; s < SLOT_COUNT; s++) total += ops[s];
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
