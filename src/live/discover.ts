// Which nodes to capture: every node of a cluster (CLUSTER NODES), or a standalone primary and its
// replicas (ROLE; from a replica, its primary first).
import { Redis } from 'ioredis';
import { InputError } from '../ingest/input-error.js';
import { address, clientOptions, type RedisEndpoint, safeMessage } from './connection-endpoint.js';
import { refusal, unlessRefused } from './refusal.js';

export interface LiveNode {
  id: string;
  host: string;
  port: number;
  role: 'primary' | 'replica';
  /** Slot ranges a cluster primary serves. */
  slots: [number, number][];
  /** Slots this primary is migrating away or importing (a reshard in progress). */
  moving?: number[];
  /** For a replica, its primary's address: the client address of the replication stream in its MONITOR. */
  primary?: string;
}

export interface Topology {
  mode: 'cluster' | 'standalone';
  nodes: LiveNode[];
}

export async function connect(ep: RedisEndpoint, node: { host: string; port: number } = ep): Promise<Redis> {
  const redis = new Redis(clientOptions(ep, node));
  // ioredis reports a refused AUTH as a closed connection; the server's own words come as an event.
  let serverSaid: unknown;
  redis.on('error', (err) => (serverSaid = err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    const msg = `${safeMessage(err, ep)} ${serverSaid ? safeMessage(serverSaid, ep) : ''}`.trim();
    throw new InputError(`${address(node)}: ${refusal(ep, msg) ?? `cannot connect (${msg})`}`);
  }
  return redis;
}

/** Parses CLUSTER NODES: `<id> <ip:port@cport[,hostname]> <flags> <primary> ... <slot> <slot> ...`. */
export function parseClusterNodes(text: string): LiveNode[] {
  const nodes: LiveNode[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    if (f.length < 8) continue;
    const flags = f[2].split(',');
    if (flags.some((x) => x === 'fail' || x === 'noaddr' || x === 'handshake')) continue;
    const addr = f[1].split('@')[0];
    const colon = addr.lastIndexOf(':');
    const slots: [number, number][] = [];
    const moving: number[] = [];
    for (const s of f.slice(8)) {
      // `[slot->-id]` (migrating) or `[slot-<-id]` (importing): a reshard in progress.
      if (s.startsWith('[')) moving.push(Number.parseInt(s.slice(1), 10));
      else {
        const [from, to] = s.split('-').map(Number);
        slots.push([from, to ?? from]);
      }
    }
    nodes.push({ id: f[0], host: addr.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(addr.slice(colon + 1)), role: flags.includes('master') ? 'primary' : 'replica', slots, ...(moving.length ? { moving } : {}), ...(f[3] !== '-' ? { primary: f[3] } : {}) });
  }
  // The primary field holds a node id: turn it into the address.
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const n of nodes) if (n.primary) n.primary = byId.has(n.primary) ? address(byId.get(n.primary)!) : undefined;
  return nodes;
}

export async function discover(ep: RedisEndpoint): Promise<Topology> {
  const redis = await connect(ep);
  try {
    const info = await unlessRefused(ep, ep, redis.info('cluster'));
    if (/cluster_enabled:1/.test(info)) {
      const nodes = parseClusterNodes((await unlessRefused(ep, ep, redis.cluster('NODES'))) as string);
      // A node announcing 127.0.0.1 or an empty host is reached through the address we were given.
      for (const n of nodes) if (!n.host) n.host = ep.host;
      return { mode: 'cluster', nodes: nodes.sort((a, b) => (a.role === b.role ? a.port - b.port : a.role === 'primary' ? -1 : 1)) };
    }
    let role = (await unlessRefused(ep, ep, redis.role())) as unknown[];
    let primary = { host: ep.host, port: ep.port };
    if (role[0] === 'slave') {
      primary = { host: String(role[1]), port: Number(role[2]) };
      const p = await connect(ep, primary);
      try {
        role = (await unlessRefused(ep, primary, p.role())) as unknown[];
      } finally {
        p.disconnect();
      }
    }
    const replicas = ((role[2] as unknown[][]) ?? []).map((r) => ({ host: String(r[0]), port: Number(r[1]) }));
    return {
      mode: 'standalone',
      nodes: [
        { id: address(primary), ...primary, role: 'primary', slots: [] },
        ...replicas.map((r): LiveNode => ({ id: address(r), ...r, role: 'replica', slots: [], primary: address(primary) })),
      ],
    };
  } finally {
    redis.disconnect();
  }
}
