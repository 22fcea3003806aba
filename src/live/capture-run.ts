// What `capture monitor` and `capture scan` share: each URL's deployment discovered in turn, its nodes
// captured, their problems reported in one line each, and a manifest.json written beside the files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SLOT_COUNT } from '../slot/key-slot.js';
import { formatSlotRanges, slotRanges } from '../slot/slot-ranges.js';
import { discover, type LiveNode, type Topology } from './discover.js';
import { address, parseRedisUrl, type RedisEndpoint, safeMessage } from './redis-url.js';

export const CAPTURE_SCHEMA = 'slotscope.capture/1';

/** A capture file's name: the node's address, which the analyzer then takes as the node name. */
export function captureFileName(node: LiveNode, extension: string): string {
  return `${node.host.replace(/[^A-Za-z0-9.-]/g, '_')}-${node.port}.${extension}`;
}

/** Slots whose owner differs between two looks at a cluster, or that were migrating in either. */
function movedSlots(before: Topology, after: Topology): number[] {
  const owners = (t: Topology): (string | undefined)[] => {
    const owner = new Array<string | undefined>(SLOT_COUNT);
    for (const n of t.nodes) for (const [from, to] of n.slots) for (let s = from; s <= to; s++) owner[s] = n.id;
    return owner;
  };
  const [a, b] = [owners(before), owners(after)];
  const moved = new Set<number>();
  for (let s = 0; s < SLOT_COUNT; s++) if (a[s] !== b[s]) moved.add(s);
  for (const n of [...before.nodes, ...after.nodes]) for (const s of n.moving ?? []) moved.add(s);
  return [...moved].sort((x, y) => x - y);
}

export async function captureEach<N extends { error?: string }>(
  urls: string[],
  out: string,
  kind: 'monitor' | 'scan',
  passwordFile: string | undefined,
  captureOne: (ep: RedisEndpoint, topology: Topology) => Promise<N[]>,
  warn: (message: string) => void,
): Promise<void> {
  mkdirSync(out, { recursive: true });
  const captures = [];
  for (const url of urls) {
    const ep = parseRedisUrl(url, passwordFile);
    const topology = await discover(ep);
    const nodes = await captureOne(ep, topology);
    for (const n of nodes) if (n.error) warn(n.error);
    // A reshard while we captured: a SCAN can miss a moving slot's keys or list them on two nodes, and
    // a MONITOR file's node no longer owns them. Said, not hidden.
    let slotsMoved: [number, number][] | undefined = [];
    if (topology.mode === 'cluster') {
      try {
        slotsMoved = slotRanges(movedSlots(topology, await discover(ep)));
      } catch (err) {
        // The seed may be the node that went away: the files stand, only this check is lost.
        slotsMoved = undefined;
        warn(`${address(ep)}: could not read the cluster's slots again after the capture (${safeMessage(err, ep)}); whether slots moved meanwhile is unknown`);
      }
    }
    if (slotsMoved?.length) warn(`${address(ep)}: slots ${formatSlotRanges(slotsMoved)} moved during the capture (a reshard?): their keys may be missing or on two nodes; capture again once the cluster is stable`);
    captures.push({ url: address(ep), mode: topology.mode, ...(slotsMoved ? { slotsMoved } : {}), nodes });
  }
  writeFileSync(join(out, 'manifest.json'), JSON.stringify({ schema: CAPTURE_SCHEMA, kind, captures }, null, 2) + '\n');
}
