// The number Redis 8's own check would reach on a standalone server with
// `cluster-compatibility-sample-ratio 100`: INFO's `cluster_incompatible_ops` (redis #13846). One number,
// counted as the server counts it, so a team can compare it with what their server reports; slotscope's
// findings name the same operations (and more: Redis 8 does not count undeclared keys that share the
// script's slot, nor WATCH in another slot, nor MOVE to the same db).
import type { ScriptCallEnd } from './scripts.js';

export class Redis8Compat {
  ops = 0;

  /**
   * processCommand() samples every command with keys (or EXEC) before it runs or is queued, and counts it
   * when areCommandKeysInSameSlot() finds keys in two slots: a client command whose keys (EVAL's
   * declared keys, sharded pub/sub's channels) span slots, also when queued in MULTI.
   */
  crossSlotCommand(): void {
    this.ops++;
  }

  /** The same check on EXEC walks every queued command: once per EXEC whose block spans slots. */
  exec(crossSlot: boolean): void {
    if (crossSlot) this.ops++;
  }

  // SELECT, SWAPDB, MOVE and COPY are counted by the commands themselves; tests/unit/other.tcl's "Cross DB
  // command is incompatible with cluster mode" pins what each counts.

  /** SELECT of any db but 0. */
  select(db: number): void {
    if (db !== 0) this.ops++;
  }

  /** Every SWAPDB. */
  swapdb(): void {
    this.ops++;
  }

  /** MOVE, and COPY ... DB n: a destination db other than the current one. */
  otherDb(destination: number, current: number): void {
    if (destination !== current) this.ops++;
  }

  /** sortCommandGeneric(): each BY or GET pattern whose slot differs from the key's (sort-patterns.ts). */
  sortPatterns(n: number): void {
    this.ops += n;
  }

  /**
   * A script call, past its EVAL/FCALL line (counted above when its declared keys span slots, which also
   * ends the checking of the call: cluster_compatibility_check_slot = -2). scriptPrepareForRun() counts a
   * no-cluster script or function; scriptCheckClusterCompatibility() then counts the call once when one
   * of its commands spans slots, or, without allow-cross-slot-keys (a function or a `#!` script; a body
   * without shebang is allowed), when a command's slot differs from the slot of the keys before it.
   */
  scriptCall(end: ScriptCallEnd): void {
    if (end.noCluster) this.ops++;
    if (end.declaredCrossSlot) return;
    if (end.commandCrossSlot || (end.strict && end.slots.length > 1)) this.ops++;
  }
}
