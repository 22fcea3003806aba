// Slots to primaries by measured load, starting from an assignment that exists (redis-cli's even split,
// or today's primaries) and moving single slots, so a hot slot (one queue's tag, one leaderboard) can be
// balanced against many cold ones. Only what balancing needs moves: the loop stops once the busiest node
// is within the bound.
import { SLOT_COUNT } from '../slot/key-slot.js';

/** No real plan needs more; it bounds the work on pathological inputs. */
const MAX_MOVES = 4096;

export interface AssignInput {
  /** Load per slot: the quantity balanced. */
  load: ArrayLike<number>;
  /** Bytes per slot, if known: a move may not push a node past the bound (or today's worst) on these. */
  memory: ArrayLike<number> | null;
  /** Owner of each slot before (-1: no owner known, never moved). */
  owner: Int32Array;
  nodes: number;
  /** Busiest node's load over the mean that counts as balanced. */
  maxSkew: number;
}

/** A new owner per slot; `owner` is left as it was. */
export function assignSlots(input: AssignInput): Int32Array {
  const { load, memory, nodes, maxSkew } = input;
  const owner = input.owner.slice();
  const nodeLoad = new Float64Array(nodes);
  const nodeMem = new Float64Array(nodes);
  for (let s = 0; s < SLOT_COUNT; s++) {
    if (owner[s] < 0) continue;
    nodeLoad[owner[s]] += load[s];
    if (memory) nodeMem[owner[s]] += memory[s];
  }
  const mean = sum(nodeLoad) / nodes;
  const memCap = Math.max(maxSkew * (sum(nodeMem) / nodes), Math.max(...nodeMem));

  for (let moves = 0; moves < MAX_MOVES; moves++) {
    const a = argMax(nodeLoad);
    if (nodeLoad[a] <= maxSkew * mean) break;
    const b = argMin(nodeLoad);
    const gap = nodeLoad[a] - nodeLoad[b];
    // Moving w from a to b helps when w < gap; w = gap / 2 evens the two. Among near-equal choices a slot
    // next to one b owns keeps b's ranges few.
    let best = -1;
    let bestScore = Infinity;
    for (let s = 0; s < SLOT_COUNT; s++) {
      const w = load[s];
      if (owner[s] !== a || w <= 0 || w >= gap) continue;
      if (memory && nodeMem[b] + memory[s] > memCap) continue;
      const adjacent = (s > 0 && owner[s - 1] === b) || (s < SLOT_COUNT - 1 && owner[s + 1] === b);
      const score = Math.abs(w - gap / 2) - (adjacent ? gap * 0.05 : 0);
      if (score < bestScore) {
        bestScore = score;
        best = s;
      }
    }
    if (best < 0) break; // a's load sits in slots too heavy to move without making b the busiest
    owner[best] = b;
    nodeLoad[a] -= load[best];
    nodeLoad[b] += load[best];
    if (memory) {
      nodeMem[a] -= memory[best];
      nodeMem[b] += memory[best];
    }
  }
  return owner;
}

function sum(v: ArrayLike<number>): number {
  let t = 0;
  for (let i = 0; i < v.length; i++) t += v[i];
  return t;
}

function argMax(v: Float64Array): number {
  let m = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[m]) m = i;
  return m;
}

function argMin(v: Float64Array): number {
  let m = 0;
  for (let i = 1; i < v.length; i++) if (v[i] < v[m]) m = i;
  return m;
}

/**
 * For a new cluster, where an empty slot costs nothing to place: each run of empty slots between two
 * slots of one node goes to that node, so the slots moved for balance merge into few ranges.
 */
export function closeEmptyGaps(owner: Int32Array, empty: (slot: number) => boolean): void {
  let last = -1; // the last non-empty slot seen
  for (let s = 0; s < SLOT_COUNT; s++) {
    if (empty(s)) continue;
    if (last >= 0 && s - last > 1 && owner[last] === owner[s]) owner.fill(owner[s], last + 1, s);
    last = s;
  }
}
