// Where the process cannot make a thread (a container at its pids limit), --jobs does the work on this
// thread: the report --jobs 1 makes, and one line on stderr saying why. Before, the run died with
// "internal error: EAGAIN" (exit 3).
import { describe, expect, it } from 'vitest';
import { slotscope } from '../helpers/cli.js';
import { slotscopeWithoutThreads, threadLimitAvailable } from '../helpers/thread-limit.js';

const NO_THREAD = 'slotscope: no worker thread could start (EAGAIN): reading on this thread, as --jobs 1 does\n';

describe.skipIf(!threadLimitAvailable)('--jobs with no thread to be had (a pids cgroup; skipped where none is writable)', () => {
  it('two nodes, one worker each: read on this thread instead, the same report', () => {
    const inputs = ['samples/app.monitor', 'app=samples/app-memory.csv', 'samples/benchmark.monitor'];
    for (const format of ['json', 'table']) {
      const one = slotscope(['analyze', '--jobs', '1', '-f', format, ...inputs]);
      const two = slotscopeWithoutThreads(['analyze', '--jobs', '2', '-f', format, ...inputs]);
      expect(one.status).toBe(0);
      expect(two.stderr).toBe(NO_THREAD);
      expect(two.status).toBe(0);
      expect(two.stdout).toBe(one.stdout);
    }
  });

  it('check gates as it does on one thread', () => {
    const inputs = ['samples/app.monitor', 'samples/benchmark.monitor'];
    const one = slotscope(['check', '--jobs', '1', ...inputs]);
    const two = slotscopeWithoutThreads(['check', '--jobs', '2', ...inputs]);
    expect(one.status).toBe(1);
    expect(two.status).toBe(one.status);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toBe(one.stderr + NO_THREAD);
  });
});
