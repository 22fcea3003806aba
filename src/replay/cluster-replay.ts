// Replays a MONITOR capture against a real cluster: every client command replay-policy.ts allows, per
// client connection and in capture order, sent to the primary that owns its first key's slot, as a cluster
// client would; what it does not send is counted by command name. MULTI blocks go to the node of their
// first keyed command. What the cluster answers is recorded per line and per transaction, so an analysis
// can be checked against real Redis rather than against itself.
import { Redis, ReplyError } from 'ioredis';
import type { CommandTable } from '../commands/command-table.js';
import type { InputSpec } from '../ingest/read-input.js';
import { InputError } from '../ingest/input-error.js';
import { address, clientOptions } from '../live/connection-endpoint.js';
import { refusal } from '../live/refusal.js';
import { keySlot } from '../slot/key-slot.js';
import { type ClusterTopology, targetOf } from './cluster-topology.js';
import { readReplayStream, type ReplayStream, type StreamChanges, type StreamCommand } from './replay-stream.js';

/** What the cluster answered: ok, or the first word of its error (CROSSSLOT, MOVED, EXECABORT, ...). */
export type ReplyKind = string;

export interface ReplayedCommand {
  node: string;
  line: number;
  reply: ReplyKind;
  message?: string;
  /** Sent inside MULTI, to the block's node rather than its own. */
  queued?: true;
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
  /** Client commands not sent (replay-policy.ts), by command name. */
  notReplayed: Record<string, number>;
}

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

/** Not an answer from Redis (a connection that broke, a node that went away): the line was never judged. */
export const NO_REPLY = 'NOREPLY';

function replyKind(err: unknown): { reply: ReplyKind; message: string } {
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof ReplyError)) return { reply: NO_REPLY, message };
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

interface TxState {
  multiLine: number;
  target: number;
  pending: StreamCommand[];
  /** The queued commands' records, in the order EXEC answers them. */
  sent: ReplayedCommand[];
  refused: boolean;
}

export interface ReplayOptions extends StreamChanges {
  table?: CommandTable;
}

/** Reads a capture (replay-stream.ts) and replays it. */
export async function replayCapture(spec: InputSpec, topology: ClusterTopology, options: ReplayOptions = {}): Promise<ReplayResult> {
  const stream = await readReplayStream([spec], options, options.table);
  return replayStream(stream, topology);
}

/** `onCommand` is told how many commands were sent before each one is (for progress). */
export async function replayStream(stream: ReplayStream, topology: ClusterTopology, onCommand?: (sent: number) => void): Promise<ReplayResult> {
  const result: ReplayResult = { commands: [], transactions: [], notReplayed: Object.fromEntries(stream.notReplayed) };
  const clients = new Map<string, ClientConnections>();
  const txs = new Map<string, TxState>();

  const firstSlot = (c: StreamCommand): number => (c.keys.length > 0 ? keySlot(c.args[c.keys[0]]) : -1);
  /** Records a queued command; one refused for its slot dooms the transaction (EXECABORT). */
  const queued = (tx: TxState, r: ReplayedCommand): ReplayedCommand => {
    if (['MOVED', 'ASK', 'CROSSSLOT'].includes(r.reply)) tx.refused = true;
    r.queued = true;
    tx.sent.push(r);
    return r;
  };

  const run = async (conns: ClientConnections, c: StreamCommand, primary: number): Promise<ReplayedCommand> => {
    const blocking = c.cmd?.def.flags.includes('blocking') ?? false;
    const r = await send(conns.get(primary), c.args, blocking);
    // The cluster's ACL refusing the user is no answer about slots: every later line would differ for it.
    if (r.reply === 'NOPERM') throw new InputError(`${address(topology.primaries[primary])}: ${refusal(topology.endpoint, r.message ?? '') ?? r.message}`);
    if (r.reply === 'blocked') conns.drop(primary); // the connection is still waiting: start afresh
    return { node: c.node, line: c.line, reply: r.reply, ...(r.message === undefined ? {} : { message: r.message }) };
  };

  try {
    let sent = 0;
    for (const c of stream.commands) {
      if (!c.replayed) continue;
      onCommand?.(sent++);
      const name = c.cmd!.name;
      const clientId = `${c.node}\u0000${c.client}`;
      let conns = clients.get(clientId);
      if (!conns) {
        conns = new ClientConnections(topology);
        clients.set(clientId, conns);
      }
      const tx = txs.get(clientId);

      if (name === 'multi') {
        txs.set(clientId, { multiLine: c.line, target: -1, pending: [], sent: [], refused: false });
        continue;
      }
      if (tx && name !== 'exec' && name !== 'discard') {
        // Queued: the block goes to the node of its first keyed command; keyless ones wait for it.
        if (tx.target < 0) {
          tx.pending.push(c);
          const slot = firstSlot(c);
          if (slot < 0) continue;
          tx.target = targetOf(topology, slot);
          await conns.get(tx.target).call('MULTI');
          for (const p of tx.pending) result.commands.push(queued(tx, await run(conns, p, tx.target)));
          tx.pending = [];
        } else result.commands.push(queued(tx, await run(conns, c, tx.target)));
        continue;
      }
      if (tx && (name === 'exec' || name === 'discard')) {
        txs.delete(clientId);
        if (tx.target < 0) {
          // No keyed command: any node will do.
          tx.target = 0;
          await conns.get(0).call('MULTI');
          for (const p of tx.pending) result.commands.push(queued(tx, await run(conns, p, 0)));
        }
        const r = await send(conns.get(tx.target), [Buffer.from(name)], false);
        // A queued command's own answer comes in EXEC's reply (a script failing at run time, say).
        if (Array.isArray(r.value) && r.value.length === tx.sent.length) {
          r.value.forEach((v: unknown, i) => {
            if (v instanceof Error) Object.assign(tx.sent[i], replyKind(v));
          });
        }
        if (name === 'exec') {
          const crossSlot = tx.refused || r.reply === 'CROSSSLOT';
          result.transactions.push({ node: c.node, client: c.client, multiLine: tx.multiLine, execLine: c.line, crossSlot, execReply: r.reply });
        }
        continue;
      }
      if (name === 'function|load') {
        // A function must be known on every primary an FCALL may be routed to; node 0's answer is the line's.
        for (let p = topology.primaries.length - 1; p > 0; p--) await run(conns, c, p);
      }
      result.commands.push(await run(conns, c, targetOf(topology, firstSlot(c))));
    }
  } finally {
    for (const conns of clients.values()) conns.close();
  }
  return result;
}
