// `verify()` for a program or a test suite: replay captures with a plan's changes into a real, empty
// cluster and compare with the prediction, as `slotscope verify` does (its JSON is the result).
import { InputError } from '../ingest/input-error.js';
import type { RedisEndpoint } from '../live/connection-endpoint.js';
import { parseRedisUrl } from '../live/redis-url.js';
import type { Plan } from '../plan/make-plan.js';
import { verifyPlan, type VerifyResult } from '../replay/verify-plan.js';
import { type LibraryInput, resolveInputs } from './library-inputs.js';

export interface VerifyCallOptions {
  /** The plan, as plan() returns it (or readPlan() reads `slotscope plan -f json`'s file). */
  plan: Plan;
  /** `--cluster`: a node of the empty cluster to replay into, as a redis:// URL or an endpoint. */
  cluster: string | RedisEndpoint;
  /** `--force`: replay into a cluster that holds keys. */
  force?: boolean;
}

export async function verify(inputs: readonly LibraryInput[], options: VerifyCallOptions): Promise<VerifyResult> {
  // As readPlan() refuses such a file: hashed names match no key, so the replay could only disagree.
  if (options.plan.redacted) throw new InputError('the plan was made with redactKeys, so its renames match no real key; make it without to verify it', 'plan');
  const { specs } = resolveInputs(inputs, {});
  const target = typeof options.cluster === 'string' ? parseRedisUrl(options.cluster) : options.cluster;
  return verifyPlan(specs, options.plan, 'plan', target, { force: Boolean(options.force) });
}
