// Which node serves each slot, from CLUSTER SLOTS of a seed node.
import { Redis } from 'ioredis';
import { clientOptions, type RedisEndpoint } from '../live/connection-endpoint.js';
import { unlessRefused } from '../live/refusal.js';
import { SLOT_COUNT } from '../slot/key-slot.js';

export interface ClusterNode {
  host: string;
  port: number;
}

export interface ClusterTopology {
  /** The seed's credentials and TLS setting, for every connection to the cluster's nodes. */
  endpoint: RedisEndpoint;
  primaries: ClusterNode[];
  /** Index into primaries for each of the 16384 slots; -1 where no node serves the slot. */
  owner: Int16Array;
}

type SlotsReply = [number, number, [string, number, ...unknown[]], ...unknown[]][];

export async function readTopology(seed: ClusterNode & Partial<RedisEndpoint>): Promise<ClusterTopology> {
  const endpoint: RedisEndpoint = { tls: false, ...seed };
  const redis = new Redis(clientOptions(endpoint));
  redis.on('error', () => {}); // surfaced by the commands below
  try {
    await redis.connect();
    const reply = (await unlessRefused(endpoint, seed, redis.call('CLUSTER', 'SLOTS'))) as SlotsReply;
    const primaries: ClusterNode[] = [];
    const owner = new Int16Array(SLOT_COUNT).fill(-1);
    for (const [from, to, [host, port]] of reply) {
      let i = primaries.findIndex((p) => p.host === host && p.port === port);
      if (i < 0) i = primaries.push({ host: host || seed.host, port }) - 1;
      owner.fill(i, from, to + 1);
    }
    return { endpoint, primaries, owner };
  } finally {
    redis.disconnect();
  }
}

/** The primary a command with this first-key slot goes to; a keyless one (-1) goes to the first primary. */
export function targetOf(topology: ClusterTopology, slot: number): number {
  return slot >= 0 && topology.owner[slot] >= 0 ? topology.owner[slot] : 0;
}
