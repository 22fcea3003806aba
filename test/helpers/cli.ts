// Runs the built CLI (npm test builds first) as a user would: a separate process, stdin, exit code.
import { spawn, spawnSync } from 'node:child_process';
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

/** Starts the CLI without waiting for it: for long-running commands such as capture. */
export function slotscopeAsync(args: string[], env: NodeJS.ProcessEnv = process.env): { pid: number; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('latin1').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('latin1').on('data', (d: string) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
  return { pid: child.pid!, done };
}

/** The table report's prose joined again where it was wrapped to the width (continuation lines hang by four spaces). */
export const unwrapped = (table: string): string => table.replace(/\n {4}(?=\S)/g, ' ');
