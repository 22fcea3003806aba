// MULTI/EXEC blocks, followed per client connection. In MONITOR the `multi` line comes when MULTI runs;
// the queued commands are logged as EXEC runs them, just before the `exec` line; other clients' lines may
// interleave. A block is cross-slot exactly when the keys of all its queued commands span more than one
// slot (what a cluster answers: CROSSSLOT at EXEC, or MOVED for a queued command and EXECABORT).

export interface TransactionEnd {
  node: string;
  multiLine: number;
  execLine: number;
  crossSlot: boolean;
  /** WATCHed keys in a slot other than the block's (the block itself being single-slot). */
  watchElsewhere: boolean;
  /** Command ids queued in the block. */
  commands: number[];
  /** Keys-only renderings of the queued commands, kept while an example is wanted. */
  rendered: string[];
  /** Key samples (latin1), for patterns. */
  keys: string[];
}

/** What the tracker may ask of the line it is fed, built only when asked. */
export interface TxLine {
  /** A keys-only rendering of the command, or null when no example is wanted any more. */
  render(): string | null;
  /** Up to `max` of the command's keys, or none when no one wants key samples any more. */
  keys(max: number): string[];
}

/** One connection's state. A finished block hands its arrays out and the connection starts new ones. */
interface ClientState {
  inMulti: boolean;
  multiLine: number;
  slots: number[];
  watchSlots: number[];
  commands: number[];
  rendered: string[];
  keys: string[];
}

/** Empties an array kept for reuse; setting length is a call into the runtime, so only when needed. */
function clear(a: unknown[]): void {
  if (a.length !== 0) a.length = 0;
}

/** Fresh arrays for the next block: cheaper than emptying the old ones (setting length calls the runtime). */
function startBlock(st: ClientState): void {
  st.slots = [];
  st.commands = [];
  st.rendered = [];
  st.keys = [];
}

const newState = (): ClientState => ({ inMulti: false, multiLine: 0, slots: [], watchSlots: [], commands: [], rendered: [], keys: [] });

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
  crossSlot = 0;
  partial = 0;

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
        // Left over only by a block that never reached EXEC (MULTI again, DISCARD).
        if (st.slots.length + st.commands.length + st.rendered.length + st.keys.length > 0) startBlock(st);
        break;
      case 'exec':
        if (!st.inMulti) {
          this.partial++;
          result = 'partial';
        } else {
          this.total++;
          const crossSlot = st.slots.length > 1;
          if (crossSlot) this.crossSlot++;
          const watchElsewhere = !crossSlot && st.watchSlots.some((s) => !st!.slots.includes(s));
          result = { node, multiLine: st.multiLine, execLine: line, crossSlot, watchElsewhere, commands: st.commands, rendered: st.rendered, keys: st.keys };
          startBlock(st);
        }
        st.inMulti = false;
        clear(st.watchSlots);
        break;
      case 'discard':
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
        for (let i = 0; i < slotCount; i++) if (!st.slots.includes(slots[i])) st.slots.push(slots[i]);
        st.commands.push(commandId);
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

  /** Blocks still open when the capture ended. */
  openBlocks(): number {
    let n = 0;
    for (const st of this.clients.values()) if (st.inMulti) n++;
    return n;
  }
}
