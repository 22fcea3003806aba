// Runs the CLI in a process that can make no more threads: a real pids cgroup (v1 or v2), which needs a
// writable cgroup filesystem (root, as CI runs). null where there is none, and the test says so.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, type CliResult } from './cli.js';

const PRELOAD = fileURLToPath(new URL('./no-new-threads.mjs', import.meta.url));
const ROOTS = ['/sys/fs/cgroup/pids', '/sys/fs/cgroup'];

/** A new cgroup with a pids limit, or null when this machine gives none. */
function pidsCgroup(): string | null {
  for (const root of ROOTS) {
    const dir = join(root, `slotscope-test-${process.pid}-${Date.now()}`);
    try {
      mkdirSync(dir);
    } catch {
      continue;
    }
    if (existsSync(join(dir, 'pids.max'))) return dir;
    rmdirSync(dir);
  }
  return null;
}

export const threadLimitAvailable: boolean = (() => {
  const dir = pidsCgroup();
  if (dir) rmdirSync(dir);
  return dir !== null;
})();

/** `slotscope args` in a process that has the threads Node starts with and cannot make one more. */
export function slotscopeWithoutThreads(args: string[]): CliResult {
  const dir = pidsCgroup();
  if (!dir) throw new Error('no writable pids cgroup on this machine');
  try {
    writeFileSync(join(dir, 'pids.max'), '1');
    const r = spawnSync(process.execPath, ['--import', PRELOAD, CLI, ...args], { env: { ...process.env, SLOTSCOPE_TEST_CGROUP: dir }, encoding: 'latin1', maxBuffer: 256 << 20, timeout: 120_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmdirSync(dir);
  }
}
