import { InputError } from '../ingest/input-error.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * `500ms`, `30s`, `2m`, `1h30m`, `1m30.5s`, or a bare number of seconds; 0 means "until a signal stops it".
 * Units run from largest to smallest, each at most once, as in Go's time.ParseDuration.
 */
export function parseDuration(text: string): number {
  const t = text.trim();
  const bad = (): InputError => new InputError(`not a duration: ${JSON.stringify(text)} (examples: 500ms, 30s, 2m, 1h30m; 0 captures until stopped)`);
  if (/^\d+(?:\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
  let total = 0;
  let lastUnit = Infinity;
  let pos = 0;
  while (pos < t.length) {
    part.lastIndex = pos;
    const m = part.exec(t);
    if (!m) throw bad();
    const unit = UNIT_MS[m[2]];
    if (unit >= lastUnit) throw bad();
    lastUnit = unit;
    total += Number(m[1]) * unit;
    pos = part.lastIndex;
  }
  if (pos === 0) throw bad();
  return Math.round(total);
}
