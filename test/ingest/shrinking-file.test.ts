// A file cut while it is read (a log rotation truncating a capture) is refused, not reported on as if the
// part read were all of it: the reader is stopped (SIGSTOP) once it is a few MiB in, the file truncated
// to half, and the reader let go on.
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { slotscopeAsync } from '../helpers/cli.js';
import { waitFor } from '../helpers/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'slotscope-shrink-'));

/** How far the process has read the file, from the kernel's fdinfo; undefined until it has it open. */
function readOffset(pid: number, file: string): number | undefined {
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== file) continue;
      return Number(/^pos:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'latin1'))![1]);
    }
  } catch {
    // the process or the descriptor went away between the two looks
  }
  return undefined;
}

describe('a file that shrinks while it is read', () => {
  it.skipIf(process.platform !== 'linux')('is refused in one line, exit 2, naming how much of it was read', async () => {
    // A real capture (the bundled redis-benchmark sample, made by redis-benchmark) repeated to ~60 MB.
    const file = join(dir, 'rotated.monitor');
    const sample = readFileSync('samples/benchmark.monitor');
    const fd = openSync(file, 'w');
    for (let n = 0; n < 60e6 / sample.length; n++) writeSync(fd, sample);
    closeSync(fd);
    const run = slotscopeAsync(['analyze', '--jobs', '1', '-f', 'json', '-o', join(dir, 'report.json'), file]);
    await waitFor('the reader a few MiB in', async () => ((readOffset(run.pid, file) ?? 0) >= 4 << 20 ? true : undefined), 30_000);
    process.kill(run.pid, 'SIGSTOP');
    const half = 30_000_000;
    const offset = readOffset(run.pid, file)!;
    expect(offset).toBeLessThan(half);
    truncateSync(file, half);
    process.kill(run.pid, 'SIGCONT');
    const r = await run.done;
    expect(r.stderr).toContain(`slotscope: ${file}: it shrank while being read: ${half} of the `);
    expect(r.status).toBe(2);
  });
});
