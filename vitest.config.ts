import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default, cores - 1, runs one file at a time on a 2-core CI machine; most tests wait on
    // servers and child processes, and two at a time take the suite from ~15 to ~10 minutes there.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
