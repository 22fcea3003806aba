// Decodes a gzip stream member by member, as `gzip -d` does: concatenated members (`cat a.gz b.gz`) are
// one stream, and bytes after the last member that are not another member are trailing garbage: the data
// is kept and the caller told once. (zlib's Gunzip instead fails on them and drops the output it held.)
// Each member is its RFC 1952 header, raw deflate data, and CRC32 + ISIZE, which are checked.
import { crc32, createInflateRaw } from 'node:zlib';

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;

export class GzipError extends Error {}

/** Pulls bytes from an iterator of chunks, with the unread rest of the last chunk kept in front. */
class ByteReader {
  private pending: Buffer = Buffer.alloc(0);
  private done = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** At least n bytes in front (fewer only at the end of the stream). */
  async fill(n: number): Promise<Buffer> {
    while (this.pending.length < n && !this.done) {
      const next = await this.source.next();
      if (next.done) this.done = true;
      else this.pending = this.pending.length === 0 ? next.value : Buffer.concat([this.pending, next.value]);
    }
    return this.pending;
  }

  /** The bytes in front, or the next chunk when none are: empty only at the end. */
  async chunk(): Promise<Buffer> {
    const b = await this.fill(1);
    this.pending = Buffer.alloc(0);
    return b;
  }

  unread(b: Buffer): void {
    this.pending = this.pending.length === 0 ? b : Buffer.concat([b, this.pending]);
  }

  skip(n: number): void {
    this.pending = this.pending.subarray(n);
  }
}

/** Length of the member header at the front of b, or -1 when b ends inside it; GzipError when it is not one. */
function headerLength(b: Buffer): number {
  if (b.length >= 3 && b[2] !== 8) throw new GzipError(`unknown compression method ${b[2]}`);
  if (b.length < 10) return -1;
  const flags = b[3];
  let p = 10;
  if (flags & FEXTRA) {
    if (b.length < p + 2) return -1;
    p += 2 + b.readUInt16LE(p);
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    const nul = b.indexOf(0, p);
    if (nul < 0) return -1;
    p = nul + 1;
  }
  if (flags & FHCRC) p += 2;
  return b.length < p ? -1 : p;
}

/**
 * The decoded bytes of every member. onTrailing is called once when bytes other than another member or
 * zero padding follow the last member. GzipError for corrupt or truncated data.
 */
export async function* gunzipMembers(source: AsyncIterator<Buffer>, chunkSize: number, onTrailing: (bytes: number) => void): AsyncGenerator<Buffer> {
  const reader = new ByteReader(source);
  for (let member = 0; ; member++) {
    let head = await reader.fill(10);
    if (head.length === 0) return;
    if (member > 0 && (head[0] !== 0x1f || head[1] !== 0x8b)) {
      await skipTrailing(reader, onTrailing);
      return;
    }
    let n = headerLength(head);
    while (n < 0) {
      const more = await reader.fill(head.length + 1);
      if (more.length === head.length) throw new GzipError('unexpected end of file in a member header');
      head = more;
      n = headerLength(head);
    }
    reader.skip(n);
    const { crc, size } = yield* inflateMember(reader, chunkSize);
    const trailer = await reader.fill(8);
    if (trailer.length < 8) throw new GzipError('unexpected end of file');
    if (trailer.readUInt32LE(0) !== crc) throw new GzipError('CRC32 mismatch');
    if (trailer.readUInt32LE(4) !== size) throw new GzipError('length mismatch');
    reader.skip(8);
  }
}

/** Zero bytes after the last member are padding, as gzip accepts; anything else is trailing garbage. */
async function skipTrailing(reader: ByteReader, onTrailing: (bytes: number) => void): Promise<void> {
  let garbage = false;
  let bytes = 0;
  for (let b = await reader.chunk(); b.length > 0; b = await reader.chunk()) {
    bytes += b.length;
    if (!garbage && b.some((c) => c !== 0)) garbage = true;
  }
  if (garbage) onTrailing(bytes);
}

/** One member's deflate data; leaves the reader just after it. */
async function* inflateMember(reader: ByteReader, chunkSize: number): AsyncGenerator<Buffer, { crc: number; size: number }> {
  const inflate = createInflateRaw({ chunkSize });
  const out: Buffer[] = [];
  let error: Error | null = null;
  let ended = false;
  inflate.on('data', (c: Buffer) => out.push(c));
  inflate.on('error', (e) => (error = e));
  inflate.on('end', () => (ended = true));
  let crc = 0;
  let size = 0;
  let fed = 0;
  for (;;) {
    const chunk = await reader.chunk();
    if (chunk.length === 0) inflate.end();
    else {
      // zlib never calls back a write it failed on (the stream is destroyed first): its error ends the wait too.
      await new Promise<void>((resolve) => {
        inflate.once('close', resolve);
        inflate.write(chunk, () => {
          inflate.off('close', resolve);
          resolve();
        });
      });
      fed += chunk.length;
    }
    // Let the inflater's data, end and error events run before looking at them.
    await new Promise((resolve) => setImmediate(resolve));
    for (const c of out.splice(0)) {
      crc = crc32(c, crc);
      size = (size + c.length) >>> 0;
      yield c;
    }
    if (error) throw new GzipError((error as Error).message);
    if (ended) {
      // The inflater stops at the end of the deflate data; what it did not take is the trailer and after.
      const left = fed - inflate.bytesWritten;
      if (left > chunk.length) throw new Error(`inflater ended ${left} bytes back, before the last chunk`);
      if (left > 0) reader.unread(chunk.subarray(chunk.length - left));
      return { crc, size };
    }
    if (chunk.length === 0) throw new GzipError('unexpected end of file');
  }
}
