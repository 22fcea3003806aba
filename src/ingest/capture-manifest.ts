// The manifest.json that `slotscope capture` writes beside its files: which node each file came from,
// its role and slot ranges, so an analysis of the files knows the cluster they came from.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from './input-error.js';

export interface ManifestNode {
  address: string;
  role: 'primary' | 'replica';
  slots: [number, number][];
  file?: string;
}

export interface CaptureManifest {
  /** slotsMoved: slots that changed owner or were migrating while the capture ran. */
  captures: { mode: 'cluster' | 'standalone'; slotsMoved?: [number, number][]; nodes: ManifestNode[] }[];
}

/** The manifest beside an input file, if there is one. */
export function manifestBeside(path: string): CaptureManifest | null {
  if (path === '-') return null;
  const file = join(dirname(path), 'manifest.json');
  if (!existsSync(file)) return null;
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as CaptureManifest & { schema?: string };
    return m.schema === 'slotscope.capture/1' ? m : null;
  } catch {
    throw new InputError('not a JSON manifest', file);
  }
}

/** The cluster's primaries, as far as the manifest covers the given inputs. */
export function manifestPrimaries(m: CaptureManifest, inputs: string[]): { mode: 'cluster' | 'standalone'; primaries: { address: string; slots: [number, number][] }[]; slotsMoved: [number, number][] } | null {
  const wanted = new Set(inputs.map((p) => resolve(p)));
  for (const c of m.captures) {
    if (!c.nodes.some((n) => n.file && wanted.has(resolve(n.file)))) continue;
    return { mode: c.mode, primaries: c.nodes.filter((n) => n.role === 'primary').map((n) => ({ address: n.address, slots: n.slots })), slotsMoved: c.slotsMoved ?? [] };
  }
  return null;
}
