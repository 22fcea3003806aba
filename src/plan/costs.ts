// What a tag costs: the share of ALL key operations (client commands and the commands scripts run) and of
// all bytes that land in its busiest slot after the changes, and the share its node carries in the
// proposed layout. Shares are of totals that include their numerators, so none can pass 100%.
import { printable } from '../analyze/key-pattern.js';
import type { Layout } from './layout.js';
import type { PatternStat } from './collect.js';
import type { ChangeLoad } from './second-pass.js';

export interface Hotspot {
  /** The busiest slot of the keys under the tag, and the entity leading it (renames only). */
  slot: number;
  entity: string;
  ops: number;
  /** Of all key operations; of all bytes (0 without a memory report). */
  opsShare: number;
  bytesShare: number;
  /** The layout node holding the slot, and the share of all ops that node carries. */
  node: number;
  nodeOpsShare: number;
}

export interface CoarseCost {
  tag: string;
  opsShare: number;
  bytesShare: number;
  /** The slot's share plus an even part of the rest: its node's share in a layout of `shards` nodes. */
  nodeOpsShare: number;
}

/** All key operations (client commands and the commands scripts run) and all bytes: what shares are of. */
export interface Totals {
  ops: number;
  bytes: number;
}

export function totals(stats: ReadonlyMap<string, PatternStat>): Totals {
  let ops = 0;
  let bytes = 0;
  for (const s of stats.values()) {
    ops += s.reads + s.writes;
    bytes += s.bytes;
  }
  return { ops, bytes };
}

/** The slot's primary in the proposed layout (its assignment need not be contiguous). */
export function nodeOfSlot(layout: Layout, slot: number): number {
  return layout.after.nodes.findIndex((n) => n.ranges.some(([from, to]) => slot >= from && slot <= to));
}

export function hotspot(load: ChangeLoad | undefined, all: Totals, layout: Layout): Hotspot {
  const none: Hotspot = { slot: -1, entity: '', ops: 0, opsShare: 0, bytesShare: 0, node: -1, nodeOpsShare: 0 };
  if (!load) return none;
  let slot = -1;
  for (let s = 0; s < load.ops.length; s++) if (load.ops[s] > 0 && (slot < 0 || load.ops[s] > load.ops[slot])) slot = s;
  if (slot < 0) for (let s = 0; s < load.bytes.length; s++) if (load.bytes[s] > 0 && (slot < 0 || load.bytes[s] > load.bytes[slot])) slot = s;
  if (slot < 0) return none;
  const node = nodeOfSlot(layout, slot);
  const entity = load.entity[slot];
  return {
    slot,
    entity: entity ? `{${printable(entity)}}` : '',
    ops: load.ops[slot],
    opsShare: all.ops ? load.ops[slot] / all.ops : 0,
    bytesShare: all.bytes ? load.bytes[slot] / all.bytes : 0,
    node,
    nodeOpsShare: layout.after.nodes[node]?.opsShare ?? 0,
  };
}

/** A coarse tag over whole patterns: every key of them in one slot, from pass 1's per-pattern figures. */
export function coarseCost(tag: string, patterns: readonly string[], stats: ReadonlyMap<string, PatternStat>, all: Totals, shards: number): CoarseCost {
  let ops = 0;
  let bytes = 0;
  for (const p of patterns) {
    const s = stats.get(p);
    if (!s) continue;
    ops += s.reads + s.writes;
    bytes += s.bytes;
  }
  const opsShare = all.ops ? ops / all.ops : 0;
  return { tag, opsShare, bytesShare: all.bytes ? bytes / all.bytes : 0, nodeOpsShare: opsShare + (1 - opsShare) / shards };
}
