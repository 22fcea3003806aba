// How slotscope writes a number for people, in reports, plans, gates, diffs, progress lines and CI outputs:
// one module, so a count or a share reads the same wherever it is printed.

/** `1,234,567`: rounded, grouped as en-US does whatever the machine's locale. */
export const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** `12.3%`; `0.012%` when tenths would show a share that is there as 0.0%. */
export const share = (s: number): string => `${(100 * s).toFixed(s > 0 && s < 0.001 ? 3 : 1)}%`;

/** part of whole as `share` does; `-` when there is no whole. */
export const shareOf = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(part > 0 && part / whole < 0.001 ? 3 : 1)}%` : '-');

/** `12.3%`, always to tenths (the plan's per-node loads and costs). */
export const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** `12.35%`: to `digits` significant digits, no trailing zeros (diffs and baseline gates compare rates). */
export const significantPercent = (x: number, digits: number): string => `${Number((x * 100).toPrecision(digits))}%`;

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** `812 B`, `1.2 MB`, `148 GB`: SI units, a decimal only below 100. */
export function byteSize(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  for (; n >= 1000 && i < units.length - 1; i++) n /= 1000;
  return `${n.toFixed(i === 0 || n >= 100 ? 0 : 1)} ${units[i]}`;
}
