// What `capture monitor` and `capture scan` share: each endpoint's deployment discovered in turn, its nodes
// captured, their problems reported in one line each, and a manifest.json written beside the files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { InputError } from '../ingest/input-error.js';
import { SLOT_COUNT } from '../slot/key-slot.js';
import { CAPTURE_SCHEMA, type Failover } from '../ingest/capture-manifest.js';
import { formatSlotRanges, slotRanges } from '../slot/slot-ranges.js';
import { discover, type LiveNode, type Topology } from './discover.js';
import { address, type RedisEndpoint, safeMessage } from './connection-endpoint.js';
import { type StopSignals, unlessAborted } from './stop-signals.js';

/** A capture file's name: the node's address, which the analyzer then takes as the node name. */
export function captureFileName(node: LiveNode, extension: string): string {
  return `${node.host.replace(/[^A-Za-z0-9.-]/g, '_')}-${node.port}.${extension}`;
}

/**
 * What changed between two looks at a cluster: primaries whose replica took over their slots (a failover),
 * and slots that changed owner otherwise, or were migrating in either look (a reshard).
 */
export function clusterChanges(before: Topology, after: Topology): { slotsMoved: [number, number][]; failovers: Failover[] } {
  const owners = (t: Topology): (LiveNode | undefined)[] => {
    const owner = new Array<LiveNode | undefined>(SLOT_COUNT);
    for (const n of t.nodes) for (const [from, to] of n.slots) for (let s = from; s <= to; s++) owner[s] = n;
    return owner;
  };
  const [a, b] = [owners(before), owners(after)];
  const wasReplica = new Map(before.nodes.filter((n) => n.primary).map((n) => [n.id, n.primary]));
  const moved = new Set<number>();
  const failovers = new Map<string, Failover>();
  for (let s = 0; s < SLOT_COUNT; s++) {
    if (a[s]?.id === b[s]?.id) continue;
    const [from, to] = [a[s], b[s]];
    if (from && to && wasReplica.get(to.id) === address(from)) failovers.set(from.id, { from: address(from), to: address(to) });
    else moved.add(s);
  }
  for (const n of [...before.nodes, ...after.nodes]) for (const s of n.moving ?? []) moved.add(s);
  return { slotsMoved: slotRanges([...moved].sort((x, y) => x - y)), failovers: [...failovers.values()] };
}

export interface CaptureRun {
  /** The first signal stops the capture; a second gives up the final look at the cluster too. */
  stop?: StopSignals;
  warn: (message: string) => void;
}

export async function captureEach<N extends CapturedNode>(
  endpoints: RedisEndpoint[],
  out: string,
  kind: 'monitor' | 'scan',
  captureOne: (ep: RedisEndpoint, topology: Topology) => Promise<N[]>,
  run: CaptureRun,
): Promise<void> {
  const first = await distinctDeployments(endpoints, kind);
  mkdirSync(out, { recursive: true });
  const captures: CaptureEntry<N>[] = [];
  try {
    for (const [i, ep] of endpoints.entries()) {
      if (run.stop?.stop.aborted) break;
      const topology = i === 0 ? first : await discover(ep);
      if (run.stop?.stop.aborted) break;
      captures.push(await describeCapture(ep, topology, await captureOne(ep, topology), out, run));
    }
  } finally {
    // Also after a failure half-way (a later deployment refusing us): the captures made so far are described.
    writeManifest(out, kind, captures, run.stop);
  }
}

/**
 * The first endpoint's topology, once every endpoint is known to be a deployment of its own: two seeds of
 * one cluster (or one node given twice) would write the same files, the second capture over the first.
 */
async function distinctDeployments(endpoints: RedisEndpoint[], kind: string): Promise<Topology> {
  const topologies = endpoints.length === 1 ? [await discover(endpoints[0])] : await Promise.all(endpoints.map((ep) => discover(ep)));
  const seen = new Map<string, number>();
  for (const [i, t] of topologies.entries()) {
    for (const node of t.nodes) {
      const file = captureFileName(node, kind);
      const j = seen.get(file);
      if (j !== undefined && j !== i) throw new InputError(`${address(endpoints[j])} and ${address(endpoints[i])} are one deployment (both list ${address(node)}): give each deployment once, as any one of its nodes`);
      seen.set(file, i);
    }
  }
  return topologies[0];
}

interface CapturedNode {
  error?: string;
  file?: string;
}

export interface CaptureEntry<N extends CapturedNode> {
  url: string;
  mode: Topology['mode'];
  /** Absent when the cluster could not be looked at again after the capture. */
  slotsMoved?: [number, number][];
  failovers?: Failover[];
  nodes: N[];
}

/**
 * One deployment's manifest entry, its nodes' problems said in one line each. A reshard while we captured
 * (a SCAN can miss a moving slot's keys or list them on two nodes, and a MONITOR file's node no longer owns
 * them) or a failover is found by looking at the cluster again now: said, not hidden.
 */
export async function describeCapture<N extends CapturedNode>(ep: RedisEndpoint, topology: Topology, nodes: N[], out: string, { stop, warn }: CaptureRun): Promise<CaptureEntry<N>> {
  for (const n of nodes) if (n.error) warn(n.error);
  let slotsMoved: [number, number][] | undefined = [];
  let failovers: Failover[] = [];
  if (topology.mode === 'cluster') {
    try {
      const after = stop ? await unlessAborted(discover(ep), stop.now) : await discover(ep);
      if (after) ({ slotsMoved, failovers } = clusterChanges(topology, after));
      else slotsMoved = undefined;
    } catch (err) {
      // The seed may be the node that went away: the files stand, only this check is lost.
      slotsMoved = undefined;
      warn(`${address(ep)}: could not read the cluster's slots again after the capture (${safeMessage(err, ep)}); whether slots moved meanwhile is unknown`);
    }
  }
  for (const f of failovers) warn(`${address(ep)}: ${f.from} failed over to ${f.to} during the capture (the replica is the primary now); manifest.json names the primaries at the end`);
  if (slotsMoved?.length) warn(`${address(ep)}: slots ${formatSlotRanges(slotsMoved)} moved during the capture (a reshard?): their keys may be missing or on two nodes; capture again once the cluster is stable`);
  // Files are named relative to the manifest, so the folder can be moved (a CI artifact) or read from inside.
  const files = nodes.map((n) => (n.file ? { ...n, file: relative(out, n.file) } : n));
  return { url: address(ep), mode: topology.mode, ...(slotsMoved ? { slotsMoved } : {}), ...(failovers.length ? { failovers } : {}), nodes: files };
}

/** manifest.json beside the files, saying whether a signal stopped the capture. */
export function writeManifest(out: string, kind: 'monitor' | 'scan', captures: CaptureEntry<CapturedNode>[], stop?: StopSignals): void {
  const stopped = stop?.stopped();
  if (captures.length > 0 || stopped) writeFileSync(join(out, 'manifest.json'), JSON.stringify({ schema: CAPTURE_SCHEMA, kind, ...(stopped ? { stopped } : {}), captures }, null, 2) + '\n');
}
