// `capture scan`: SCAN every primary (in a cluster, every master: a node answers only for its own slots)
// with TYPE, MEMORY USAGE and PTTL in pipelines, into an rdbtools-style memory CSV per node, at a rate a
// production server can bear. A standalone server's every non-empty db is scanned: keys outside db 0 are
// exactly what a cluster cannot hold.
import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { connect, type LiveNode, type Topology } from './discover.js';
import { InputError } from '../ingest/input-error.js';
import { address, type RedisEndpoint, safeMessage } from './connection-endpoint.js';
import { refusal } from './refusal.js';

export interface ScanOptions {
  /** Only keys of this type (SCAN ... TYPE). */
  type?: string;
  memory: boolean;
  ttl: boolean;
  /** Stop each node after this many keys. */
  sample?: number;
  /** Keys per second per node, at most. */
  rate?: number;
  count: number;
  /** Stops every node after the batch in hand (the first stop signal). */
  signal?: AbortSignal;
  /** Gives up the batches in flight too (a second stop signal). */
  now?: AbortSignal;
  onProgress?: (keys: number, nodesDone: number) => void;
}

export interface ScanManifest {
  id: string;
  address: string;
  /** Every scanned node is a primary; role and slots let an analysis of the files show today's layout. */
  role: 'primary';
  slots: [number, number][];
  file: string;
  keys: number;
  /** Keys per db scanned (a standalone server's non-empty dbs; a cluster has only db 0). */
  dbs: Record<string, number>;
  /** Keys that vanished or moved between SCAN and the probes (counted, written without size). */
  probeErrors: number;
  /** The file does not hold every key: the node failed, or a stop signal came first. */
  partial: boolean;
  error?: string;
}

export const CSV_HEADER = 'database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry\n';
/** Redis TYPE names to rdbtools' names. */
const RDB_TYPE: Record<string, string> = { zset: 'sortedset' };

/** The key quoted as RFC 4180 says, its bytes exact (the memory-CSV reader takes a quoted field's bytes as they are). */
function csvKey(key: Buffer): Buffer {
  let quotes = 0;
  for (const b of key) if (b === 0x22) quotes++;
  const out = Buffer.allocUnsafe(key.length + quotes + 2);
  let o = 0;
  out[o++] = 0x22;
  for (const b of key) {
    out[o++] = b;
    if (b === 0x22) out[o++] = 0x22;
  }
  out[o] = 0x22;
  return out;
}

/** An ACL user without a command the scan needs is the user's fault, not a node's: one line, exit 2. */
function refused(ep: RedisEndpoint, node: LiveNode, err: unknown): void {
  const why = refusal(ep, safeMessage(err, ep));
  if (why) throw new InputError(`${address(node)}: ${why}`);
}

/** The dbs holding keys, from INFO keyspace (`db3:keys=2,expires=0,avg_ttl=0`). */
async function nonEmptyDbs(redis: Redis): Promise<number[]> {
  const info = await redis.info('keyspace');
  return [...info.matchAll(/^db(\d+):keys=(\d+)/gm)].filter((m) => Number(m[2]) > 0).map((m) => Number(m[1]));
}

async function scanNode(redis: Redis, ep: RedisEndpoint, node: LiveNode, allDbs: boolean, file: string, o: ScanOptions, counted: (n: number) => void): Promise<ScanManifest> {
  const out = createWriteStream(file);
  out.write(CSV_HEADER);
  const m: ScanManifest = { id: node.id, address: address(node), role: 'primary', slots: node.slots, file, keys: 0, dbs: {}, probeErrors: 0, partial: false };
  const started = Date.now();
  const full = (): boolean => o.sample !== undefined && m.keys >= o.sample;
  try {
    for (const db of allDbs ? await nonEmptyDbs(redis) : [0]) {
      if (full()) break;
      if (o.signal?.aborted) {
        m.partial = true;
        break;
      }
      if (allDbs) await redis.select(db);
      m.dbs[db] = 0;
      let cursor = '0';
      do {
        const args: (string | number)[] = ['COUNT', o.count];
        if (o.type) args.push('TYPE', o.type);
        const [next, batch] = (await redis.scanBuffer(cursor, ...(args as ['COUNT', number]))) as [Buffer, Buffer[]];
        cursor = next.toString();
        const keys = o.sample !== undefined ? batch.slice(0, Math.max(0, o.sample - m.keys)) : batch;
        if (keys.length > 0) {
          const p = redis.pipeline();
          for (const k of keys) {
            if (!o.type) p.type(k);
            if (o.memory) p.memory('USAGE', k);
            if (o.ttl) p.pttl(k);
          }
          const replies = (await p.exec()) ?? [];
          let r = 0;
          const rows: Buffer[] = [];
          for (const k of keys) {
            const [typeErr, type] = o.type ? [null, o.type] : replies[r++];
            const [memErr, mem] = o.memory ? replies[r++] : [null, null];
            const [ttlErr, pttl] = o.ttl ? replies[r++] : [null, -1];
            for (const e of [typeErr, memErr, ttlErr]) if (e) refused(ep, node, e);
            if (typeErr || memErr || ttlErr || type === 'none') m.probeErrors++;
            const expiry = typeof pttl === 'number' && pttl > 0 ? new Date(Date.now() + pttl).toISOString().replace('Z', '') : '';
            rows.push(Buffer.from(`${db},${RDB_TYPE[String(type)] ?? type},`), csvKey(k), Buffer.from(`,${mem ?? ''},,,,${expiry}\n`));
          }
          out.write(Buffer.concat(rows));
          m.keys += keys.length;
          m.dbs[db] += keys.length;
          counted(keys.length);
        }
        if (full()) break;
        if (o.signal?.aborted && cursor !== '0') {
          m.partial = true;
          break;
        }
        if (o.rate) {
          const due = started + (m.keys / o.rate) * 1000;
          if (due > Date.now()) await sleep(due - Date.now(), undefined, { signal: o.signal }).catch(() => {});
        }
      } while (cursor !== '0');
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    refused(ep, node, err);
    m.partial = true;
    // After a second stop signal the connection was closed under the batch in flight: that is the stop, not a fault.
    if (!o.now?.aborted) m.error = `${address(node)}: scan stopped after ${m.keys} keys (${safeMessage(err, ep)}); the file holds those keys`;
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return m;
}

export async function captureScan(ep: RedisEndpoint, topology: Topology, fileFor: (n: LiveNode) => string, o: ScanOptions): Promise<ScanManifest[]> {
  const primaries = topology.nodes.filter((n) => n.role === 'primary');
  const clients = await Promise.all(primaries.map((n) => connect(ep, n)));
  const drop = (): void => clients.forEach((c) => c.disconnect());
  // disconnect() ends the socket politely, which a server that stopped answering never acknowledges:
  // destroying it fails the batches in flight at once.
  const giveUp = (): void => clients.forEach((c) => c.stream?.destroy());
  o.now?.addEventListener('abort', giveUp, { once: true });
  let keys = 0;
  let nodesDone = 0;
  try {
    return await Promise.all(
      primaries.map(async (n, i) => {
        const m = await scanNode(clients[i], ep, n, topology.mode === 'standalone', fileFor(n), o, (k) => {
          keys += k;
          o.onProgress?.(keys, nodesDone);
        });
        nodesDone++;
        o.onProgress?.(keys, nodesDone);
        return m;
      }),
    );
  } finally {
    o.now?.removeEventListener('abort', giveUp);
    drop();
  }
}
