// Advice for what renames cannot fix, by the shape of the traffic: a read fan-out is split per slot in the
// client (with the helper its library has, and the round trips it costs); an atomic write over several
// entities must not be split (a coarse tag with its measured cost, co-locating the entities that transact
// together, or a saga); a script gets its keys in KEYS or a hash-tagged prefix.
import type { EntityClusters, Shape } from './candidates.js';
import type { GroupKind } from './co-access.js';
import type { CoarseCost } from './costs.js';
import { percent } from '../report/format-numbers.js';

export type UnfixableShape = 'read fan-out' | 'multi-key write' | 'atomic multi-entity write' | 'script keys' | 'mixed hash tags';

export interface PlanUnfixable {
  kind: GroupKind;
  command?: string;
  shape: UnfixableShape;
  patterns: string[];
  count: number;
  example: readonly string[];
  /** For commands: slots per call, on average and at most: the requests a per-slot fan-out makes instead of one. */
  slotsPerCall?: { mean: number; max: number };
  coarse?: CoarseCost;
  alternatives: string[];
}

const READS = new Set(['mget', 'exists', 'touch', 'sinter', 'sunion', 'sdiff', 'sintercard', 'zunion', 'zinter', 'zdiff', 'zintercard', 'pfcount', 'xread', 'lcs']);
const SPLITTABLE = new Set(['mget', 'mset', 'del', 'unlink', 'exists', 'touch']);
const COMBINED = new Set(['sinter', 'sunion', 'sdiff', 'sintercard', 'zunion', 'zinter', 'zdiff', 'zintercard', 'pfcount', 'lcs']);

function shapeOf(s: Shape): UnfixableShape {
  if (s.source !== 'none') return 'script keys';
  if (s.tagged) return 'mixed hash tags';
  if (s.kind !== 'command') return 'atomic multi-entity write';
  return READS.has(s.command ?? '') ? 'read fan-out' : 'multi-key write';
}

function fanOut(s: Shape, mean: number): string[] {
  const cmd = (s.command ?? '').toUpperCase();
  const cost = `Measured: ${mean.toFixed(1)} slots per call on average (at most ${s.maxSlots}), so ${mean.toFixed(1)} requests instead of one; sent in parallel they cost about one round trip to the slowest node.`;
  if (COMBINED.has(s.command ?? '')) {
    return [
      `${cmd} combines keys of unrelated entities, and no client splits it: read each key from its own slot (SMEMBERS/SSCAN, ZRANGE) and combine in the client. ${cost}`,
      'If the same keys are combined again and again, store them under one entity instead (a set of the pair, updated on write).',
    ];
  }
  const out = [
    `Fan out per slot in the client: group the keys by slot, send one ${cmd} per slot and merge the replies${s.command === 'mset' || s.command === 'del' || s.command === 'unlink' ? ` (${cmd} is then no longer atomic across slots)` : ''}. ${cost}`,
  ];
  if (SPLITTABLE.has(s.command ?? '')) {
    out.push(
      `Helpers: ioredis Cluster has none (it sends ${cmd} to one node, which answers CROSSSLOT): group keys with its cluster-key-slot package and run one ${cmd} per slot; node-redis has none either; redis-py RedisCluster has mget_nonatomic()/mset_nonatomic(); Lettuce's advanced cluster API splits MGET, MSET, DEL, EXISTS, UNLINK and TOUCH by slot itself; go-redis ClusterClient: one command per key in a Pipelined() is routed per node.`,
    );
  }
  return out;
}

function atomic(s: Shape, coarse: CoarseCost | undefined, clusters: EntityClusters): string[] {
  const out = [
    `Do not split it per slot: that loses atomicity (a failure between the parts leaves it half applied, a transfer debited and never credited). Keep it whole with a coarse tag, co-located entities or a saga:`,
  ];
  if (coarse) out.push(`A coarse tag {${coarse.tag}}: every ${s.patterns.join(', ')} key in one slot, which carries ${percent(coarse.opsShare)} of all key operations${coarse.bytesShare ? ` and ${percent(coarse.bytesShare)} of bytes` : ''}, its node about ${percent(coarse.nodeOpsShare)}.`);
  if (clusters.entities > 0) {
    const small = clusters.largest <= Math.max(2, clusters.entities / 10);
    out.push(
      small
        ? `Co-locating the entities that transact together: they form ${clusters.clusters} groups among ${clusters.entities} entities (the largest has ${clusters.largest}); tag each key with its group (e.g. {group:<g>}, kept by the application).`
        : `Co-locating the entities that transact together does not help here: they form ${clusters.clusters === 1 ? 'one group' : `${clusters.clusters} groups`} among ${clusters.entities} entities and the largest holds ${clusters.largest}, nearly a coarse tag.`,
    );
  }
  const entity = /^[^<]*<[a-z]+>/.exec(s.patterns[0])?.[0] ?? 'entity:<id>';
  out.push(`A saga with an idempotent ledger: write the operation under the source entity's tag (SET {${entity}}:op:<op-id> NX), apply its part there, then the target's part guarded by the same id under the target's tag ({${entity}}:applied:<op-id>); a retrying worker finishes half-done operations.`);
  return out;
}

function scriptKeys(s: Shape): string[] {
  const keys = s.undeclaredPatterns.map((p) => `\`${p}\``).join(', ');
  switch (s.source) {
    case 'hard-coded':
      return [`The script names ${keys} in its body: pass it in KEYS (a cluster routes a script by KEYS only) under the same hash tag as its other keys, or move that write out of the script.`];
    case 'argv-prefix':
      return [`The script builds ${keys} from a prefix argument: give it a hash-tagged prefix (the tag of its declared keys, or e.g. {${s.undeclaredPatterns[0]?.split(/[:.]/)[0] ?? 'prefix'}}) and declare the keys it builds in KEYS.`];
    default:
      return [`The script touches ${keys}, which it was not given: declare them in KEYS, under the same hash tag as its other keys.`];
  }
}

export function adviceFor(s: Shape, coarse: CoarseCost | undefined, clusters: EntityClusters): PlanUnfixable {
  const shape = shapeOf(s);
  const mean = s.count ? s.slots / s.count : 0;
  let alternatives: string[];
  switch (shape) {
    case 'script keys':
      alternatives = scriptKeys(s);
      break;
    case 'mixed hash tags':
      alternatives = ['Some of these keys already carry a hash tag and others a different one or none: give them one convention, so the keys used together share their tag.'];
      break;
    case 'atomic multi-entity write':
      alternatives = atomic(s, coarse, clusters);
      break;
    default:
      alternatives = fanOut(s, mean);
      if (coarse) alternatives.push(`A coarse tag {${coarse.tag}} would put every ${s.patterns.join(', ')} key in one slot: ${percent(coarse.opsShare)} of all key operations${coarse.bytesShare ? ` and ${percent(coarse.bytesShare)} of bytes` : ''}, its node about ${percent(coarse.nodeOpsShare)}.`);
  }
  return {
    kind: s.kind,
    ...(s.command ? { command: s.command } : {}),
    shape,
    patterns: s.patterns,
    count: s.count,
    example: s.example,
    ...(s.kind === 'command' ? { slotsPerCall: { mean, max: s.maxSlots } } : {}),
    ...(coarse ? { coarse } : {}),
    alternatives,
  };
}
