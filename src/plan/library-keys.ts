// Key families a client library builds itself. BullMQ (and Bull before it) names every key
// `<prefix>:<queue>:<type>` (QueueKeys in bullmq's src/classes/queue-keys.ts; jobs are `<prefix>:<queue>:<id>`
// with `:logs`, `:lock`, `:dependencies`... after it), builds most of them inside its Lua scripts from a prefix
// passed in ARGV, and stores key names in values (a job's parentKey, its dependencies set). Renaming such keys
// cannot work: the library's prefix setting must change. Other libraries are named when their keys are seen.

/** The types QueueKeys.getKeys() makes, plus `metrics` (`<queue>:metrics:completed`) and Bull 3's `priority`. */
const QUEUE_KEY_TYPES = new Set(['active', 'wait', 'waiting-children', 'paused', 'id', 'delayed', 'prioritized', 'stalled-check', 'completed', 'failed', 'stalled', 'repeat', 'limiter', 'meta', 'events', 'pc', 'marker', 'de', 'metrics', 'priority']);
/** Types only BullMQ makes (Bull 3 has none of them). */
const BULLMQ_ONLY = new Set(['marker', 'pc', 'prioritized', 'waiting-children', 'de', 'events']);
/** `<prefix>:<queue>:<type>[:...]`, the prefix as long as it can be (it may hold ':' itself). */
const QUEUE_KEY = /^([^{}]+):([^:{}]+):([a-z-]+)(?::|$)/;

export interface QueueFamily {
  library: 'bullmq' | 'bull';
  /** The key prefix before the queue name, without its ':' (BullMQ's `prefix` option, default `bull`). */
  prefix: string;
  queue: string;
  /** What identified it: key types seen, CLIENT SETNAME, script bodies. */
  evidence: string[];
}

/** A library whose keys were seen and whose setting is named, not encoded. */
export interface NamedLibrary {
  library: string;
  patterns: string[];
  advice: string;
}

const NAMED: { library: string; test: RegExp; advice: string }[] = [
  { library: 'sidekiq', test: /^(stat:(processed|failed)|queues|queue:[^:]+|schedule|retry|dead|processes)$/, advice: 'Sidekiq does not support Redis Cluster (its wiki, "Using Redis"): keep its Redis standalone, beside the cluster.' },
  { library: 'celery/kombu', test: /^(_kombu\.binding\..+|celery-task-meta-.+|unacked|unacked_index|unacked_mutex)$/, advice: "Celery's Redis transport (Kombu) uses global keys (_kombu.binding.*, unacked, unacked_index) together: keep its broker standalone, or give Kombu's `global_keyprefix` transport option a hash tag (`{celery}`) where your version has it." },
  { library: 'resque', test: /^resque:/, advice: 'Resque uses its `resque:` keys together (queues set, workers, stats): give its namespace a hash tag (`Resque.redis = Redis::Namespace.new("{resque}", ...)`) so they share one slot.' },
  { library: 'rate limiter', test: /^(rlflx|ratelimit|rate-limit|rate_limit|rl|throttle):/, advice: 'Rate-limiter keys are used one at a time: nothing to change unless a limiter script reads several (then pass them in KEYS under one tag).' },
];

/**
 * A key pattern read as a queue's key: what families() needs of it, so that a redacted pattern (its words
 * hashed, which no regex reads) can carry it, read before redaction.
 */
export interface QueueKey {
  prefix: string;
  queue: string;
  type: string;
  /** The type is `meta` (a queue's own hash); `bullmqOnly`: a type only BullMQ makes. */
  meta: boolean;
  bullmqOnly: boolean;
}

export function queueKey(pattern: string): QueueKey | null {
  const m = QUEUE_KEY.exec(pattern);
  if (!m || m[1].includes('<') || m[2].includes('<') || !QUEUE_KEY_TYPES.has(m[3])) return null;
  return { prefix: m[1], queue: m[2], type: m[3], meta: m[3] === 'meta', bullmqOnly: BULLMQ_ONLY.has(m[3]) };
}

interface QueueTypes {
  prefix: string;
  queue: string;
  types: Set<string>;
  meta: boolean;
  bullmqOnly: boolean;
}

export class LibraryKeys {
  /** `<prefix>:<queue>` -> the key types seen under it. */
  private readonly queues = new Map<string, QueueTypes>();
  private readonly clientNames = new Set<string>();
  private bullmqScripts = 0;

  /** A key pattern, once per distinct pattern. */
  pattern(pattern: string): void {
    const q = queueKey(pattern);
    if (q) this.queueKey(q);
  }

  queueKey(q: QueueKey): void {
    const id = `${q.prefix}:${q.queue}`;
    let seen = this.queues.get(id);
    if (!seen) this.queues.set(id, (seen = { prefix: q.prefix, queue: q.queue, types: new Set(), meta: false, bullmqOnly: false }));
    seen.types.add(q.type);
    seen.meta ||= q.meta;
    seen.bullmqOnly ||= q.bullmqOnly;
  }

  /** A CLIENT SETNAME: BullMQ names its connections `<prefix>:<base64 of the queue name>`. */
  clientName(name: string): void {
    if (this.clientNames.size < 1000) this.clientNames.add(name);
  }

  /** An EVAL body that is one of BullMQ's scripts (they all start `local rcall = redis.call`). */
  bullmqScript(): void {
    this.bullmqScripts++;
  }

  /** BullMQ script bodies seen (their `local rcall = redis.call` line), for the evidence of every family. */
  get bullmqScriptBodies(): number {
    return this.bullmqScripts;
  }

  families(): QueueFamily[] {
    const out: QueueFamily[] = [];
    const ids = [...this.queues.keys()];
    for (const [id, { prefix, queue, types, meta, bullmqOnly }] of this.queues) {
      // `bull:emails:metrics:completed` reads like a queue `metrics` under `bull:emails`: the outer queue wins.
      if (ids.some((o) => o !== id && id.startsWith(`${o}:`))) continue;
      // One type could be a coincidence (`user:1:meta`); a queue has several, or its `meta` hash.
      if (types.size < 2 && !meta) continue;
      const evidence = [`key types ${[...types].sort().join(', ')}`];
      const named = this.clientNames.has(`${prefix}:${Buffer.from(queue).toString('base64')}`);
      if (named) evidence.push(`CLIENT SETNAME ${prefix}:${Buffer.from(queue).toString('base64')}`);
      const bullmq = named || bullmqOnly || this.bullmqScripts > 0;
      out.push({ library: bullmq ? 'bullmq' : 'bull', prefix, queue, evidence });
    }
    return out.sort((a, b) => a.prefix.localeCompare(b.prefix) || a.queue.localeCompare(b.queue));
  }
}

/** Whether a key belongs to one of the families: it starts `<prefix>:<queue>:`. */
export function familyMatcher(families: readonly QueueFamily[]): (key: string) => QueueFamily | null {
  const byStart = new Map(families.map((f) => [`${f.prefix}:${f.queue}:`, f]));
  const starts = [...byStart.keys()].sort((a, b) => b.length - a.length);
  return (key) => {
    for (const s of starts) if (key.startsWith(s)) return byStart.get(s)!;
    return null;
  };
}

/** Other libraries whose keys appear among the patterns. */
export function namedLibraries(patterns: Iterable<string>): NamedLibrary[] {
  const found = new Map<string, NamedLibrary>();
  for (const p of patterns) {
    for (const n of NAMED) {
      if (!n.test.test(p)) continue;
      const lib = found.get(n.library) ?? { library: n.library, patterns: [], advice: n.advice };
      if (lib.patterns.length < 10) lib.patterns.push(p);
      found.set(n.library, lib);
    }
  }
  return [...found.values()];
}
