// The ordered steps of the migration, each with the check to run after it: client and code changes first
// (they work on today's server too), then data renames per db, merging dbs, the layout, the cut-over.
import type { DbKeys } from './collect.js';
import type { ClientChange } from './client-changes.js';
import type { ConventionClash } from './conventions.js';
import type { PlanUnfixable } from './advice.js';
import type { CrossSlotCounts } from './counts.js';

export interface RunbookStep {
  title: string;
  actions: string[];
  check: string;
}

export interface RunbookInput {
  clientChanges: readonly ClientChange[];
  unfixable: readonly PlanUnfixable[];
  conventions: readonly ConventionClash[];
  otherChanges: readonly { finding: string; change: string }[];
  renames: readonly { tag: string; rules: readonly { from: string }[] }[];
  /** Dbs the traffic or the dumps used, with what the dumps told of their keys. */
  dbs: ReadonlyMap<number, DbKeys | null>;
  /** Patterns per db, for the collision check when dbs merge. */
  patternsByDb: ReadonlyMap<number, ReadonlySet<string>>;
  after: CrossSlotCounts;
}

/**
 * A pattern as a SCAN glob for a shell: its classes as `*`, in single quotes; in bash's $'...' when it has
 * an escaped byte (`\xhh`, which $'...' turns back into the byte) or a quote of its own.
 */
function shellGlob(pattern: string): string {
  const glob = pattern.replace(/<[a-z]+>/g, '*');
  return /\\x[0-9a-f]{2}|'/.test(glob) ? `$'${glob.replace(/'/g, "\\'")}'` : `'${glob}'`;
}

export function runbook(p: RunbookInput): RunbookStep[] {
  const steps: RunbookStep[] = [];
  const code: string[] = [];
  for (const c of p.clientChanges) code.push(`${c.library}: set ${c.option} on ${c.objects.map((o) => o.split(' ')[0]).join(', ')} (queues ${c.queues.join(', ')}); see Client changes.`);
  for (const u of p.unfixable) code.push(`${u.kind}${u.command ? ` ${u.command}` : ''} over ${u.patterns.join(', ')} (${u.count}×, ${u.shape}): ${u.alternatives[0]}`);
  for (const c of p.conventions) code.push(`${c.word}: one naming convention instead of ${c.forms.map((f) => f.form).join(', ')}, or one entity's keys land in ${c.forms.length} slots.`);
  // nonzero-db is a step of its own below.
  for (const o of p.otherChanges) if (o.finding !== 'nonzero-db') code.push(`${o.finding}: ${o.change}`);
  if (code.length > 0) {
    steps.push({ title: 'Client and code changes', actions: code, check: 'Capture the standalone server again and run `slotscope plan new.monitor`: no client changes and nothing "not fixable by renames" left, only renames.' });
  }
  const dbs = [...p.dbs.keys()].sort((a, b) => a - b);
  const renamed = new Set(p.renames.flatMap((r) => r.rules.map((x) => x.from)));
  const renamedDbs = dbs.filter((db) => [...(p.patternsByDb.get(db) ?? [])].some((x) => renamed.has(x)));
  if (renamedDbs.length > 0) {
    steps.push({
      title: 'Data renames',
      actions: [
        ...renamedDbs.map((db) => `db ${db}: \`redis-cli -n ${db} --scan --no-raw > db${db}.scan && slotscope plan --rename-map renames-db${db}.csv db${db}.scan\`, then RENAME each old_key to new_key (RENAME keeps the key's TTL), in the window where the code starts using the new names (${p.renames.map((r) => `{${r.tag}}`).join(', ')}).`),
      ],
      check: `For every db, no key is left under an old name (${[...renamed].slice(0, 4).map((f) => `\`redis-cli -n DB --scan --pattern ${shellGlob(f)} | head -1\``).join(', ')} print nothing), and \`slotscope check --max-cross-slot 0 new.monitor\` passes on a fresh capture (or reports only what the plan leaves).`,
    });
  }
  const others = dbs.filter((d) => d !== 0);
  if (others.length > 0) {
    const actions: string[] = [];
    const zero = p.patternsByDb.get(0) ?? new Set<string>();
    for (const db of others) {
      const keys = p.dbs.get(db);
      const clash = [...(p.patternsByDb.get(db) ?? [])].filter((x) => zero.has(x));
      if (keys && keys.keys > 0 && keys.expiring === keys.keys) actions.push(`db ${db}: every key the dump saw expires (the last at ${new Date(keys.lastExpiry).toISOString()}): drop it and let it refill in db 0 after the switch.`);
      else actions.push(`db ${db}: move its keys into db 0 under a prefix of their own (\`db${db}:\`): ${clash.length ? `its patterns ${clash.join(', ')} also exist in db 0, so the prefix is required` : 'no pattern of it exists in db 0, yet a prefix keeps them apart'} (MOVE cannot do it across prefixes: COPY key newkey DB 0, or DUMP/RESTORE).`);
    }
    steps.push({ title: 'Merge dbs into db 0', actions, check: '`slotscope analyze new.monitor` shows no `nonzero-db` finding; `redis-cli -n DB dbsize` is 0 for every other db.' });
  }
  steps.push({
    title: 'Layout',
    actions: ['Create the cluster with the primaries and slot ranges of the Layout section below (and the reshard steps there when it lists any).'],
    check: '`redis-cli --cluster check HOST:PORT`: all 16384 slots covered, every primary up.',
  });
  steps.push({
    title: 'Cut-over',
    actions: [
      `Replay a capture with this plan into the new, empty cluster: \`slotscope plan -f json -o plan.json capture.monitor && slotscope verify --plan plan.json --cluster redis://HOST:PORT capture.monitor\`; it predicts ${p.after.commands} cross-slot commands, ${p.after.transactions} transactions and ${p.after.scripts} script calls left.`,
      'Empty the cluster again (FLUSHALL on each primary), copy the data (RIOT or RedisShake), switch the clients to cluster mode (ioredis: new Cluster([...])).',
    ],
    check: '`slotscope verify` exits 0 before the switch; after it, `slotscope analyze --live redis://HOST:PORT --duration 30s` shows no cross-slot traffic.',
  });
  return steps;
}
