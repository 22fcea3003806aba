// One skew figure for the gates and the diff: the busiest node (or slot) over the mean. With --shards N it
// is the layout the plan would propose for N primaries (planLayout, from the report's per-slot counts);
// else today's primaries when a capture's manifest named them; else the busiest of the 16384 slots.
import { planLayout } from '../plan/layout.js';
import { PLAN_DEFAULTS } from '../plan/plan-defaults.js';
import type { Report } from '../report/report.js';
import { SLOT_COUNT } from '../slot/key-slot.js';

export interface SkewMeasure {
  /** What the figure compares, for the gate's name. */
  basis: string;
  value: number;
  busiest: { what: string; ops: number } | null;
}

export function skewOf(r: Report, shards?: number): SkewMeasure {
  const primaries = r.topology?.primaries.map((p) => ({ address: p.address, slots: p.slots }));
  if (shards !== undefined) {
    // Script-run commands are not in the report per slot; the client commands are the load here.
    const layout = planLayout(
      { ops: r.slots.ops, scriptOps: new Float64Array(SLOT_COUNT), keys: r.slots.keys, bytes: r.slots.bytes, topKeys: () => [] },
      { shards, maxSkew: PLAN_DEFAULTS.maxSkew, primaries: primaries?.length === shards ? primaries : undefined },
    );
    const top = busiestOf(layout.after.nodes.map((n) => ({ what: n.address ?? `node ${n.node} (${n.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')})`, ops: n.ops })));
    return { basis: `busiest of ${shards} primaries under the planned layout / mean`, value: round(layout.after.skew.ops), busiest: top };
  }
  if (r.topology && r.topology.primaries.length > 0) {
    const loads = r.topology.primaries.map((p) => ({ what: p.address, ops: p.ops }));
    const mean = loads.reduce((t, l) => t + l.ops, 0) / loads.length;
    const top = busiestOf(loads);
    return { basis: `busiest of today's ${loads.length} primaries / mean`, value: mean > 0 && top ? round(top.ops / mean) : 1, busiest: top };
  }
  const hot = r.skew.hotSlots[0];
  const key = hot?.keys[0]?.key;
  return {
    basis: `busiest slot / mean of ${SLOT_COUNT} slots`,
    value: r.skew.meanOps > 0 ? round(r.skew.maxOps / r.skew.meanOps) : 1,
    busiest: hot ? { what: `slot ${hot.slot}${key !== undefined ? ` (busiest key ${key})` : ''}`, ops: hot.ops } : null,
  };
}

function busiestOf(loads: { what: string; ops: number }[]): { what: string; ops: number } | null {
  return loads.reduce<{ what: string; ops: number } | null>((best, l) => (!best || l.ops > best.ops ? l : best), null);
}

export const round = (n: number): number => Number(n.toPrecision(6));
