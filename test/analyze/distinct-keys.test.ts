import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DistinctKeys } from '../../src/analyze/distinct-keys.js';
import { Fingerprint, hashBytes64 } from '../../src/analyze/key-hash.js';
import { typedFrom } from '../../src/analyze/state-codec.js';
import { slotOfRange } from '../../src/slot/key-slot.js';

/** Counts keys through the batch queue, or at once where `now[i]` says so (add() counts the queue first). */
function feed(d: DistinctKeys, keys: Buffer[], nodes: number[], now: boolean[] = []): void {
  // One arena, as the pipeline sees keys: ranges of a shared buffer.
  const arena = Buffer.concat(keys);
  let off = 0;
  keys.forEach((k, i) => {
    const slot = slotOfRange(arena, off, off + k.length);
    const high = hashBytes64(arena, off, off + k.length);
    if (now[i]) d.add(high, Fingerprint.low, slot, nodes[i]);
    else d.queue(high, Fingerprint.low, slot, nodes[i]);
    off += k.length;
  });
}

/** A set's keys (fingerprint) and values, from its summary: the table's order depends on insertion order. */
function valueByKey(d: DistinctKeys): Map<string, number> {
  const s = d.toSummary();
  const e = typedFrom(s.entries, Int32Array, 'entries');
  const v = typedFrom(s.values, Float64Array, 'values');
  return new Map(Array.from(v, (n, i) => [`${e[4 * i]}:${e[4 * i + 1]}`, n]));
}

describe('DistinctKeys', () => {
  it('counts a key fingerprinted (0, 0), the mark of an empty entry, once, and through a summary', () => {
    const d = new DistinctKeys({ maxExactKeys: 10, precision: 9 });
    expect(d.add(0, 0, 7, 0)).toBe(true);
    expect(d.add(0, 0, 7, 0)).toBe(false);
    expect(d.add(0, 0, 7, 1)).toBe(false);
    expect([d.inSlot(7), d.inSlot(7, 0), d.inSlot(7, 1)]).toEqual([1, 1, 1]);
    const merged = new DistinctKeys({ maxExactKeys: 10, precision: 9 });
    merged.merge(d.toSummary(), { to: [0, 1], spill: () => null, plain: -1 });
    expect([merged.inSlot(7), merged.inSlot(7, 1)]).toEqual([1, 1]);
  });

  it('counts exactly like a Set, per slot and per node, below the bound', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 12 }), fc.integer({ min: -1, max: 31 }), fc.boolean()), { maxLength: 600, size: 'max' }), (entries) => {
        const d = new DistinctKeys({ maxExactKeys: 10_000, precision: 9 });
        const keys = entries.map(([k]) => Buffer.from(k));
        feed(d, keys, entries.map(([, n]) => n), entries.map(([, , now]) => now));
        const all = new Map<string, number>();
        const perNode = new Map<number, Map<string, number>>();
        for (const [i, k] of keys.entries()) {
          const hex = k.toString('hex');
          const slot = slotOfRange(k, 0, k.length);
          all.set(hex, slot);
          const node = entries[i][1];
          if (node >= 0) (perNode.get(node) ?? perNode.set(node, new Map()).get(node)!).set(hex, slot);
        }
        const slots = new Set(all.values());
        for (const s of slots) expect(d.inSlot(s)).toBe([...all.values()].filter((v) => v === s).length);
        for (const [node, m] of perNode) for (const s of new Set(m.values())) expect(d.inSlot(s, node)).toBe([...m.values()].filter((v) => v === s).length);
        expect(d.exact).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('switches to per-slot sketches past the bound and stays within a few percent', () => {
    const d = new DistinctKeys({ maxExactKeys: 5_000, precision: 9 });
    const keys = Array.from({ length: 60_000 }, (_, i) => Buffer.from(`{tag${i % 8}}:user:${i}`));
    feed(d, keys, keys.map(() => 0));
    feed(d, keys.slice(0, 20_000), keys.slice(0, 20_000).map(() => 1)); // repeats add nothing overall
    expect(d.exact).toBe(false);
    let total = 0;
    let node0 = 0;
    let node1 = 0;
    for (let s = 0; s < 16384; s++) {
      total += d.inSlot(s);
      node0 += d.inSlot(s, 0);
      node1 += d.inSlot(s, 1);
    }
    expect(Math.abs(total - 60_000) / 60_000).toBeLessThan(0.05);
    expect(Math.abs(node0 - 60_000) / 60_000).toBeLessThan(0.05);
    expect(Math.abs(node1 - 20_000) / 20_000).toBeLessThan(0.05);
  });

  it('keeps the first value of each key, and a merge hears of the keys new to it with their values: one run over both parts', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3000), fc.nat(1e6)), { maxLength: 6000 }), fc.nat(6000), (listings, cut) => {
        const print = (k: number): [number, number, number] => {
          const b = Buffer.from(`key:${k}`);
          return [hashBytes64(b, 0, b.length), Fingerprint.low, slotOfRange(b, 0, b.length)];
        };
        const part = (ls: typeof listings): { set: DistinctKeys; bytes: number } => {
          const set = new DistinctKeys({ maxExactKeys: 10_000, precision: 9 }, true);
          let bytes = 0;
          for (const [k, n] of ls) if (set.add(...print(k), -1, n)) bytes += n;
          return { set, bytes };
        };
        const whole = part(listings);
        const [a, b] = [part(listings.slice(0, cut)), part(listings.slice(cut))];
        const merged = new DistinctKeys({ maxExactKeys: 10_000, precision: 9 }, true);
        let bytes = 0;
        for (const p of [a, b]) merged.merge(structuredClone(p.set.toSummary()), undefined, (_slot, n) => (bytes += n));
        expect(bytes).toBe(whole.bytes);
        expect(valueByKey(merged)).toEqual(valueByKey(whole.set));
        const first = new Map<number, number>();
        for (const [k, n] of listings) if (!first.has(k)) first.set(k, n);
        expect(whole.bytes).toBe([...first.values()].reduce((t, n) => t + n, 0));
      }),
      { numRuns: 50 },
    );
  });
});

describe('hashBytes64', () => {
  it("gives a brace-free key's slot from the same pass, exactly as the slot core, and -1 for a key with '{'", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 20 }), (keys) => {
        // Several keys in one buffer (the pipeline's form, four bytes a load) and each alone (byte by byte).
        const arena = Buffer.concat(keys);
        let off = 0;
        for (const k of keys) {
          for (const [buf, start] of [[arena, off], [Buffer.from(k), 0]] as const) {
            const high = hashBytes64(buf, start, start + k.length);
            const { low, slot } = Fingerprint;
            expect(slot).toBe(k.includes(0x7b) ? -1 : slotOfRange(buf, start, start + k.length));
            // The fingerprint depends on the bytes only, not on where they sit.
            expect([hashBytes64(Buffer.from(k), 0, k.length), Fingerprint.low]).toEqual([high, low]);
          }
          off += k.length;
        }
      }),
      { numRuns: 500 },
    );
  });
});
