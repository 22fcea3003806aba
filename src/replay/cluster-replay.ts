// Replays a MONITOR capture against a real cluster: every client command, per client connection and in
// capture order, sent to the primary that owns its first key's slot, as a cluster client would. MULTI
// blocks go to the node of their first keyed command. What the cluster answers is recorded per line and
// per transaction, so an analysis can be checked against real Redis rather than against itself.
import { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { ArgList } from '../commands/args.js';
import { type CommandInfo, CommandTable } from '../commands/command-table.js';
import { ClientKind, type MonitorRecord } from '../ingest/monitor-parser.js';
import { type InputSpec, readInput } from '../ingest/read-input.js';
import type { RecordSink } from '../ingest/records.js';
import { slotOfRange } from '../slot/key-slot.js';
import type { ClusterTopology } from './cluster-topology.js';
import { clientOptions } from '../live/redis-url.js';

/** What the cluster answered: ok, or the first word of its error (CROSSSLOT, MOVED, EXECABORT, ...). */
export type ReplyKind = string;

export interface ReplayedCommand {
  node: string;
  line: number;
  reply: ReplyKind;
  message?: string;
}

export interface ReplayedTransaction {
  node: string;
  client: string;
  multiLine: number;
  execLine: number;
  /** The cluster refused it for its slots: CROSSSLOT at EXEC, or MOVED/ASK/CROSSSLOT for a queued command. */
  crossSlot: boolean;
  execReply: ReplyKind;
}

export interface ReplayResult {
  commands: ReplayedCommand[];
  transactions: ReplayedTransaction[];
  skipped: number;
}

interface Captured {
  node: string;
  line: number;
  client: string;
  args: Buffer[];
}

/** Connection-level commands: replaying them would change the replaying connection, not test routing. */
const SKIP = new Set(['hello', 'auth', 'select', 'client', 'quit', 'reset', 'readonly', 'readwrite', 'subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe', 'monitor', 'sync', 'psync', 'replconf', 'shutdown', 'debug', 'config']);
/** A blocking command that would really block is given up after this long: it was routed, not refused. */
const BLOCK_WAIT_MS = 300;

class ClientConnections {
  private readonly conns = new Map<number, Redis>();
  constructor(private readonly topology: ClusterTopology) {}

  get(primary: number): Redis {
    let c = this.conns.get(primary);
    if (!c) {
      // Connects at once and queues until ready: the replay awaits each reply anyway.
      c = new Redis({ ...clientOptions(this.topology.endpoint, this.topology.primaries[primary]), lazyConnect: false, enableOfflineQueue: true, maxRetriesPerRequest: 0 });
      c.on('error', () => {});
      this.conns.set(primary, c);
    }
    return c;
  }

  drop(primary: number): void {
    this.conns.get(primary)?.disconnect();
    this.conns.delete(primary);
  }

  close(): void {
    for (const c of this.conns.values()) c.disconnect();
  }
}

function replyKind(err: unknown): { reply: ReplyKind; message: string } {
  const message = err instanceof Error ? err.message : String(err);
  return { reply: message.split(/\s/)[0] || 'ERR', message };
}

async function send(conn: Redis, args: Buffer[], blocking: boolean): Promise<{ reply: ReplyKind; message?: string; value?: unknown }> {
  const call = conn.call(args[0].toString('latin1'), ...args.slice(1)).then(
    (value) => ({ reply: 'ok', value }),
    (err: unknown) => replyKind(err),
  );
  if (!blocking) return call;
  const timeout = new Promise<{ reply: ReplyKind }>((resolve) => setTimeout(() => resolve({ reply: 'blocked' }), BLOCK_WAIT_MS));
  return Promise.race([call, timeout]);
}

async function readCapture(spec: InputSpec): Promise<Captured[]> {
  const out: Captured[] = [];
  const sink: RecordSink = {
    command(rec: MonitorRecord, node: string) {
      if (rec.clientKind === ClientKind.Lua) return;
      const args: Buffer[] = [];
      for (let i = 0; i < rec.argc; i++) args.push(Buffer.from(rec.buf.subarray(rec.start[i], rec.end[i])));
      out.push({ node, line: rec.lineNo, client: rec.clientAddress(), args });
    },
    key() {},
  };
  await readInput(spec, sink);
  return out;
}

interface TxState {
  multiLine: number;
  target: number;
  pending: Captured[];
  refused: boolean;
}

export interface ReplayOptions {
  table?: CommandTable;
  /** A key's new name (latin1), or null to keep it: how a plan's renames are replayed. */
  renameKey?: (key: string) => string | null;
  /** Every argument after the renames: how a plan's client prefix changes are replayed (PrefixRewriter). */
  rewriteArg?: (arg: Buffer) => Buffer;
}

export async function replayCapture(spec: InputSpec, topology: ClusterTopology, options: ReplayOptions = {}): Promise<ReplayResult> {
  const table = options.table ?? new CommandTable();
  const captured = await readCapture(spec);
  const result: ReplayResult = { commands: [], transactions: [], skipped: 0 };
  const clients = new Map<string, ClientConnections>();
  const txs = new Map<string, TxState>();
  const bodies = new Map<string, Buffer>(); // EVALSHA -> body seen in an EVAL, so the cluster need not know it
  const keyIdx = new Int32Array(1024);
  const view = new ArgList();

  /** The command args name and how many keys it has; their indexes land in keyIdx, the bytes in view. */
  const keysOf = (args: Buffer[]): { cmd: CommandInfo | undefined; n: number } => {
    view.buf = Buffer.concat(args);
    view.argc = 0;
    let off = 0;
    for (const a of args) {
      view.push(off, off + a.length);
      off += a.length;
    }
    const cmd = table.lookup(view);
    return { cmd, n: cmd ? cmd.getKeys(view, keyIdx) : 0 };
  };
  const lookup = (args: Buffer[]): { cmd: CommandInfo | undefined; firstSlot: number } => {
    const { cmd, n } = keysOf(args);
    return { cmd, firstSlot: n > 0 ? slotOfRange(view.buf, view.start[keyIdx[0]], view.end[keyIdx[0]]) : -1 };
  };
  /** A queued command refused for its slot dooms the transaction (EXECABORT). */
  const queued = (tx: TxState, r: ReplayedCommand): ReplayedCommand => {
    if (['MOVED', 'ASK', 'CROSSSLOT'].includes(r.reply)) tx.refused = true;
    return r;
  };
  const targetOf = (slot: number): number => (slot >= 0 && topology.owner[slot] >= 0 ? topology.owner[slot] : 0);

  const run = async (conns: ClientConnections, c: Captured, primary: number, cmd: CommandInfo | undefined): Promise<{ reply: ReplyKind; message?: string }> => {
    let args = c.args;
    const name = cmd?.name ?? '';
    if (name === 'eval' || name === 'eval_ro') bodies.set(createHash('sha1').update(args[1]).digest('hex'), args[1]);
    if ((name === 'evalsha' || name === 'evalsha_ro') && bodies.has(args[1].toString('latin1').toLowerCase())) {
      args = [Buffer.from(name === 'evalsha' ? 'EVAL' : 'EVAL_RO'), bodies.get(args[1].toString('latin1').toLowerCase())!, ...args.slice(2)];
    }
    const blocking = cmd?.def.flags.includes('blocking') ?? false;
    const r = await send(conns.get(primary), args, blocking);
    if (r.reply === 'blocked') conns.drop(primary); // the connection is still waiting: start afresh
    return r;
  };

  /** The command with its key arguments renamed. */
  const renamed = (original: Buffer[]): Buffer[] => {
    const rewrite = options.rewriteArg;
    const args = rewrite ? original.map((a) => rewrite(a)) : original;
    if (!options.renameKey) return args;
    const { n } = keysOf(args);
    if (n === 0) return args;
    const out = [...args];
    for (let k = 0; k < n; k++) {
      const to = options.renameKey(args[keyIdx[k]].toString('latin1'));
      if (to !== null) out[keyIdx[k]] = Buffer.from(to, 'latin1');
    }
    return out;
  };

  try {
    for (const original of captured) {
      const c = { ...original, args: renamed(original.args) };
      const { cmd, firstSlot } = lookup(c.args);
      const name = cmd?.name ?? c.args[0].toString('latin1').toLowerCase();
      if (SKIP.has(name.split('|')[0])) {
        result.skipped++;
        continue;
      }
      const clientId = `${c.node}\u0000${c.client}`;
      let conns = clients.get(clientId);
      if (!conns) {
        conns = new ClientConnections(topology);
        clients.set(clientId, conns);
      }
      const tx = txs.get(clientId);

      if (name === 'multi') {
        txs.set(clientId, { multiLine: c.line, target: -1, pending: [], refused: false });
        continue;
      }
      if (tx && name !== 'exec' && name !== 'discard') {
        // Queued: the block goes to the node of its first keyed command; keyless ones wait for it.
        if (tx.target < 0) {
          tx.pending.push(c);
          if (firstSlot < 0) continue;
          tx.target = targetOf(firstSlot);
          await conns.get(tx.target).call('MULTI');
          for (const p of tx.pending) result.commands.push(queued(tx, { node: p.node, line: p.line, ...(await run(conns, p, tx.target, lookup(p.args).cmd)) }));
          tx.pending = [];
        } else result.commands.push(queued(tx, { node: c.node, line: c.line, ...(await run(conns, c, tx.target, cmd)) }));
        continue;
      }
      if (tx && (name === 'exec' || name === 'discard')) {
        txs.delete(clientId);
        if (tx.target < 0) {
          // No keyed command: any node will do.
          tx.target = 0;
          await conns.get(0).call('MULTI');
          for (const p of tx.pending) result.commands.push(queued(tx, { node: p.node, line: p.line, ...(await run(conns, p, 0, lookup(p.args).cmd)) }));
        }
        const r = await send(conns.get(tx.target), [Buffer.from(name.toUpperCase())], false);
        if (name === 'exec') {
          const crossSlot = tx.refused || r.reply === 'CROSSSLOT';
          result.transactions.push({ node: c.node, client: c.client, multiLine: tx.multiLine, execLine: c.line, crossSlot, execReply: r.reply });
        }
        continue;
      }
      const r = await run(conns, c, targetOf(firstSlot), cmd);
      result.commands.push({ node: c.node, line: c.line, ...r });
    }
  } finally {
    for (const conns of clients.values()) conns.close();
  }
  return result;
}

