// Per-slot load for the layout, from the analyzer's keyed events: the commands scripts run (the `lua`
// lines, which the report's per-slot ops leave out because no client sent them) and, for every slot, its
// busiest keys in a eight-entry Space-Saving sketch, so a hot slot can be named by what makes it hot.
import type { AnalysisObserver, KeyedCommand } from '../analyze/analyzer.js';
import { SLOT_COUNT } from '../slot/key-slot.js';

/** Keys tracked per slot: enough to name what dominates a hot slot, 128k entries in all. */
const KEYS_PER_SLOT = 8;

export interface SlotKey {
  key: string;
  /** Space-Saving's count: exact while the key stayed tracked, otherwise an overestimate. */
  ops: number;
}

export class SlotLoad {
  /** Commands run by scripts, once per slot each touches. */
  readonly scriptOps = new Float64Array(SLOT_COUNT);
  private readonly names: (string | undefined)[] = new Array<string | undefined>(SLOT_COUNT * KEYS_PER_SLOT);
  private readonly counts = new Float64Array(SLOT_COUNT * KEYS_PER_SLOT);
  private readonly lineSlots: number[] = [];

  /** `slotOf` gives a key's slot in the layout being planned (after any renames). */
  constructor(private readonly slotOf: (key: string) => number) {}

  observer(): AnalysisObserver {
    return { keyed: (c) => this.add(c) };
  }

  add(c: KeyedCommand): void {
    const slots = this.lineSlots;
    slots.length = 0;
    for (const key of c.keys) {
      const slot = this.slotOf(key);
      this.countKey(slot, key);
      if (!slots.includes(slot)) slots.push(slot);
    }
    if (c.fromScript) for (const s of slots) this.scriptOps[s]++;
  }

  /** The busiest tracked keys of a slot, busiest first. */
  topKeys(slot: number): SlotKey[] {
    const out: SlotKey[] = [];
    for (let i = slot * KEYS_PER_SLOT; i < (slot + 1) * KEYS_PER_SLOT; i++) {
      const key = this.names[i];
      if (key !== undefined) out.push({ key, ops: this.counts[i] });
    }
    return out.sort((a, b) => b.ops - a.ops || (a.key < b.key ? -1 : 1));
  }

  private countKey(slot: number, key: string): void {
    const base = slot * KEYS_PER_SLOT;
    let min = base;
    for (let i = base; i < base + KEYS_PER_SLOT; i++) {
      const name = this.names[i];
      if (name === key) {
        this.counts[i]++;
        return;
      }
      if (name === undefined) {
        this.names[i] = key;
        this.counts[i] = 1;
        return;
      }
      if (this.counts[i] < this.counts[min]) min = i;
    }
    // Space-Saving: the newcomer takes the smallest counter and its count.
    this.names[min] = key;
    this.counts[min]++;
  }
}
