// The ring of slabs a read worker parses lines into and the main thread reads records from: each slab the
// bytes of whole chunks (arguments unescaped in place) and the entries that describe their lines. A slab
// is an ArrayBuffer handed back and forth (transferred, not copied); the only shared memory is a count of
// the slabs the main thread has handed back, for the worker to wait on. (Slabs are not SharedArrayBuffers:
// V8 reads shared memory slower: parsing the bench's 300 MB capture in one took 0.86-1.24 s of CPU, in an
// ArrayBuffer 0.74-0.78 s.)

/** The slabs in the ring: the worker fills one while the main thread drains the others. */
export const SLABS = 4;

/** Room a slab keeps past a chunk for a line carried over from the chunks before it: a fifth of it. */
export function reserveOf(capacity: number): number {
  return Math.floor(capacity / 5);
}

/** Entry ints a slab keeps past its bytes' worst case, for carried lines that go elsewhere. */
export const MARGIN = 64;

/** Entry kinds, in the low 4 bits of an entry's first int. A lineNo counts from the slab's lineBase. */
export const enum Entry {
  /**
   * [tag | clientKind << 4, lineNo, db, clientStart, clientEnd, argc, start0, end0, ...] then what LineKeys
   * writes (command id, key count, four ints a key); its time in `times`.
   */
  Record = 0,
  /** [tag | reasonId << 4, lineNo]: the reason is a string of the slab's table. */
  Skip = 1,
  /** [tag | hasMeta << 4, start, end] and with meta [typeId]; with meta, bytes (NaN: unmeasured), expiresAt and db in `times`. */
  Key = 2,
  /** [tag | index << 4]: a line too long for a slab, posted with the slab as bytes of its own. */
  Outside = 3,
}

/**
 * Per byte of a slab, fewer than two entry ints: the shortest MONITOR line (`1.000000 [0 a] ""`, 18 bytes
 * with its newline) takes at most 14 and each further argument (` ""`, 3 bytes) at most 6; a skipped line
 * takes 2 for at least 1 byte; a raw key 3 for at least 2. Times: one per record, at least 18 bytes each.
 */
export const INTS_PER_BYTE = 2;
export const BYTES_PER_TIME = 16;

export class Slab {
  readonly bytes: Buffer;
  readonly ints: Int32Array;
  readonly times: Float64Array;

  constructor(
    readonly buffer: ArrayBuffer,
    readonly capacity: number,
  ) {
    const { ints, times } = Slab.layout(capacity);
    this.times = new Float64Array(buffer, 0, times);
    this.ints = new Int32Array(buffer, times * 8, ints);
    this.bytes = Buffer.from(buffer, times * 8 + ints * 4, capacity);
  }

  static create(capacity: number): Slab {
    const { ints, times } = Slab.layout(capacity);
    return new Slab(new ArrayBuffer(times * 8 + ints * 4 + capacity), capacity);
  }

  /** Times, then entry ints, then bytes: each array aligned for its type. */
  private static layout(capacity: number): { ints: number; times: number } {
    return { ints: capacity * INTS_PER_BYTE + MARGIN, times: Math.ceil(capacity / BYTES_PER_TIME) + MARGIN };
  }
}

/** What the worker posts for a full slab, the slab's buffer transferred with it. */
export interface SlabMessage {
  slab: ArrayBuffer;
  /** Entry ints used. */
  ints: number;
  /** The line number entries' line numbers count from. */
  lineBase: number;
  /** The strings the slab's entries name, in id order. */
  strings: string[];
  /** Lines too long for a slab, each with its own entry and time. */
  outside: OutsideLine[];
  /** Bytes read from the input so far, for progress. */
  rawBytes: number;
}

export interface OutsideLine {
  bytes: Uint8Array;
  ints: Int32Array;
  times: Float64Array;
}
