// The run's busiest keys from its nodes' sketches, merged in node order. Each node keeps its own (a
// node's inputs are read in one thread, one worker or this one), so a run on several threads and a run
// on one merge the same sketches the same way; with one node the run's sketch is that node's.
import { SlotKeys } from './slot-keys.js';
import { TopKeys } from './top-keys.js';

export function mergedTopKeys(nodes: readonly TopKeys[]): TopKeys {
  if (nodes.length === 1) return nodes[0];
  const run = new TopKeys();
  for (const n of nodes) run.merge(n);
  return run;
}

export function mergedSlotKeys(nodes: readonly SlotKeys[]): SlotKeys {
  if (nodes.length === 1) return nodes[0];
  const run = new SlotKeys();
  for (const n of nodes) run.merge(n.toSummary());
  return run;
}
