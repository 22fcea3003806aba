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
  const index = new SlotIndex(load, owner, nodes);

  for (let moves = 0; moves < MAX_MOVES; moves++) {
    const a = argMax(nodeLoad);
    if (nodeLoad[a] <= maxSkew * mean) break;
    const b = argMin(nodeLoad);
    const gap = nodeLoad[a] - nodeLoad[b];
    const fits = (s: number): boolean => load[s] < gap && !(memory && nodeMem[b] + memory[s] > memCap);
    // Moving w from a to b helps when w < gap; w = gap / 2 evens the two. Among near-equal choices a slot
    // next to one b owns keeps b's ranges few.
    let best = index.nearest(a, gap / 2, (s) => fits(s) && !index.borders(s, b));
    let bestScore = best < 0 ? Infinity : Math.abs(load[best] - gap / 2);
    for (const s of index.bordering(a, b)) {
      if (!fits(s)) continue;
      const score = Math.abs(load[s] - gap / 2) - gap * 0.05;
      if (score < bestScore || (score === bestScore && s < best)) {
        bestScore = score;
        best = s;
      }
    }
    if (best < 0) break; // a's load sits in slots too heavy to move without making b the busiest
    index.move(best, b);
    nodeLoad[a] -= load[best];
    nodeLoad[b] += load[best];
    if (memory) {
      nodeMem[a] -= memory[best];
      nodeMem[b] += memory[best];
    }
  }
  return owner;
}

/**
 * The slots with load that each node owns, ascending by (load, slot), and those next to another node's
 * slot, so a move finds its best slot by binary search and a short walk instead of a scan of all 16384
 * for each of thousands of moves. It moves slots in the owner array it is given.
 */
class SlotIndex {
  private readonly byLoad: number[][] = [];
  /** `node * nodes + other`: the slots of `node` next to one of `other`'s. */
  private readonly edges = new Map<number, Set<number>>();

  constructor(private readonly load: ArrayLike<number>, private readonly owner: Int32Array, private readonly nodes: number) {
    for (let n = 0; n < nodes; n++) this.byLoad.push([]);
    for (let s = 0; s < SLOT_COUNT; s++) {
      if (owner[s] < 0 || !(load[s] > 0)) continue;
      this.byLoad[owner[s]].push(s);
      this.link(s, true);
    }
    for (const list of this.byLoad) list.sort((x, y) => (this.before(x, y) ? -1 : 1));
  }

  /** Whether `s` lies next to a slot of `node`. */
  borders(s: number, node: number): boolean {
    return (s > 0 && this.owner[s - 1] === node) || (s < SLOT_COUNT - 1 && this.owner[s + 1] === node);
  }

  /** The slots of `node` with load next to one of `other`'s. */
  bordering(node: number, other: number): Iterable<number> {
    return this.edges.get(node * this.nodes + other) ?? [];
  }

  /** The slot of `node` that `accepts` with its load nearest `target`, the lowest on ties; -1 if none. */
  nearest(node: number, target: number, accepts: (s: number) => boolean): number {
    const list = this.byLoad[node];
    let hi = this.firstAtLeast(list, target);
    let lo = hi - 1;
    let found = -1;
    let distance = Infinity;
    while (lo >= 0 || hi < list.length) {
      const below = lo >= 0 ? target - this.load[list[lo]] : Infinity;
      const above = hi < list.length ? this.load[list[hi]] - target : Infinity;
      if (Math.min(below, above) > distance) break;
      const s = below <= above ? list[lo--] : list[hi++];
      if (accepts(s) && (found < 0 || s < found)) {
        found = s;
        distance = Math.min(below, above);
      }
    }
    return found;
  }

  move(s: number, to: number): void {
    const from = this.owner[s];
    const src = this.byLoad[from];
    src.splice(this.position(src, s), 1);
    const near = [s - 1, s, s + 1].filter((t) => t >= 0 && t < SLOT_COUNT && this.owner[t] >= 0 && this.load[t] > 0);
    for (const t of near) this.link(t, false);
    this.owner[s] = to;
    for (const t of near) this.link(t, true);
    const dst = this.byLoad[to];
    dst.splice(this.position(dst, s), 0, s);
  }

  /** Adds `s` to (or takes it from) the edges its neighbours' owners give it. */
  private link(s: number, add: boolean): void {
    const own = this.owner[s];
    for (const t of [s - 1, s + 1]) {
      if (t < 0 || t >= SLOT_COUNT) continue;
      const other = this.owner[t];
      if (other < 0 || other === own) continue;
      const key = own * this.nodes + other;
      let set = this.edges.get(key);
      if (!set) this.edges.set(key, (set = new Set()));
      if (add) set.add(s);
      else set.delete(s);
    }
  }

  private before(x: number, y: number): boolean {
    return this.load[x] < this.load[y] || (this.load[x] === this.load[y] && x < y);
  }

  /** The index of the first slot whose load is >= target. */
  private firstAtLeast(list: number[], target: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.load[list[mid]] < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Where `s` sits, or would sit, in the (load, slot) order. */
  private position(list: number[], s: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.before(list[mid], s)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
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
