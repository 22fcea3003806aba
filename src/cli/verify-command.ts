// `slotscope verify`: replay with the plan applied into a real, empty cluster and compare.
import { parseInputArg } from '../ingest/read-input.js';
import { parseRedisUrl } from '../live/redis-url.js';
import { readPlan, renderVerifySummary, verifyPlan } from '../replay/verify-plan.js';
import { count, seconds } from '../report/format-numbers.js';
import { EXIT_GATE, note, startProgress } from './cli-io.js';

export interface VerifyCommandOptions {
  plan: string;
  cluster: string;
  force?: boolean;
}

export async function verifyCommand(inputs: string[], opts: VerifyCommandOptions): Promise<void> {
  const plan = readPlan(opts.plan);
  const progress = startProgress();
  const started = Date.now();
  let replaying = started;
  const rate = (n: number): string => `${count(n / Math.max(0.001, (Date.now() - replaying) / 1000))}/s`;
  const onReplay = (sent: number, total: number): void => {
    if (sent === 0) replaying = Date.now();
    progress.show(`replaying: ${count(sent)} of ${count(total)} commands (${Math.floor((100 * sent) / Math.max(1, total))}%), ${rate(sent)}`);
  };
  const result = await verifyPlan(inputs.map((a) => parseInputArg(a)), plan, opts.plan, parseRedisUrl(opts.cluster), { force: Boolean(opts.force), onReplay });
  progress.done(`replayed ${count(result.replayed)} commands into ${result.primaries} primaries in ${seconds(Date.now() - started)} (${rate(result.replayed)})`);
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  note(renderVerifySummary(result));
  if (!result.match) process.exitCode = EXIT_GATE;
}
