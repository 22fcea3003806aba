// The charts' scale: round ticks that reach the tallest bar, and a drawable chart for an empty series
// (a SCAN dump has no ops) rather than NaN coordinates.
import { describe, expect, it } from 'vitest';
import { slotChart, yTicks } from '../../src/report/slot-chart.js';
import { SLOT_COUNT } from '../../src/slot/key-slot.js';

describe('slot chart scale', () => {
  it('has 2 to 6 ticks from 0, at a 1/2/2.5/5 step, the last at or above the maximum', () => {
    for (const max of [0, 1, 3, 7, 99, 100, 332, 1001, 34_664, 2 ** 40]) {
      const t = yTicks(max);
      const step = t[1] - t[0];
      expect(t[0]).toBe(0);
      expect(t.length).toBeGreaterThanOrEqual(2);
      expect(t.length).toBeLessThanOrEqual(6);
      expect(t[t.length - 1]).toBeGreaterThanOrEqual(max);
      expect(t[t.length - 2]).toBeLessThan(Math.max(max, 1));
      expect(step / 10 ** Math.floor(Math.log10(step))).toSatisfy((m: number) => [1, 2, 2.5, 5].includes(m));
    }
  });

  it('draws an empty series with a scale and no NaN', () => {
    const svg = slotChart(new Float64Array(SLOT_COUNT), { title: 'ops', unit: 'ops' });
    expect(svg).not.toContain('NaN');
    expect(svg.match(/<g class="y-axis">/g)).toHaveLength(1);
  });
});
