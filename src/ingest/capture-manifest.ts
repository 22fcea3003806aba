// The manifest.json that `slotscope capture` writes beside its files: which node each file came from,
// its role and slot ranges, so an analysis of the files knows the cluster they came from, and which
// lines of a replica's file are its replication stream rather than traffic.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { InputStats } from './input-stats.js';
import type { InputSpec } from './read-input.js';

export interface ManifestNode {
  address: string;
  role: 'primary' | 'replica';
  slots: [number, number][];
  /** For a replica, its primary's address. */
  primary?: string;
  /** Relative to the manifest; older manifests hold the path as it was given to --out. */
  file?: string;
}

/** A replica that took over its primary's slots while the capture ran. */
export interface Failover {
  from: string;
  to: string;
}

export interface ManifestCapture {
  mode: 'cluster' | 'standalone';
  /** Slots that changed owner (other than by a failover) or were migrating while the capture ran. */
  slotsMoved?: [number, number][];
  failovers?: Failover[];
  nodes: ManifestNode[];
}

export interface CaptureManifest {
  captures: ManifestCapture[];
}

/** Today's primaries as far as the manifests cover the inputs: those at the end of the capture. */
export interface ManifestTopology {
  mode: 'cluster' | 'standalone';
  primaries: { address: string; slots: [number, number][] }[];
  slotsMoved: [number, number][];
  failovers: Failover[];
}

/** What the manifests beside the inputs (or, lacking one, the inputs' file names) tell about them. */
export interface CaptureContext {
  topology: ManifestTopology | null;
  /** Per input path: the addresses of the other captured nodes, whose client lines are replication streams. */
  peers: Map<string, string[]>;
  /** Per input path, when peers were only guessed from capture file names (no manifest). */
  guessed: Set<string>;
  /** One line each: a manifest ignored, or inputs it does not list. */
  warnings: string[];
}

export const CAPTURE_SCHEMA = 'slotscope.capture/1';
/** `10.0.0.5-6379.monitor` (captureFileName in src/live): a dotted or named host, then the port. */
const CAPTURE_FILE = /^([A-Za-z0-9.-]+)-(\d{1,5})\.monitor(?:\.gz)?$/;

/** Reads a manifest; anything unusable is one warning, never an abort: the inputs stand without it. */
function readManifest(file: string, warn: (m: string) => void): CaptureManifest | null {
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    warn(`${file}: not a JSON capture manifest; ignored`);
    return null;
  }
  const o = m as { schema?: unknown; captures?: unknown } | null;
  if (o?.schema !== CAPTURE_SCHEMA) {
    warn(`${file}: not a slotscope capture manifest (schema ${CAPTURE_SCHEMA}); ignored`);
    return null;
  }
  const valid = Array.isArray(o.captures) && o.captures.every((c: ManifestCapture | null) => c && Array.isArray(c.nodes) && c.nodes.every((n) => n && typeof n.address === 'string' && Array.isArray(n.slots)));
  if (!valid) {
    warn(`${file}: its captures list is missing or malformed; ignored`);
    return null;
  }
  return o as CaptureManifest;
}

/** The primaries at the end: each failed-over primary replaced by the replica that took its slots. */
function primariesAtEnd(c: ManifestCapture): ManifestTopology['primaries'] {
  const to = new Map((c.failovers ?? []).map((f) => [f.from, f.to]));
  return c.nodes.filter((n) => n.role === 'primary').map((n) => ({ address: to.get(n.address) ?? n.address, slots: n.slots }));
}

export function captureContext(paths: string[]): CaptureContext {
  const ctx: CaptureContext = { topology: null, peers: new Map(), guessed: new Set(), warnings: [] };
  const warn = (m: string): void => void ctx.warnings.push(m);
  const manifests = new Map<string, CaptureManifest | null>();
  const unlisted = new Map<string, string[]>();
  const loose: { path: string; address: string }[] = [];
  for (const path of paths) {
    if (path === '-') continue;
    const file = join(dirname(path), 'manifest.json');
    if (!manifests.has(file)) manifests.set(file, existsSync(file) ? readManifest(file, warn) : null);
    const m = manifests.get(file);
    // Capture files always lie beside their manifest: match by name, whatever form the manifest stored.
    const name = basename(path);
    const capture = m?.captures.find((c) => c.nodes.some((n) => n.file !== undefined && basename(n.file) === name));
    if (capture) {
      ctx.peers.set(path, capture.nodes.filter((n) => n.file === undefined || basename(n.file) !== name).map((n) => n.address));
      ctx.topology ??= { mode: capture.mode, primaries: primariesAtEnd(capture), slotsMoved: capture.slotsMoved ?? [], failovers: capture.failovers ?? [] };
      continue;
    }
    if (m) unlisted.set(file, [...(unlisted.get(file) ?? []), path]);
    const guess = CAPTURE_FILE.exec(name);
    if (guess) loose.push({ path, address: `${guess[1]}:${guess[2]}` });
  }
  for (const [file, inputs] of unlisted) warn(`${file} does not list ${inputs.join(', ')}: ${inputs.length === 1 ? 'its' : 'their'} node and role are unknown`);
  // No manifest: a client address that is another captured node's address is that node's replication link.
  for (const { path, address } of loose) {
    const others = loose.filter((l) => l.address !== address).map((l) => l.address);
    if (others.length === 0) continue;
    ctx.peers.set(path, others);
    ctx.guessed.add(path);
  }
  return ctx;
}

/** The inputs with the other captured nodes' addresses, for the replication-stream filter. */
export function withPeers(specs: InputSpec[], ctx: CaptureContext): InputSpec[] {
  return specs.map((s) => (ctx.peers.has(s.path) ? { ...s, peers: ctx.peers.get(s.path) } : s));
}

/** Replication streams found by address alone (no manifest): said, since only a manifest knows for sure. */
export function guessedReplication(ctx: CaptureContext, inputs: InputStats[]): string[] {
  return inputs
    .filter((i) => ctx.guessed.has(i.path) && i.replicationLines > 0)
    .map((i) => `${i.path}: ${i.replicationLines} lines have another captured node (${i.replicationFrom.join(', ')}) as their client: a replica's replication stream, counted apart and left out of the traffic (no manifest.json says which files are replicas)`);
}
