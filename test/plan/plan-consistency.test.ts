// The plan as one consistent set of changes, on the real captures in samples/ (made by ioredis, BullMQ and
// redis-benchmark against a real redis-server by `npm run samples`).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_OPTIONS, makePlan, type Plan } from '../../src/plan/make-plan.js';

const SAMPLES = ['app', 'shop', 'queues', 'benchmark', 'benchmark-hot'];
const plans = new Map<string, Plan>();

beforeAll(async () => {
  for (const s of SAMPLES) plans.set(s, await makePlan([{ path: `samples/${s}.monitor`, node: s }], DEFAULT_PLAN_OPTIONS));
});

/** Every number under a key that names a share, anywhere in the plan. */
function shares(v: unknown, path = '', out: [string, number][] = []): [string, number][] {
  if (Array.isArray(v)) v.forEach((x, i) => shares(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'number' && /share/i.test(k)) out.push([`${path}.${k}`, x]);
    else shares(x, `${path}.${k}`, out);
  }
  return out;
}

describe('one consistent set of changes', () => {
  it('gives no pattern two tags, nests no tag in another, and tags only entities (a variable part)', () => {
    for (const [name, plan] of plans) {
      const froms = plan.renames.flatMap((r) => r.rules.map((x) => x.from));
      expect(new Set(froms).size, name).toBe(froms.length);
      const tags = plan.renames.map((r) => r.tag);
      for (const t of tags) {
        expect(t, name).toMatch(/<[a-z]+>/);
        for (const u of tags) if (u !== t) expect(u.startsWith(t), `${name}: ${u} inside ${t}`).toBe(false);
      }
      for (const r of plan.renames) for (const rule of r.rules) expect(rule.tag).toBe(r.tag);
    }
  });

  it('merges a nested entity into the outer one when their keys are used together', () => {
    const account = plans.get('shop')!.renames.find((r) => r.tag === 'account:<id>')!;
    expect(account.rules.map((r) => [r.from, r.to])).toEqual([
      ['account:<id>:balance', '{account:<id>}:balance'],
      ['account:<id>:balance:backup', '{account:<id>}:balance:backup'],
      ['account:<id>:ledger', '{account:<id>}:ledger'],
    ]);
    expect(plans.get('shop')!.renames).toHaveLength(1);
  });

  it('treats a fixed-words prefix as a coarse tag with its full cost, never as an entity tag', () => {
    const plan = plans.get('shop')!;
    expect(plan.renames.some((r) => r.tag.startsWith('cache'))).toBe(false);
    const cache = plan.unfixable.find((u) => u.patterns.includes('cache:page:home'))!;
    expect(cache.shape).toBe('read fan-out');
    expect(cache.coarse?.tag).toBe('cache:page');
    const cacheOps = plan.patterns.filter((p) => p.pattern.startsWith('cache:page:')).reduce((t, p) => t + p.opsShare, 0);
    expect(cache.coarse!.opsShare).toBeCloseTo(cacheOps, 9);
    expect(cache.slotsPerCall).toEqual({ mean: 4, max: 4 });
  });

  it('flags naming conventions that would split one user over three slots', () => {
    const clash = plans.get('shop')!.conventions.find((c) => c.word === 'user')!;
    expect(clash.forms.map((f) => f.form)).toEqual(['user:<id>', 'user:{<id>}', '{user<id>}']);
  });

  it('owes every fixed occurrence to exactly one change, as the second pass counts them', () => {
    for (const [name, plan] of plans) {
      const { before, after, fixed, broken, unattributed } = plan.predicted;
      for (const k of ['commands', 'transactions', 'scripts'] as const) {
        const owed = [...plan.renames, ...plan.clientChanges].reduce((t, c) => t + c.fixes[k], 0);
        expect(owed + unattributed[k], `${name} ${k}`).toBe(fixed[k]);
        expect(before[k] - fixed[k] + broken[k], `${name} ${k}`).toBe(after[k]);
      }
    }
    // The transactions of a balance and its ledger are all fixed by {user:<id>}, and only by it.
    const app = plans.get('app')!;
    expect(app.renames.find((r) => r.tag === 'user:<id>')!.fixes.transactions).toBe(app.predicted.before.transactions);
  });

  it('keeps every share at most 100%, over every sample', () => {
    for (const [name, plan] of plans) {
      const all = shares(plan);
      expect(all.length, name).toBeGreaterThan(0);
      for (const [path, x] of all) {
        expect(x, `${name}${path}`).toBeGreaterThanOrEqual(0);
        expect(x, `${name}${path}`).toBeLessThanOrEqual(1 + 1e-12);
      }
    }
  });

  it("costs a coarse tag by all traffic to its patterns, not by the cross-slot calls alone", () => {
    const app = plans.get('app')!;
    const product = app.unfixable.find((u) => u.command === 'mget')!;
    const pattern = app.patterns.find((p) => p.pattern === 'product:<id>')!;
    expect(product.coarse!.opsShare).toBeCloseTo(pattern.opsShare, 9);
    expect(product.coarse!.opsShare).toBeGreaterThan(0.1); // the 11.8%, not "at least 4.4%"
  });

  it('measures a tag\'s hotspot over all ops after the changes', () => {
    const q = plans.get('queues')!.clientChanges[0];
    // One prefix for every queue: all their key operations land in one slot, and nothing else ran.
    expect(q.hotspot.opsShare).toBe(1);
    const user = plans.get('app')!.renames.find((r) => r.tag === 'user:<id>')!;
    expect(user.hotspot.entity).toMatch(/^\{user:\d+\}$/);
    expect(user.hotspot.opsShare).toBeGreaterThan(0);
    expect(user.hotspot.opsShare).toBeLessThan(0.05);
  });
});

describe('library-managed keys', () => {
  it('proposes BullMQ\'s prefix setting for queues that flows link, and no renames of its keys', () => {
    const plan = plans.get('queues')!;
    expect(plan.renames).toEqual([]);
    expect(plan.unfixable).toEqual([]);
    expect(plan.clientChanges).toHaveLength(1);
    const c = plan.clientChanges[0];
    expect([c.kind, c.library, c.from, c.to, c.option]).toEqual(['prefix', 'bullmq', 'bull:', '{bull}:', "prefix: '{bull}'"]);
    expect(c.queues).toEqual(['emails', 'orders']);
    for (const o of ['Queue', 'Worker', 'QueueEvents', 'FlowProducer']) expect(c.objects).toContain(o);
    expect(c.snippet).toContain("new FlowProducer({ connection, prefix })");
    expect(c.procedure.join(' ')).toMatch(/Do not rename the existing keys/);
    expect(c.evidence.join(' ')).toMatch(/CLIENT SETNAME bull:b3JkZXJz/);
    expect(plan.predicted.after).toEqual({ commands: 0, transactions: 0, scripts: 0 });
    expect(plan.predicted.before.scripts).toBeGreaterThan(10);
  });

  it('in an app capture, shows the queue as a client change, never as a rename and "not fixable" at once', () => {
    const plan = plans.get('app')!;
    expect(plan.clientChanges.map((c) => c.from)).toEqual(['bull:']);
    expect(plan.renames.flatMap((r) => r.rules).some((r) => r.from.startsWith('bull:'))).toBe(false);
    expect(plan.unfixable.some((u) => u.patterns.some((p) => p.startsWith('bull:')))).toBe(false);
  });
});

describe('advice by shape', () => {
  it('never offers to split an atomic transfer, and says what keeps it whole with measured figures', () => {
    const plan = plans.get('shop')!;
    const transfer = plan.unfixable.find((u) => u.kind === 'transaction')!;
    expect(transfer.shape).toBe('atomic multi-entity write');
    const text = transfer.alternatives.join(' ');
    expect(text).not.toMatch(/Fan out/);
    expect(text).toMatch(/loses atomicity/);
    expect(text).toMatch(/coarse tag \{account\}: .* carries \d+\.\d% of all key operations/);
    expect(text).toMatch(/saga/);
  });

  it('tells a hard-coded key from one built from an ARGV prefix', () => {
    const plan = plans.get('shop')!;
    const audit = plan.unfixable.find((u) => u.patterns.includes('audit:counter'))!;
    expect(audit.alternatives[0]).toMatch(/names `audit:counter` in its body: pass it in KEYS/);
    const stats = plan.unfixable.find((u) => u.patterns.includes('stats:hits'))!;
    expect(stats.alternatives[0]).toMatch(/builds `stats:hits` from a prefix argument: give it a hash-tagged prefix/);
  });

  it('names the client helpers for a read fan-out and its cost in requests', () => {
    const mget = plans.get('app')!.unfixable.find((u) => u.command === 'mget')!;
    const text = mget.alternatives.join(' ');
    expect(text).toMatch(/mget_nonatomic/);
    expect(text).toMatch(/ioredis Cluster has none/);
    expect(text).toContain(`${mget.slotsPerCall!.mean.toFixed(1)} requests instead of one`);
  });
});

describe('the runbook', () => {
  it('orders client changes, renames, db merge, layout and cut-over, each with a check', () => {
    const titles = plans.get('app')!.runbook.map((s) => s.title);
    expect(titles).toEqual(['Client and code changes', 'Data renames', 'Merge dbs into db 0', 'Layout', 'Cut-over']);
    for (const s of plans.get('app')!.runbook) expect(s.check).toMatch(/slotscope|redis-cli/);
    const renames = plans.get('app')!.runbook[1].actions;
    expect(renames).toHaveLength(1); // db 1 holds no renamed pattern
    expect(renames[0]).toMatch(/^db 0: .*--rename-map/);
  });
});

describe('the planner as a pipeline', () => {
  it('has no import cycle in src/plan', () => {
    const dir = 'src/plan';
    const deps = new Map<string, string[]>();
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      const src = readFileSync(join(dir, f), 'utf8');
      deps.set(f.replace(/\.ts$/, ''), [...src.matchAll(/from '\.\/([^']+)\.js'/g)].map((m) => m[1]));
    }
    const state = new Map<string, number>();
    const visit = (m: string, trail: string[]): void => {
      if (state.get(m) === 2) return;
      expect(state.get(m), `cycle: ${[...trail, m].join(' -> ')}`).not.toBe(1);
      state.set(m, 1);
      for (const d of deps.get(m) ?? []) visit(d, [...trail, m]);
      state.set(m, 2);
    };
    for (const m of deps.keys()) visit(m, []);
  });
});
