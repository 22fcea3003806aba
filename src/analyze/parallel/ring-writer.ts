// The read worker's side of the ring: records, keys and skipped lines written as entries of the slab
// being filled, a slab posted when the next chunk would not fit, and the worker held (Atomics.wait) while
// the main thread still has every slab.
import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import type { MonitorRecord } from '../../ingest/monitor-parser.js';
import type { KeyMeta, RecordSink } from '../../ingest/records.js';
import { InputStats } from '../../ingest/input-stats.js';
import { LineKeys } from './line-keys.js';
import { Entry, INTS_PER_BYTE, BYTES_PER_TIME, MARGIN, reserveOf, type OutsideLine, Slab, SLABS, type SlabMessage } from './ring.js';

/** Where the main thread hands slabs back: the port they come on, and a shared count of them to wait on. */
export interface SlabReturns {
  port: MessagePort;
  count: Int32Array;
}

export class RingWriter implements RecordSink {
  /** The slab being filled, and how much of it is used. */
  private slab: Slab;
  /** Slabs not made yet: the ring grows to SLABS, then takes back what the main thread returns. */
  private unmade = SLABS - 1;
  private used = 0;
  private ints = 0;
  private times = 0;
  /** The piece of a chunk being split, and where it sits in the slab. */
  private piece: Buffer | null = null;
  private pieceAt = 0;
  private ids = new Map<string, number>();
  private strings: string[] = [];
  /** The line number the slab's entries count from; -1 until its first. */
  private lineBase = -1;
  /** Set while a piece's lines are being split: the slab cannot be posted before they are written. */
  private splitting = false;
  private outside: OutsideLine[] = [];
  private readonly keys = new LineKeys();

  constructor(
    private readonly capacity: number,
    private readonly returns: SlabReturns,
    private readonly post: (m: SlabMessage, transfer: ArrayBuffer[]) => void,
    private readonly rawBytes: () => number,
  ) {
    this.slab = Slab.create(capacity);
  }

  /** Copies a chunk into slabs, in pieces that leave each slab room for a carried line, and splits each there. */
  place(chunk: Buffer, split: (piece: Buffer) => void): void {
    const reserve = reserveOf(this.capacity);
    const most = this.capacity - reserve;
    for (let from = 0; from < chunk.length; from += most) {
      const n = Math.min(most, chunk.length - from);
      const room = n + reserve;
      if (!this.fits(room, INTS_PER_BYTE * room + MARGIN, Math.ceil(room / BYTES_PER_TIME) + MARGIN)) this.seal();
      chunk.copy(this.slab.bytes, this.used, from, from + n);
      this.piece = this.slab.bytes.subarray(this.used, this.used + n);
      this.pieceAt = this.used;
      this.used += n;
      this.splitting = true;
      split(this.piece);
      this.splitting = false;
    }
  }

  command(rec: MonitorRecord): undefined {
    const argc = rec.argc;
    const size = 6 + 2 * argc + LineKeys.size(argc);
    let base: number;
    if (rec.buf === this.piece) base = this.pieceAt;
    else {
      // A line carried over from earlier chunks, in a buffer of its own: its bytes from the client on.
      const from = rec.clientStart;
      const to = argc > 0 ? rec.end[argc - 1] : rec.clientEnd;
      base = this.copied(rec.buf, from, to, size, 1);
      if (base < 0) {
        this.room(1, 0);
        const ints = new Int32Array(size);
        const times = new Float64Array(1);
        const n = writeRecord(ints, 0, times, 0, rec, -from, this.line(rec.lineNo));
        this.outsideLine({ bytes: Uint8Array.prototype.slice.call(rec.buf, from, to), ints: ints.subarray(0, n + this.keys.write(rec, ints, n)), times });
        return;
      }
      base -= from;
    }
    if (this.ints + size > this.slab.ints.length || this.times === this.slab.times.length) overrun();
    const ints = this.slab.ints;
    this.ints += writeRecord(ints, this.ints, this.slab.times, this.times, rec, base, this.line(rec.lineNo));
    this.ints += this.keys.write(rec, ints, this.ints);
    this.times++;
  }

  key(buf: Buffer, start: number, end: number, _node: string, meta: KeyMeta | null): void {
    const size = meta ? 4 : 3;
    const times = meta ? 3 : 0;
    let at: number;
    if (buf === this.piece) at = this.pieceAt + start;
    else {
      at = this.copied(buf, start, end, size, times);
      if (at < 0) {
        this.room(1, 0);
        const line = { bytes: Uint8Array.prototype.slice.call(buf, start, end), ints: new Int32Array(size), times: new Float64Array(times) };
        writeKey(line.ints, 0, line.times, 0, 0, end - start, meta, this);
        this.outsideLine(line);
        return;
      }
    }
    if (!this.fits(0, size, times)) overrun();
    writeKey(this.slab.ints, this.ints, this.slab.times, this.times, at, at + end - start, meta, this);
    this.ints += size;
    this.times += times;
  }

  skip(line: number, reason: string): void {
    this.room(2, 0);
    const ints = this.slab.ints;
    ints[this.ints] = Entry.Skip | (this.id(reason) << 4);
    ints[this.ints + 1] = this.line(line);
    this.ints += 2;
  }

  /** Posts what is left; the worker's last word on the ring. */
  end(): void {
    if (this.ints > 0) this.seal();
  }

  /**
   * A string's id in the slab's table, sent with the slab: one table a slab, so that reasons which differ
   * line by line (`bad escape at byte N`) are not all kept to the end, here and in the main thread.
   */
  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(s, id);
      this.strings.push(s);
    }
    return id;
  }

  /** A line number as its slab's entries hold it: from the slab's first line (an Int32 would cap it at 2^31). */
  private line(lineNo: number): number {
    if (this.lineBase < 0) this.lineBase = lineNo;
    return lineNo - this.lineBase;
  }

  /**
   * Makes room for an entry that names nothing in the slab (a skip, a line outside): posts the slab when it
   * is full, unless its chunk's lines are still being written, whose room the reserve holds (ring.ts).
   */
  private room(ints: number, times: number): void {
    if (!this.fits(0, ints, times)) this.seal();
  }

  /** A line too long for the slab's room, posted with the slab; room() has made room for its entry. */
  private outsideLine(line: OutsideLine): void {
    this.outside.push(line);
    this.slab.ints[this.ints++] = Entry.Outside | ((this.outside.length - 1) << 4);
  }

  /**
   * Copies buf[from, to) into the slab for an entry of `ints` ints and `times` times; answers where, or -1
   * when it must go outside: too big for what the slab has left while its chunk's lines are still being
   * split (the reserve holds it otherwise), or for an empty slab.
   */
  private copied(buf: Buffer, from: number, to: number, ints: number, times: number): number {
    const n = to - from;
    if (!this.fits(n, ints, times)) {
      if (this.splitting || n > this.capacity) return -1;
      this.seal();
    }
    buf.copy(this.slab.bytes, this.used, from, to);
    this.used += n;
    return this.used - n;
  }

  private fits(bytes: number, ints: number, times: number): boolean {
    const s = this.slab;
    return this.used + bytes <= s.capacity && this.ints + ints <= s.ints.length && this.times + times <= s.times.length;
  }

  /**
   * Hands the slab to the main thread and takes the next: a new one, one returned, or waits for one. Never
   * while a piece's lines are being split: the reserve and margin hold their room (ring.ts).
   */
  private seal(): void {
    if (this.splitting) overrun();
    const buffer = this.slab.buffer;
    this.post({ slab: buffer, ints: this.ints, lineBase: this.lineBase, strings: this.strings, outside: this.outside, rawBytes: this.rawBytes() }, [buffer]);
    this.ids = new Map();
    this.strings = [];
    this.outside = [];
    this.lineBase = -1;
    this.slab = this.next();
    this.used = this.ints = this.times = 0;
    this.piece = null;
  }

  private next(): Slab {
    if (this.unmade > 0) {
      this.unmade--;
      return Slab.create(this.capacity);
    }
    const { port, count } = this.returns;
    for (;;) {
      // The count is read before the port is: a slab returned in between makes the wait return at once.
      const seen = Atomics.load(count, 0);
      const back = receiveMessageOnPort(port);
      if (back) return new Slab(back.message as ArrayBuffer, this.capacity);
      Atomics.wait(count, 0, seen);
    }
  }
}

/** The worker's stats: a skipped line becomes an entry, counted where the main thread reads it in order. */
export class RingStats extends InputStats {
  constructor(
    path: string,
    node: string,
    private readonly writer: RingWriter,
  ) {
    super(path, node);
  }

  override skip(line: number, reason: string): void {
    this.writer.skip(line, reason);
  }
}

/** An entry past the bounds the slab was sized by (ring.ts): a bug, stopped before it writes out of bounds. */
function overrun(): never {
  throw new Error('read worker: a slab entry past its bound');
}

/** Writes a record's entry at ints[p] with its offsets moved by `base`; answers the ints written. */
function writeRecord(ints: Int32Array, p: number, times: Float64Array, t: number, rec: MonitorRecord, base: number, line: number): number {
  ints[p] = Entry.Record | (rec.clientKind << 4);
  ints[p + 1] = line;
  ints[p + 2] = rec.db;
  ints[p + 3] = rec.clientStart + base;
  ints[p + 4] = rec.clientEnd + base;
  const argc = rec.argc;
  ints[p + 5] = argc;
  const start = rec.start;
  const end = rec.end;
  for (let i = 0, q = p + 6; i < argc; i++, q += 2) {
    ints[q] = start[i] + base;
    ints[q + 1] = end[i] + base;
  }
  times[t] = rec.timeMicros;
  return 6 + 2 * argc;
}

/** A key's entry; a memory report's db goes with its numbers (the report allows 15 digits). */
function writeKey(ints: Int32Array, p: number, times: Float64Array, t: number, start: number, end: number, meta: KeyMeta | null, writer: RingWriter): void {
  ints[p] = Entry.Key | ((meta ? 1 : 0) << 4);
  ints[p + 1] = start;
  ints[p + 2] = end;
  if (!meta) return;
  ints[p + 3] = writer.id(meta.type);
  times[t] = meta.bytes ?? Number.NaN;
  times[t + 1] = meta.expiresAt;
  times[t + 2] = meta.db;
}
