// Runs the built CLI (npm test builds first) as a user would: a separate process, stdin, exit code.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cmd/slotscope.js', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function slotscope(args: string[], input?: string | Buffer): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'latin1', maxBuffer: 256 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
