// The library's inputs made into what the pipeline reads: paths as the CLI takes them (files, gzip,
// directories with their manifest.json, NAME=PATH), or bytes the caller holds, named by their node.
import { findTarget, type Target, TARGET_IDS } from '../analyze/targets.js';
import { KeyRedactor } from '../analyze/redact-keys.js';
import { type CaptureContext, captureContext, withPeers } from '../ingest/capture-manifest.js';
import { InputError } from '../ingest/input-error.js';
import { InputLister } from '../ingest/input-list.js';
import type { InputFormat } from '../ingest/input-stats.js';
import type { InputData } from '../ingest/memory-source.js';
import type { InputSpec } from '../ingest/read-input.js';

/** A file or directory as on the command line (`cap/`, `app.monitor.gz`, `primary=a.monitor`). */
export interface PathInput {
  path: string;
  /** The node its records belong to (default: the file name without extensions, as the CLI does). */
  node?: string;
  format?: InputFormat;
}

/** Bytes held in memory: a Buffer, a Node stream, or an async iterable of chunks (read once). */
export interface DataInput {
  data: InputData;
  /** The node its records belong to, as `--node NAME=PATH` names one. */
  node: string;
  /** The name shown for it in the report and in errors (default: the node). */
  path?: string;
  format?: InputFormat;
  /** Addresses of the other captured nodes: their lines in this input are a replication stream. */
  peers?: string[];
}

export type LibraryInput = string | PathInput | DataInput;

/** What every library call shares with the CLI's options of the same names. */
export interface InputOptions {
  /** `--input-format`: read every input as this format instead of detecting it. */
  inputFormat?: InputFormat;
  /** `--target`: the cluster to judge for (default: the newest Redis). */
  target?: string;
  /** `--redact-keys`: no key text in the result, words of key patterns as keyed hashes. */
  redactKeys?: boolean;
  /** The hash key for `redactKeys` (SLOTSCOPE_REDACT_SECRET); without it, a public default that only groups. */
  redactSecret?: string;
}

export interface ResolvedInputs {
  specs: InputSpec[];
  capture: CaptureContext;
  /** One sentence each: inputs left out (a file given twice, a manifest among the inputs) and manifest warnings. */
  warnings: string[];
}

export function resolveInputs(inputs: readonly LibraryInput[], options: InputOptions): ResolvedInputs {
  if (inputs.length === 0) throw new InputError('no inputs: give paths, directories or { node, data }');
  // One list for all, as the CLI's: a file named by two inputs (twice, or by itself and its directory) is read once.
  const list = new InputLister();
  for (const input of inputs) {
    if (typeof input !== 'string' && 'data' in input) {
      if (typeof input.node !== 'string' || input.node === '') throw new InputError('an input given as data needs its node name ({ node, data })');
      list.addData({ path: input.path ?? input.node, node: input.node, format: input.format ?? options.inputFormat, data: input.data, peers: input.peers });
    } else if (typeof input === 'string') list.add(input, options.inputFormat);
    else list.add(literalPath(input.path), input.format ?? options.inputFormat, input.node);
  }
  const { specs } = list;
  const warnings = [...list.notes];
  const capture = captureContext(specs.filter((s) => s.data === undefined).map((s) => s.path));
  warnings.push(...capture.warnings);
  return { specs: withPeers(specs, capture), capture, warnings };
}

/** A path as the CLI's argument parser reads it literally: `a=b.monitor` would be node `a`, file `b.monitor`. */
function literalPath(path: string): string {
  const eq = path.indexOf('=');
  return eq > 0 && !path.slice(0, eq).includes('/') ? `./${path}` : path;
}

export function targetFor(id: string | undefined): Target | undefined {
  if (id === undefined) return undefined;
  const target = findTarget(id);
  if (!target) throw new InputError(`unknown target ${JSON.stringify(id)}: one of ${TARGET_IDS.join(', ')}`);
  return target;
}

export function redactorFor(options: InputOptions): KeyRedactor | null {
  if (!options.redactKeys) return null;
  if (options.redactSecret === '') throw new InputError('the redaction secret is empty');
  return new KeyRedactor(options.redactSecret);
}
