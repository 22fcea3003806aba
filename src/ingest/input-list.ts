// The inputs as given, made into the files to read: a directory stands for the capture files in it
// (sorted, without its manifest.json), a capture's manifest.json given among the inputs (`cap/*`) is not
// read as one, and a file given twice (the same inode, by any path) is read once.
import { readdirSync, type Stats, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from './input-error.js';
import { readError } from './input-source.js';
import type { InputFormat } from './input-stats.js';
import { type InputSpec, nodeName, parseInputArg } from './read-input.js';

export interface InputList {
  specs: InputSpec[];
  /** One sentence each, for stderr: what was left out and why. */
  notes: string[];
}

const MANIFEST = 'manifest.json';

/**
 * args as the CLI takes them: PATH, NAME=PATH (a directory's files then all belong to NAME), or `-`.
 * `seen` (device:inode to the path first given) carries the files already listed across calls.
 */
export function listInputs(args: string[], format?: InputFormat, seen = new Map<string, string>()): InputList {
  const specs: InputSpec[] = [];
  const notes: string[] = [];
  const add = (spec: InputSpec, ino: string): void => {
    const first = seen.get(ino);
    if (first !== undefined) {
      notes.push(spec.path === '-' ? 'stdin (-) given twice; read once' : `${spec.path}: the same file as ${first}; read once`);
      return;
    }
    seen.set(ino, spec.path);
    specs.push(spec);
  };
  for (const arg of args) {
    const spec = parseInputArg(arg, format);
    if (spec.path === '-') {
      add(spec, '-');
      continue;
    }
    const stat = statOf(spec.path);
    if (!stat.isDirectory()) {
      if (basename(spec.path) === MANIFEST) notes.push(`${spec.path}: a capture's manifest, not a capture; not read as one (it is read beside the captures)`);
      else add(spec, `${stat.dev}:${stat.ino}`);
      continue;
    }
    const files = readdirSync(spec.path).filter((name) => name !== MANIFEST && !name.startsWith('.')).sort();
    let count = 0;
    for (const name of files) {
      const path = join(spec.path, name);
      const s = statOf(path);
      if (!s.isFile()) continue;
      count++;
      add({ ...spec, path, node: spec.path === arg ? nodeName(name) : spec.node }, `${s.dev}:${s.ino}`);
    }
    if (count === 0) throw new InputError('a directory without capture files', spec.path);
  }
  return { specs, notes };
}

function statOf(path: string): Stats {
  try {
    return statSync(path);
  } catch (err) {
    throw readError(err, path);
  }
}
