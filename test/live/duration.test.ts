import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/live/duration.js';

describe('parseDuration', () => {
  it('reads single and compound durations, largest unit first', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('45')).toBe(45_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1m30.5s')).toBe(90_500);
    expect(parseDuration('1h2m3s4ms')).toBe(3_723_004);
    expect(parseDuration('0')).toBe(0);
  });

  it('refuses what it cannot read exactly', () => {
    for (const bad of ['abc', '1h30x', '30m1h', '1m1m', '1d', '-5s', '1 h', '']) expect(() => parseDuration(bad), bad).toThrow(/not a duration/);
  });
});
