// MULTI/EXEC blocks, followed per client connection. In MONITOR the `multi` line comes when MULTI runs;
// the queued commands are logged as EXEC runs them, just before the `exec` line; other clients' lines may
// interleave. A block is cross-slot exactly when the keys of all its queued commands span more than one
// slot (what a cluster answers: CROSSSLOT at EXEC, or MOVED for a queued command and EXECABORT).
// WATCH on a key in another slot than the block's is counted with them: a cluster client sends it to
// that slot's node, where it guards nothing, so the block runs only as written while both slots share a
// node. A block ended by DISCARD counts in the total; it never runs, so it is not judged.
import { NO_STRINGS } from './no-strings.js';
import { num } from './state-codec.js';

export interface TransactionEnd {
  node: string;
  multiLine: number;
  execLine: number;
  /** The queued commands' keys span slots: what the cluster refuses. */
  crossSlot: boolean;
  /** WATCHed keys in a slot other than the block's (the block itself being single-slot). */
  watchElsewhere: boolean;
  /** Keys-only renderings of the queued commands, kept while an example is wanted. */
  rendered: readonly string[];
  /** Key samples (latin1), for patterns. */
  keys: readonly string[];
}

/** What the tracker may ask of the line it is fed, built only when asked. */
export interface TxLine {
  /** A keys-only rendering of the command, or null when no example is wanted any more. */
  render(): string | null;
  /** Up to `max` of the command's keys, or none when no one wants key samples any more. */
  keys(max: number): readonly string[];
}

/**
 * One connection's state, pooled: slots and command ids live in typed arrays reused from block to block;
 * a finished block hands its renderings and key samples out and the connection starts new ones.
 */
interface ClientState {
  inMulti: boolean;
  multiLine: number;
  /** Distinct slots of the block's keys: the first slotCount entries. */
  slots: Int32Array;
  slotCount: number;
  /** Ids of the commands queued in the block: the first commandCount entries. */
  commands: Int32Array;
  commandCount: number;
  watchSlots: number[];
  rendered: string[];
  keys: string[];
}

/** Empties an array kept for reuse; setting length is a call into the runtime, so only when needed. */
function clear(a: unknown[]): void {
  if (a.length !== 0) a.length = 0;
}

/** Empties a block's state; arrays handed out are replaced, not emptied (setting length calls the runtime). */
function startBlock(st: ClientState): void {
  st.slotCount = 0;
  st.commandCount = 0;
  if (st.rendered.length > 0) st.rendered = [];
  if (st.keys.length > 0) st.keys = [];
}

/** Appends v to the first count entries of a (grown when full); returns the array. */
function append(a: Int32Array, count: number, v: number): Int32Array {
  if (count === a.length) {
    const grown = new Int32Array(count * 2);
    grown.set(a);
    a = grown;
  }
  a[count] = v;
  return a;
}

function includes(a: Int32Array, count: number, v: number): boolean {
  for (let i = 0; i < count; i++) if (a[i] === v) return true;
  return false;
}

const newState = (): ClientState => ({ inMulti: false, multiLine: 0, slots: new Int32Array(8), slotCount: 0, commands: new Int32Array(8), commandCount: 0, watchSlots: [], rendered: [], keys: [] });

const KEY_SAMPLES = 16;
/** Connections kept after their last block; past this the closed ones are dropped in one sweep. */
const KEEP_CLOSED = 64;

export type TxRole = 'multi' | 'exec' | 'discard' | 'watch' | 'unwatch' | null;

export class TransactionTracker {
  /** By client key: a number naming one connection of one node (clientKey() in analyzer.ts). */
  private readonly clients = new Map<number, ClientState>();
  /** States of dropped connections, for new ones: a capture can show a new connection for every block. */
  private readonly spare: ClientState[] = [];
  /** Clients inside MULTI or holding WATCHed keys: while 0, ordinary lines need no lookup. */
  private open = 0;
  total = 0;
  /** Blocks whose queued commands span slots, and single-slot blocks WATCHing another slot. */
  crossSlot = 0;
  discarded = 0;
  partial = 0;
  /** Per command id: how often it was queued in a cross-slot block. */
  readonly queuedInCrossSlot: Float64Array;

  constructor(commandIds: number) {
    this.queuedInCrossSlot = new Float64Array(commandIds);
  }

  /** Whether a line with this role must be routed through onCommand (saves a hash and a lookup per line otherwise). */
  needsState(role: TxRole): boolean {
    return role !== null || this.open > 0;
  }

  /**
   * Feeds one client command of connection `clientKey`. Returns the finished block on EXEC of a block
   * whose MULTI was seen, 'partial' for an EXEC without one, else null.
   */
  onCommand(node: string, clientKey: number, role: TxRole, line: number, commandId: number, slots: ArrayLike<number>, slotCount: number, tx: TxLine): TransactionEnd | 'partial' | null {
    let st = this.clients.get(clientKey);
    if (!st) {
      if (role === null) return null;
      st = this.spare.pop() ?? newState();
      this.clients.set(clientKey, st);
    }
    const wasOpen = st.inMulti || st.watchSlots.length > 0;
    let result: TransactionEnd | 'partial' | null = null;
    switch (role) {
      case 'multi':
        st.inMulti = true;
        st.multiLine = line;
        // Drops what a block that never reached EXEC left (MULTI again, or after DISCARD).
        startBlock(st);
        break;
      case 'exec':
        if (!st.inMulti) {
          this.partial++;
          result = 'partial';
        } else {
          this.total++;
          const crossSlot = st.slotCount > 1;
          if (crossSlot) {
            this.crossSlot++;
            for (let i = 0; i < st.commandCount; i++) this.queuedInCrossSlot[st.commands[i]]++;
          }
          const watchElsewhere = !crossSlot && st.watchSlots.some((s) => !includes(st!.slots, st!.slotCount, s));
          if (watchElsewhere) this.crossSlot++;
          result = { node, multiLine: st.multiLine, execLine: line, crossSlot, watchElsewhere, rendered: st.rendered.length > 0 ? st.rendered : NO_STRINGS, keys: st.keys.length > 0 ? st.keys : NO_STRINGS };
          startBlock(st);
        }
        st.inMulti = false;
        clear(st.watchSlots);
        break;
      case 'discard':
        if (st.inMulti) {
          this.total++;
          this.discarded++;
        }
        st.inMulti = false;
        clear(st.watchSlots);
        break;
      case 'watch':
        for (let i = 0; i < slotCount; i++) if (!st.watchSlots.includes(slots[i])) st.watchSlots.push(slots[i]);
        break;
      case 'unwatch':
        clear(st.watchSlots);
        break;
      default:
        if (!st.inMulti) break;
        for (let i = 0; i < slotCount; i++) if (!includes(st.slots, st.slotCount, slots[i])) st.slots = append(st.slots, st.slotCount++, slots[i]);
        st.commands = append(st.commands, st.commandCount++, commandId);
        const rendered = tx.render();
        if (rendered !== null) st.rendered.push(rendered);
        if (slotCount > 0 && st.keys.length < KEY_SAMPLES) for (const k of tx.keys(KEY_SAMPLES - st.keys.length)) st.keys.push(k);
    }
    const isOpen = st.inMulti || st.watchSlots.length > 0;
    if (isOpen !== wasOpen) this.open += isOpen ? 1 : -1;
    // Closed connections stay (a block a line would otherwise cost a map insert and delete) up to a bound.
    if (!isOpen && this.clients.size > KEEP_CLOSED + this.open) this.dropClosed();
    return result;
  }

  private dropClosed(): void {
    for (const [key, st] of this.clients) {
      if (st.inMulti || st.watchSlots.length > 0) continue;
      this.clients.delete(key);
      if (this.spare.length < KEEP_CLOSED) this.spare.push(st);
    }
  }

  /** Blocks left open in the summaries merged here: they end with this tracker's input. */
  private carriedOpen = 0;

  /** Blocks still open when the capture ended. */
  openBlocks(): number {
    let n = this.carriedOpen;
    for (const st of this.clients.values()) if (st.inMulti) n++;
    return n;
  }

  /** Counts, and the blocks open at the end (not yet counted partial: a merge counts them once, at its end). */
  toSummary(commandName: (id: number) => string): TransactionsSummary {
    const queued: Record<string, number> = {};
    for (let id = 0; id < this.queuedInCrossSlot.length; id++) if (this.queuedInCrossSlot[id] > 0) queued[commandName(id)] = this.queuedInCrossSlot[id];
    return { total: this.total, crossSlot: this.crossSlot, discarded: this.discarded, partial: this.partial, open: this.openBlocks(), queuedInCrossSlot: queued };
  }

  merge(s: TransactionsSummary, commandId: (name: string) => number): void {
    this.total += num(s.total, 'transactions');
    this.crossSlot += num(s.crossSlot, 'transactions');
    this.discarded += num(s.discarded, 'transactions');
    this.partial += num(s.partial, 'transactions');
    this.carriedOpen += num(s.open, 'transactions');
    for (const [name, n] of Object.entries(s.queuedInCrossSlot ?? {})) this.queuedInCrossSlot[commandId(name)] += num(n, 'transactions');
  }
}

export interface TransactionsSummary {
  total: number;
  crossSlot: number;
  discarded: number;
  partial: number;
  /** MULTI blocks still open at the end of the summary's inputs. */
  open: number;
  queuedInCrossSlot: Record<string, number>;
}
