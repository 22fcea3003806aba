// `slotscope verify`: replay with the plan applied into a real, empty cluster and compare.
import { parseInputArg } from '../ingest/read-input.js';
import { parseRedisUrl } from '../live/redis-url.js';
import { readPlan, renderVerifySummary, verifyPlan } from '../replay/verify-plan.js';
import { EXIT_GATE } from './cli-io.js';

export interface VerifyCommandOptions {
  plan: string;
  cluster: string;
  force?: boolean;
}

export async function verifyCommand(inputs: string[], opts: VerifyCommandOptions): Promise<void> {
  const plan = readPlan(opts.plan);
  const result = await verifyPlan(inputs.map((a) => parseInputArg(a)), plan, opts.plan, parseRedisUrl(opts.cluster), { force: Boolean(opts.force) });
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  process.stderr.write(renderVerifySummary(result));
  if (!result.match) process.exitCode = EXIT_GATE;
}
