// The client setting that replaces a rename for a queue library's keys: BullMQ (and Bull) build them in Lua
// from a prefix passed in ARGV and store key names in values, so the prefix changes, not the keys. A
// hash-tagged prefix (`prefix: '{bull}'`) puts every queue in one slot; a braced queue name (`{emails}`)
// gives each queue a slot of its own, which only works when no job links queues (a flow's parent and
// children live in different queues and are touched together).
import type { CrossSlotCounts } from './counts.js';
import type { Hotspot } from './costs.js';
import type { QueueFamily } from './library-keys.js';
import type { PrefixChange } from './prefix-rewrite.js';

export interface ClientChange extends PrefixChange {
  /** The setting, e.g. `prefix: '{bull}'`. */
  option: string;
  queues: string[];
  /** Every object that must get the setting. */
  objects: string[];
  snippet: string;
  /** What identified the library. */
  evidence: string[];
  procedure: string[];
  /** Filled from the second pass. */
  hotspot: Hotspot;
  fixes: CrossSlotCounts;
}

const BULLMQ_OBJECTS = ['Queue', 'Worker', 'QueueEvents', 'FlowProducer', 'QueueEventsProducer', 'JobScheduler (through its Queue: queue.upsertJobScheduler uses the Queue\'s prefix)'];
const BULL_OBJECTS = ['Queue (Bull 3 processes jobs on the Queue itself: queue.process)'];

function procedure(library: string, from: string, to: string): string[] {
  return [
    `Drain: pause the ${library === 'bull' ? 'queues' : 'queues (queue.pause())'} and let the workers finish until wait, active, delayed, prioritized and waiting-children are empty (queue.getJobCounts()).`,
    `Switch every object listed at once: producers and workers on different prefixes do not see each other's jobs.`,
    `Do not rename the existing keys: ${library} stores key names inside values (a job's parentKey, its dependencies set, scheduler entries), which would still point at ${from}. Jobs left under ${from} are finished by an old worker or removed (queue.obliterate()); new ones start under ${to}.`,
  ];
}

export type ClientSetting = Omit<ClientChange, 'hotspot' | 'fixes'>;

export function clientSettings(families: readonly QueueFamily[], linkedPrefixes: ReadonlySet<string>, scriptBodies = 0): ClientSetting[] {
  const byPrefix = new Map<string, QueueFamily[]>();
  for (const f of families) (byPrefix.get(f.prefix) ?? byPrefix.set(f.prefix, []).get(f.prefix)!).push(f);
  const out: ClientSetting[] = [];
  for (const [prefix, fams] of byPrefix) {
    const library = fams.some((f) => f.library === 'bullmq') ? 'bullmq' : 'bull';
    const objects = library === 'bullmq' ? BULLMQ_OBJECTS : BULL_OBJECTS;
    const evidence = [...fams.flatMap((f) => f.evidence.map((e) => `${f.queue}: ${e}`)), ...(scriptBodies > 0 ? [`${scriptBodies} BullMQ script bodies (EVAL)`] : [])];
    const queues = fams.map((f) => f.queue);
    if (linkedPrefixes.has(prefix) || fams.length === 1) {
      const to = `{${prefix}}`;
      const why = linkedPrefixes.has(prefix) ? ` Jobs link queues here (flows), so all queues share one slot.` : '';
      out.push({
        kind: 'prefix', library, from: `${prefix}:`, to: `${to}:`, option: `prefix: '${to}'`, queues, objects, evidence,
        snippet: snippet(library, queues.map((q) => [q, q]), `'${to}'`) + (why ? `\n// ${why.trim()}` : ''),
        procedure: procedure(library, `${prefix}:`, `${to}:`),
      });
      continue;
    }
    for (const q of queues) {
      out.push({
        kind: 'prefix', library, from: `${prefix}:${q}:`, to: `${prefix}:{${q}}:`, option: `queue name '{${q}}'`, queues: [q], objects, evidence: evidence.filter((e) => !e.includes(': ') || e.startsWith(`${q}: `)),
        snippet: snippet(library, [[q, `{${q}}`]], prefix === 'bull' ? null : `'${prefix}'`),
        procedure: procedure(library, `${prefix}:${q}:`, `${prefix}:{${q}}:`),
      });
    }
  }
  return out;
}

function snippet(library: string, queues: [string, string][], prefix: string | null): string {
  const opts = prefix ? `{ connection, prefix: ${prefix} }` : '{ connection }';
  const lines: string[] = [];
  if (prefix) lines.push(`const prefix = ${prefix};`);
  const o = prefix ? '{ connection, prefix }' : opts;
  for (const [, name] of queues) {
    if (library === 'bull') {
      lines.push(`const queue = new Queue('${name}', ${prefix ? `{ redis, prefix }` : '{ redis }'});`);
      continue;
    }
    lines.push(`new Queue('${name}', ${o});`, `new Worker('${name}', processor, ${o});`, `new QueueEvents('${name}', ${o});`);
  }
  if (library === 'bullmq') lines.push(`new FlowProducer(${o});`);
  return lines.join('\n');
}
