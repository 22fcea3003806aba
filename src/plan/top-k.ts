// Space-Saving (Metwally et al.): the heaviest items of a stream in k counters. An item's count is
// overestimated by at most the smallest counter, so the top of the list is exact when it stands clear.

export class TopK {
  private readonly counts = new Map<string, number>();

  constructor(private readonly k: number) {}

  add(item: string, n = 1): void {
    const c = this.counts.get(item);
    if (c !== undefined) {
      this.counts.set(item, c + n);
      return;
    }
    if (this.counts.size < this.k) {
      this.counts.set(item, n);
      return;
    }
    let minItem = '';
    let min = Infinity;
    for (const [i, v] of this.counts) {
      if (v < min) {
        min = v;
        minItem = i;
      }
    }
    this.counts.delete(minItem);
    this.counts.set(item, min + n);
  }

  top(n: number): [string, number][] {
    return [...this.counts].sort((a, b) => b[1] - a[1]).slice(0, n);
  }
}
