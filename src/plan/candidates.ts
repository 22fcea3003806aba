// Candidate tags from co-access groups. Each cross-slot occurrence is reduced to its shape (kind, command,
// the key patterns, the prefix its keys share) and counted; memory holds one entry per shape, not per
// occurrence. A shape whose keys share an entity prefix (one with a variable part) is fixable by a tag on
// that entity; the rest keep what the advice needs: the coarse prefix, slots per call, where a script's
// undeclared keys come from, and which entities transact together.
import { keySlot } from '../slot/key-slot.js';
import type { CoAccess, GroupKind, UndeclaredSource } from './co-access.js';
import { entityOf, entityPrefix } from './entity.js';
import { type KeyTokens, keyTokens } from '../analyze/key-pattern.js';
import { queueKey, type QueueKey } from './library-keys.js';
import { hasHashTag } from './renames.js';
import { list, num, StateError } from '../analyze/state-codec.js';

export interface Shape {
  kind: GroupKind;
  command?: string;
  /** Distinct key patterns of the group, sorted. */
  patterns: string[];
  count: number;
  example: readonly string[];
  /** The shared entity prefix's pattern (`user:<id>`), or '' when the keys share no entity. */
  tag: string;
  /** How many leading tokens the tag spans. */
  tagTokens: number;
  /** Each pattern's tokens, for its rename rule. */
  tokens: Map<string, string[]>;
  /** The shared prefix when it is fixed words only (`product`, `cache:page`): a coarse tag; '' when none. */
  coarse: string;
  /** Some keys already carry a hash tag. */
  tagged: boolean;
  source: UndeclaredSource;
  undeclaredPatterns: string[];
  /** For commands: distinct slots over all occurrences, and in the widest: the fan-out a client would make. */
  slots: number;
  maxSlots: number;
  /** A redacted shape's queue keys, read from its patterns before their words were hashed. */
  queues?: QueueKey[];
}

/** Whether renaming keys can put the shape in one slot. */
export const fixableByRename = (s: Shape): boolean => s.tag !== '' && !s.tagged && s.source === 'none';

/** The queue keys among a shape's patterns (declared and not). */
export function queueKeysOf(s: Pick<Shape, 'patterns' | 'undeclaredPatterns' | 'queues'>): QueueKey[] {
  return s.queues ?? [...s.patterns, ...s.undeclaredPatterns].flatMap((p) => queueKey(p) ?? []);
}

/** What tells one shape from another: two occurrences with the same one are counted together. */
export function shapeSig(s: Pick<Shape, 'kind' | 'command' | 'source' | 'tag' | 'patterns'>): string {
  return `${s.kind}\u0000${s.command ?? ''}\u0000${s.source}\u0000${s.tag}\u0000${s.patterns.join('\u0000')}`;
}

const MAX_SHAPES = 20_000;
/** The signature add() returns for a group counted as overflow. */
export const OVERFLOW = '';
/** Entities followed in the co-access graph of atomic writes. */
const MAX_ENTITIES = 200_000;

export interface EntityClusters {
  entities: number;
  clusters: number;
  largest: number;
}

/**
 * Entities that transact together (a transfer links two accounts): union-find over the entities of the
 * transactions and scripts that no entity tag fixes, so the advice can say whether co-locating them helps.
 */
class EntityGraph {
  private readonly id = new Map<string, number>();
  private readonly parent: number[] = [];

  constructor(private readonly tokensOf: (key: string) => KeyTokens) {}

  add(keys: readonly string[]): void {
    let first = -1;
    for (const k of keys) {
      const e = entityOf(k, this.tokensOf);
      if (e === '') continue;
      let i = this.id.get(e);
      if (i === undefined) {
        if (this.id.size >= MAX_ENTITIES) continue;
        i = this.parent.length;
        this.id.set(e, i);
        this.parent.push(i);
      }
      if (first < 0) first = i;
      else this.parent[this.root(i)] = this.root(first);
    }
  }

  private root(i: number): number {
    while (this.parent[i] !== i) i = this.parent[i] = this.parent[this.parent[i]];
    return i;
  }

  clusters(): EntityClusters {
    const size = new Map<number, number>();
    for (let i = 0; i < this.parent.length; i++) {
      const r = this.root(i);
      size.set(r, (size.get(r) ?? 0) + 1);
    }
    return { entities: this.parent.length, clusters: size.size, largest: Math.max(0, ...size.values()) };
  }
}

/** The strings without repeats, in first-seen order ([...new Set(a)], without a Set for the usual few). */
function distinct(a: readonly string[]): string[] {
  if (a.length > 16) return [...new Set(a)];
  const out: string[] = [];
  for (let i = 0; i < a.length; i++) if (!out.includes(a[i])) out.push(a[i]);
  return out;
}

export class Candidates {
  readonly shapes = new Map<string, Shape>();
  /** Occurrences past MAX_SHAPES distinct shapes, counted but not kept. */
  overflow = 0;
  readonly atomic: EntityGraph;

  /**
   * `forAdvice`: also keep what only the plan's advice uses (slots per call, the entity graph); analyze's summary
   * does not. `tokensOf`: the keys' tokens, by default through the shared small memory (keyTokens).
   */
  constructor(
    private readonly forAdvice = true,
    private readonly tokensOf: (key: string) => KeyTokens = keyTokens,
  ) {
    this.atomic = new EntityGraph(tokensOf);
  }

  /** Counts a group under its shape; returns the shape's signature (OVERFLOW past MAX_SHAPES), or undefined for a group with no keys. */
  add(g: CoAccess): string | undefined {
    const keys = distinct(g.keys);
    if (keys.length === 0) return undefined;
    let tagged = 0;
    for (const k of keys) if (hasHashTag(k)) tagged++;
    const untagged = tagged === 0 ? keys : keys.filter((k) => !hasHashTag(k));
    const prefix = entityPrefix(untagged.length > 0 ? untagged : keys, this.tokensOf);
    const joined: string[] = new Array(prefix.tokens.length);
    for (let i = 0; i < joined.length; i++) joined[i] = prefix.tokens[i].joined;
    const patterns = distinct(joined).sort();
    const tag = prefix.entity ? prefix.pattern : '';
    const sig = shapeSig({ kind: g.kind, command: g.command, source: g.source, tag, patterns });
    let s = this.shapes.get(sig);
    if (!s) {
      if (this.shapes.size >= MAX_SHAPES) {
        this.overflow++;
        return OVERFLOW;
      }
      s = {
        kind: g.kind,
        command: g.command,
        patterns,
        count: 0,
        example: g.keys,
        tag,
        tagTokens: prefix.entity ? prefix.length : 0,
        tokens: new Map(prefix.tokens.map((t) => [t.joined, t.pattern])),
        coarse: prefix.entity ? '' : prefix.value,
        tagged: untagged.length < keys.length,
        source: g.source,
        undeclaredPatterns: [...new Set(g.undeclared.map((k) => entityPrefix([k], this.tokensOf).tokens[0].joined))].sort(),
        slots: 0,
        maxSlots: 0,
      };
      this.shapes.set(sig, s);
    }
    s.count++;
    // Slots per call matter for a command's fan-out; a transaction or script is never split.
    if (g.kind === 'command' && this.forAdvice) {
      const slots = new Set(keys.map((k) => keySlot(Buffer.from(k, 'latin1')))).size;
      s.slots += slots;
      if (slots > s.maxSlots) s.maxSlots = slots;
    }
    if (g.kind !== 'command' && this.forAdvice && !fixableByRename(s)) this.atomic.add(keys);
    return sig;
  }

  /**
   * Counts one more occurrence of a shape a summary holds, as add() counts its group, for a merge that
   * replays a part's occurrences in order; OVERFLOW, or a shape the part could not keep, goes to overflow.
   * Without the groups' keys, so only for candidates kept without advice (analyze's summary).
   */
  countShape(sig: string, shape: CandidatesSummary['shapes'][number]['shape'] | undefined): void {
    let s = this.shapes.get(sig);
    if (!s) {
      if (shape === undefined || this.shapes.size >= MAX_SHAPES) {
        this.overflow++;
        return;
      }
      s = { ...shape, count: 0, tokens: new Map(shape.tokens) };
      this.shapes.set(sig, s);
    }
    s.count++;
  }

  /** Shapes in the order first seen, their token maps as entries (analyze's summary keeps no entity graph). */
  toSummary(): CandidatesSummary {
    return { overflow: this.overflow, shapes: [...this.shapes].map(([sig, s]) => ({ sig, shape: { ...s, tokens: [...s.tokens] } })) };
  }

  /** Counts of one shape add up; the first occurrence's example and prefix stay, as when counted. */
  merge(c: CandidatesSummary): void {
    this.overflow += num(c.overflow, 'plan candidates');
    for (const { sig, shape } of list<CandidatesSummary['shapes'][number]>(c.shapes, 'plan candidates')) {
      if (typeof sig !== 'string' || !Array.isArray(shape?.patterns) || !Array.isArray(shape.tokens)) throw new StateError('plan candidates malformed');
      const s = this.shapes.get(sig);
      if (s) {
        s.count += num(shape.count, 'plan candidates');
        s.slots += num(shape.slots, 'plan candidates');
        s.maxSlots = Math.max(s.maxSlots, num(shape.maxSlots, 'plan candidates'));
      } else if (this.shapes.size >= MAX_SHAPES) this.overflow += num(shape.count, 'plan candidates');
      else this.shapes.set(sig, { ...shape, tokens: new Map(shape.tokens) });
    }
  }

  list(): Shape[] {
    return [...this.shapes.values()].sort((a, b) => b.count - a.count || a.patterns.join().localeCompare(b.patterns.join()));
  }
}

export interface CandidatesSummary {
  overflow: number;
  shapes: { sig: string; shape: Omit<Shape, 'tokens'> & { tokens: [string, string[]][] } }[];
}
