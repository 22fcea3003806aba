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

/** args as the CLI takes them: PATH, NAME=PATH (a directory's files then all belong to NAME), or `-`. */
export function listInputs(args: string[], format?: InputFormat): InputList {
  const list = new InputLister();
  for (const arg of args) list.add(arg, format);
  return list;
}

/**
 * The inputs added one at a time, each with its own format and node (the library's path objects), into
 * one list: a file is read once however many of the inputs name it, by whatever path or directory.
 */
export class InputLister implements InputList {
  readonly specs: InputSpec[] = [];
  readonly notes: string[] = [];
  /** dev:ino (`-` for stdin) → the path it was first given by. */
  private readonly seen = new Map<string, string>();

  /** `node`: the node of every file it stands for, instead of the one NAME=PATH or the file name gives. */
  add(arg: string, format?: InputFormat, node?: string): void {
    const spec = parseInputArg(arg, format);
    if (node !== undefined) spec.node = node;
    if (spec.path === '-') return this.once(spec, '-');
    const stat = statOf(spec.path);
    if (!stat.isDirectory()) {
      if (basename(spec.path) === MANIFEST) this.notes.push(`${spec.path}: a capture's manifest, not a capture; not read as one (it is read beside the captures)`);
      else this.once(spec, `${stat.dev}:${stat.ino}`);
      return;
    }
    const named = node !== undefined || spec.path !== arg;
    const files = readdirSync(spec.path).filter((name) => name !== MANIFEST && !name.startsWith('.')).sort();
    let count = 0;
    for (const name of files) {
      const path = join(spec.path, name);
      const s = statOf(path);
      if (!s.isFile()) continue;
      count++;
      this.once({ ...spec, path, node: named ? spec.node : nodeName(name) }, `${s.dev}:${s.ino}`);
    }
    if (count === 0) throw new InputError('a directory without capture files', spec.path);
  }

  /** Bytes in memory: nothing on disk to be the same as. */
  addData(spec: InputSpec): void {
    this.specs.push(spec);
  }

  private once(spec: InputSpec, id: string): void {
    const first = this.seen.get(id);
    if (first === undefined) {
      this.seen.set(id, spec.path);
      this.specs.push(spec);
    } else if (spec.path === '-') this.notes.push('stdin (-) given twice; read once');
    else this.notes.push(first === spec.path ? `${spec.path}: given twice; read once` : `${spec.path}: the same file as ${first}; read once`);
  }
}

function statOf(path: string): Stats {
  try {
    return statSync(path);
  } catch (err) {
    throw readError(err, path);
  }
}
