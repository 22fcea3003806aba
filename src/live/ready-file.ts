// `--ready-file PATH`: a script (or a test) starts its traffic once this file exists, i.e. once MONITOR
// is attached on every node. A stale file from an earlier run would say "ready" too early: removed first.
import { accessSync, constants, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../ingest/input-error.js';

/** Checks the path can be written (before anything starts) and returns the call that touches it. */
export function prepareReadyFile(path: string): () => void {
  try {
    accessSync(dirname(path), constants.W_OK);
    rmSync(path, { force: true });
  } catch {
    throw new InputError('cannot write the ready file here', path);
  }
  return () => writeFileSync(path, `${new Date().toISOString()}\n`);
}
