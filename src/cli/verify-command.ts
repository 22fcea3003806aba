// `slotscope verify`: replay with the plan applied into a real, empty cluster and compare.
import { InputError } from '../ingest/input-error.js';
import type { InputStats } from '../ingest/input-stats.js';
import { readPlan, verifyPlan } from '../replay/verify-plan.js';
import { renderVerifySummary, renderVerifyTable } from '../replay/verify-text.js';
import { count, seconds } from '../report/format-numbers.js';
import { skippedLinesNotes } from '../report/skipped-lines.js';
import { terminalColumns } from '../report/terminal-size.js';
import { terminalStyle } from '../report/terminal-style.js';
import { EXIT_GATE, EXIT_INPUT, inputSpecs, note, startProgress, warn } from './cli-io.js';
import { type ConnectionFlags, endpointsFrom } from './connection-options.js';

export interface VerifyCommandOptions extends ConnectionFlags {
  plan: string;
  /** A node of the cluster, as a URL or HOST:PORT (else -h/-p/-u). */
  cluster?: string;
  force?: boolean;
  strict?: boolean;
  inputFormat?: string;
  maxLineBytes?: number;
  format: 'table' | 'json';
}

export async function verifyCommand(inputs: string[], opts: VerifyCommandOptions): Promise<void> {
  const plan = readPlan(opts.plan);
  const seeds = endpointsFrom(opts, opts.cluster !== undefined ? [opts.cluster] : [], warn, 'verify needs the cluster to replay into: --cluster URL or HOST:PORT, or -h HOST -p PORT');
  if (seeds.length > 1) throw new InputError('verify replays into one cluster: give one node, as --cluster or -u');
  const progress = startProgress();
  const started = Date.now();
  let replaying = started;
  const rate = (n: number): string => `${count(n / Math.max(0.001, (Date.now() - replaying) / 1000))}/s`;
  const onReplay = (sent: number, total: number): void => {
    if (sent === 0) replaying = Date.now();
    progress.show(`replaying: ${count(sent)} of ${count(total)} commands (${Math.floor((100 * sent) / Math.max(1, total))}%), ${rate(sent)}`);
  };
  // As analyze and plan read them: directories, NAME=PATH, and a capture's manifest (a replica's
  // replication stream is left out, as the plan left it out).
  const { specs } = inputSpecs(inputs, { inputFormat: opts.inputFormat });
  const onRead = (read: readonly InputStats[]): void => note(skippedLinesNotes(read));
  const result = await verifyPlan(specs, plan, opts.plan, seeds[0], { force: Boolean(opts.force), onReplay, onRead, maxLineBytes: opts.maxLineBytes });
  progress.done(`replayed ${count(result.replayed)} commands into ${result.primaries} primaries in ${seconds(Date.now() - started)} (${rate(result.replayed)})`);
  // Set before writing: a reader that closes stdout early (EPIPE) still gets the exit code.
  if (!result.match) process.exitCode = EXIT_GATE;
  if (opts.strict && result.skippedLines > 0) process.exitCode = EXIT_INPUT;
  if (opts.format === 'json') {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    note(renderVerifySummary(result));
  } else process.stdout.write(renderVerifyTable(result, terminalColumns(), terminalStyle()));
}
