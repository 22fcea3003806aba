// Slot ranges as Redis prints them (`0-5460 5461`): from a list of slots, and as text.

/** Sorted slots as [from, to] runs. */
export function slotRanges(slots: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const s of slots) {
    const last = out[out.length - 1];
    if (last && last[1] === s - 1) last[1] = s;
    else out.push([s, s]);
  }
  return out;
}

/** `0-5460 5461`: a run as from-to, a lone slot as itself. */
export function formatSlotRanges(ranges: [number, number][]): string {
  return ranges.map(([from, to]) => (from === to ? `${from}` : `${from}-${to}`)).join(' ');
}
