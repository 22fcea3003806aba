// What kind of fix each cross-slot finding needs, judged by the plan rather than by the finding's kind:
// `rename` only when the chosen renames fix every occurrence seen, `client` when a client setting (a queue
// library's prefix) or client-side fan-out does, `app` when the application must change (atomic writes
// over several entities, scripts that do not declare their keys).
import type { FindingId, FixKind } from '../analyze/findings.js';
import { fixableByRename, type Shape } from './candidates.js';

export type PlanFixKinds = Partial<Record<FindingId, FixKind>>;

const RANK: Record<FixKind, number> = { none: 0, rename: 1, client: 2, app: 3 };
const FINDING = { command: 'cross-slot-command', transaction: 'cross-slot-transaction', script: 'cross-slot-script' } as const;

function fixOf(s: Shape, library: boolean): FixKind {
  if (library) return 'client';
  if (fixableByRename(s)) return 'rename';
  if (s.kind === 'command' && !s.tagged) return 'client';
  return 'app';
}

export function planFixKinds(shapes: readonly Shape[], isLibrary: (s: Shape) => boolean): PlanFixKinds {
  const out: PlanFixKinds = {};
  const worst = (id: FindingId, fix: FixKind): void => {
    if (RANK[fix] > RANK[out[id] ?? 'none']) out[id] = fix;
  };
  for (const s of shapes) {
    const library = isLibrary(s);
    const fix = fixOf(s, library);
    worst(FINDING[s.kind], fix);
    // A script call whose declared keys span slots is a cross-slot command too (EVAL answers CROSSSLOT).
    if (s.kind === 'script') worst('cross-slot-command', fix);
    if (s.source !== 'none') worst('script-undeclared-keys', library ? 'client' : 'app');
  }
  return out;
}
