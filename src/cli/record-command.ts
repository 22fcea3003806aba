// `slotscope record -- COMMAND [ARGS...]`: capture every node's MONITOR around a run of COMMAND (a test
// suite, a load script), then gate the capture as `check` does. Exit codes, so CI can tell them apart:
// the gates' (0 pass, 1 a gate failed, 2 bad input), or COMMAND's own when it failed (its traffic is
// still gated and reported: a CROSSSLOT error is often why a test failed), 127/126 when COMMAND could not
// be started, 128 + n when a signal stopped the run (the gates are then not run).
import { recordRun } from '../live/record-run.js';
import { type CheckCommandOptions, checkCommand, prepareCheck } from './check-command.js';
import { endStopped, nodeCount, warn } from './cli-io.js';
import { type ConnectionFlags, endpointsFrom } from './connection-options.js';

export interface RecordCommandOptions extends CheckCommandOptions, ConnectionFlags {
  /** --redis: nodes as URLs or HOST:PORT (else -h/-p/-u, else 127.0.0.1:6379). */
  redis: string[];
  out: string;
}

export async function recordCommand(command: string[], opts: RecordCommandOptions): Promise<void> {
  const [program, ...args] = command;
  const endpoints = endpointsFrom(opts, opts.redis, warn);
  // A report path that cannot be written, or a bad allow-list or baseline, fails now, not after the whole test suite ran.
  const setup = await prepareCheck([], opts);
  const run = await recordRun({ endpoints, out: opts.out, command: program, args, warn, onAttached: (n) => warn(`MONITOR attached on ${nodeCount(n)}; running ${program}`) });
  const kept = `the files in ${opts.out} hold every complete line up to then, and manifest.json says so; the gates were not run`;
  if (!run.end || run.stop.stopped()) return endStopped(run.stop, kept);
  run.stop.dispose();
  if (run.end.how === 'not-run') {
    warn(`${program}: ${run.end.reason}`);
    process.exitCode = run.end.code;
    return;
  }
  await checkCommand(run.files, opts, setup);
  if (run.end.code !== 0) {
    warn(`${program} ${run.end.how === 'killed' ? `was killed by ${run.end.signal}` : `exited ${run.end.code}`}; the gates above ran on its traffic, but the exit code is ${program}'s (${run.end.code})`);
    process.exitCode = run.end.code;
  }
}
