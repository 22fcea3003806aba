// Copies, on disk, of the inputs that give their bytes once (stdin, a named pipe), for a reader that reads
// its inputs twice (the planner's second pass). The bytes are kept as they come, gzip and all, so memory
// stays bounded however large the stream. The directory goes when the run ends, by an error, or by a
// signal (re-raised after, so the exit status is still the signal's).
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from './input-error.js';
import { rawChunks, readableOnce, readError } from './input-source.js';
import type { InputSpec } from './read-input.js';

export interface InputCopies {
  /** The inputs, with `copy` set on each that is read from its copy. */
  specs: InputSpec[];
  /** Deletes the copies (also done at exit). */
  remove(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** `onCopy` is told when an input's copy starts, `onBytes` the bytes copied of it so far. */
export async function copyOnceInputs(specs: InputSpec[], onCopy: (spec: InputSpec, index: number) => void, onBytes: (bytes: number) => void): Promise<InputCopies> {
  const once = specs.map((s) => s.data === undefined && readableOnce(s.path));
  if (!once.includes(true)) return { specs, remove: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'slotscope-copies-'));
  const onSignal = (signal: NodeJS.Signals): void => {
    remove();
    process.kill(process.pid, signal);
  };
  function remove(): void {
    rmSync(dir, { recursive: true, force: true });
    process.off('exit', remove);
    for (const s of SIGNALS) process.off(s, onSignal);
  }
  process.on('exit', remove);
  for (const s of SIGNALS) process.on(s, onSignal);
  const copied: InputSpec[] = [];
  for (const [i, spec] of specs.entries()) {
    if (!once[i]) {
      copied.push(spec);
      continue;
    }
    onCopy(spec, i);
    const copy = join(dir, String(i));
    await copyBytes(spec.path, copy, onBytes);
    copied.push({ ...spec, copy });
  }
  return { specs: copied, remove };
}

async function copyBytes(from: string, to: string, onBytes: (bytes: number) => void): Promise<void> {
  const out = await open(to, 'w');
  let bytes = 0;
  try {
    const chunks = rawChunks(from)[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (err) {
        throw readError(err, from);
      }
      if (next.done) break;
      try {
        await out.write(next.value);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new InputError(`cannot keep a copy of it for the second pass in ${to}: ${code === 'ENOSPC' ? 'no space left on device' : code}`, from);
      }
      bytes += next.value.length;
      onBytes(bytes);
    }
  } finally {
    await out.close();
  }
}
