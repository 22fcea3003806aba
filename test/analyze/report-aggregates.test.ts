// The report's bounded aggregates (top keys, biggest keys, time span): what they claim about a stream,
// and that two halves merged (through their plain JSON, as a summary stores them) equal the whole.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BiggestKeys, type SizedKey } from '../../src/analyze/biggest-keys.js';
import { Fingerprint, hashBytes64 } from '../../src/analyze/key-hash.js';
import { TimeSpan } from '../../src/analyze/time-span.js';
import { TopKeys } from '../../src/analyze/top-keys.js';
import { slotOfRange } from '../../src/slot/key-slot.js';

function feed(t: TopKeys, keys: string[]): void {
  for (const k of keys) {
    const buf = Buffer.from(k, 'latin1');
    const high = hashBytes64(buf, 0, buf.length);
    t.add(high, Fingerprint.low, slotOfRange(buf, 0, buf.length), buf, 0, buf.length);
  }
}

const counts = (keys: string[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
};

/** A skewed stream: key i drawn with weight 1/(i+1), as hot keys are. */
const zipf = (n: number, distinct: number, seed: number): string[] => {
  let x = seed;
  const rand = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const h = Array.from({ length: distinct }, (_, i) => 1 / (i + 1));
  const total = h.reduce((a, b) => a + b, 0);
  return Array.from({ length: n }, () => {
    let r = rand() * total;
    let i = 0;
    while (r > h[i] && i < distinct - 1) r -= h[i++];
    return `user:${i}:profile`;
  });
};

describe('TopKeys', () => {
  it('counts exactly while the keys fit its counters', () => {
    const keys = zipf(5000, 300, 7);
    const t = new TopKeys(1000);
    feed(t, keys);
    const truth = counts(keys);
    const top = t.top(20);
    expect(top).toHaveLength(20);
    for (const k of top) {
      expect(k.error).toBe(0);
      expect(k.ops).toBe(truth.get(k.key));
    }
    const expected = [...truth].sort((a, b) => b[1] - a[1])[0];
    expect(top[0]).toMatchObject({ key: expected[0], ops: expected[1] });
  });

  it('bounds every count when the keys overflow it: true ops in [ops - error, ops], the heaviest found', () => {
    const keys = zipf(40_000, 20_000, 11);
    const t = new TopKeys(200);
    feed(t, keys);
    const truth = counts(keys);
    const top = t.top(20);
    for (const k of top) {
      const real = truth.get(k.key)!;
      expect(real).toBeLessThanOrEqual(k.ops);
      expect(real).toBeGreaterThanOrEqual(k.ops - k.error);
    }
    // Space-Saving keeps every key with more than n / capacity ops.
    const heavy = [...truth].filter(([, c]) => c > keys.length / 200).map(([k]) => k);
    expect(heavy.length).toBeGreaterThan(3);
    const named = new Set(t.top(200).map((k) => k.key));
    for (const k of heavy) expect(named.has(k)).toBe(true);
  });

  it('merges two halves into the whole (through toJSON/fromJSON)', () => {
    const keys = zipf(6000, 400, 3);
    const whole = new TopKeys(1000);
    feed(whole, keys);
    const [a, b] = [new TopKeys(1000), new TopKeys(1000)];
    feed(a, keys.slice(0, 3000));
    feed(b, keys.slice(3000));
    const merged = TopKeys.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    merged.merge(TopKeys.fromJSON(JSON.parse(JSON.stringify(b.toJSON()))));
    // Keys seen at least twice in each half are named in both, as in the whole.
    const [ca, cb] = [counts(keys.slice(0, 3000)), counts(keys.slice(3000))];
    const both = (k: string): boolean => (ca.get(k) ?? 0) >= 2 && (cb.get(k) ?? 0) >= 2;
    expect(merged.top(1000).filter((k) => both(k.key))).toEqual(whole.top(1000).filter((k) => both(k.key)));
    expect(merged.top(20)).toEqual(whole.top(20));
  });

  it('keeps its bounds through a merge of overflowing halves', () => {
    const keys = zipf(30_000, 10_000, 5);
    const [a, b] = [new TopKeys(150), new TopKeys(150)];
    feed(a, keys.slice(0, 15_000));
    feed(b, keys.slice(15_000));
    a.merge(b);
    const truth = counts(keys);
    for (const k of a.top(50)) {
      expect(truth.get(k.key)!).toBeLessThanOrEqual(k.ops);
      expect(truth.get(k.key)!).toBeGreaterThanOrEqual(k.ops - k.error);
    }
  });
});

/** A key for BiggestKeys, fingerprinted as the analyzer does. */
function sized(key: string, bytes: number, slot: number, node: string): SizedKey {
  const high = hashBytes64(Buffer.from(key, 'latin1'), 0, key.length);
  return { key, bytes, slot, node, high, low: Fingerprint.low };
}

describe('BiggestKeys', () => {
  it('keeps the largest keys of any stream, and two halves merged equal the whole', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 1e6 })), { selector: ([k]) => k, maxLength: 200 }), fc.nat(200), (entries, cut) => {
        const offer = (b: BiggestKeys, es: typeof entries): void => {
          for (const [key, bytes] of es) if (b.wants(bytes)) b.add(sized(key, bytes, 0, 'n'));
        };
        const whole = new BiggestKeys(20);
        offer(whole, entries);
        const expected = [...entries].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).slice(0, 20);
        // Equal sizes at the cut may keep either key: compare sizes, and keys above the cut.
        expect(whole.keys().map((k) => k.bytes)).toEqual(expected.map(([, b]) => b));
        const [a, b] = [new BiggestKeys(20), new BiggestKeys(20)];
        offer(a, entries.slice(0, cut));
        offer(b, entries.slice(cut));
        const merged = BiggestKeys.fromJSON(JSON.parse(JSON.stringify(a)));
        merged.merge(BiggestKeys.fromJSON(JSON.parse(JSON.stringify(b))));
        expect(merged.keys().map((k) => k.bytes)).toEqual(whole.keys().map((k) => k.bytes));
      }),
    );
  });

  it('counts a key dumped by two nodes once', () => {
    const b = new BiggestKeys(3);
    for (const node of ['primary', 'replica']) b.add(sized('big', 100, 1, node));
    b.add(sized('small', 10, 2, 'primary'));
    expect(b.keys().map((k) => k.key)).toEqual(['big', 'small']);
  });

  it('tells keys apart by fingerprint: two keys may show one name (redacted)', () => {
    const b = new BiggestKeys(3);
    for (const [i, key] of ['user:1', 'user:2'].entries()) b.add({ ...sized(key, 50, i, 'n'), key: '<h:9f3a>:<id>' });
    expect(b.keys()).toEqual([
      { key: '<h:9f3a>:<id>', bytes: 50, slot: 0, node: 'n' },
      { key: '<h:9f3a>:<id>', bytes: 50, slot: 1, node: 'n' },
    ]);
  });
});

describe('TimeSpan', () => {
  it('spans the first to the last timed command; halves merged equal the whole', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2e15 })), fc.nat(), (times, cut) => {
        const whole = new TimeSpan();
        for (const t of times) whole.add(t);
        const timed = times.filter((t) => t > 0);
        expect(whole.commands).toBe(timed.length);
        expect(whole.firstMicros).toBe(timed.length ? Math.min(...timed) : null);
        expect(whole.lastMicros).toBe(timed.length ? Math.max(...timed) : null);
        const at = cut % (times.length + 1);
        const [a, b] = [new TimeSpan(), new TimeSpan()];
        for (const t of times.slice(0, at)) a.add(t);
        for (const t of times.slice(at)) b.add(t);
        const merged = TimeSpan.fromJSON(JSON.parse(JSON.stringify(a)));
        merged.merge(TimeSpan.fromJSON(JSON.parse(JSON.stringify(b))));
        expect(merged.toJSON()).toEqual(whole.toJSON());
      }),
    );
  });

  it('gives commands per second over the span', () => {
    const t = new TimeSpan();
    for (let i = 0; i <= 100; i++) t.add(1_700_000_000_000_000 + i * 10_000);
    expect(t.seconds).toBe(1);
    expect(t.perSecond).toBe(101);
  });
});
