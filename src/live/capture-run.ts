// What `capture monitor` and `capture scan` share: each URL's deployment discovered in turn, its nodes
// captured, their problems reported in one line each, and a manifest.json written beside the files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discover, type LiveNode, type Topology } from './discover.js';
import { address, parseRedisUrl, type RedisEndpoint } from './redis-url.js';

export const CAPTURE_SCHEMA = 'slotscope.capture/1';

/** A capture file's name: the node's address, which the analyzer then takes as the node name. */
export function captureFileName(node: LiveNode, extension: string): string {
  return `${node.host.replace(/[^A-Za-z0-9.-]/g, '_')}-${node.port}.${extension}`;
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
    captures.push({ url: address(ep), mode: topology.mode, nodes });
  }
  writeFileSync(join(out, 'manifest.json'), JSON.stringify({ schema: CAPTURE_SCHEMA, kind, captures }, null, 2) + '\n');
}
