// Opens an input as a stream of byte chunks: a file or `-` for stdin, gunzipped when it starts with
// gzip's magic bytes whatever its name.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from './input-error.js';

export interface ChunkSource {
  chunks: AsyncIterable<Buffer>;
  /** Bytes read from the file or stdin so far (compressed bytes for a gzip input). */
  rawBytes(): number;
}

const CHUNK = 1 << 20;

export function openInput(path: string): ChunkSource {
  let raw = 0;
  const stream: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: CHUNK });
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of stream) {
      raw += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }
  return { chunks: gunzipIfNeeded(counted(), path), rawBytes: () => raw };
}

async function* gunzipIfNeeded(source: AsyncGenerator<Buffer>, path: string): AsyncGenerator<Buffer> {
  const head: Buffer[] = [];
  let headLength = 0;
  try {
    // Two bytes decide; a pipe may deliver them one at a time.
    while (headLength < 2) {
      const next = await source.next();
      if (next.done) break;
      head.push(next.value);
      headLength += next.value.length;
    }
  } catch (err) {
    throw openError(err, path);
  }
  if (headLength === 0) return;
  const first = head.length === 1 ? head[0] : Buffer.concat(head);
  async function* all(): AsyncGenerator<Buffer> {
    yield first;
    yield* source;
  }
  if (first[0] !== 0x1f || first[1] !== 0x8b) {
    try {
      yield* all();
    } catch (err) {
      throw openError(err, path);
    }
    return;
  }
  const gunzip = Readable.from(all()).pipe(createGunzip({ chunkSize: CHUNK }));
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (err) {
    throw new InputError(`corrupt gzip data (${(err as Error).message})`, path);
  }
}

function openError(err: unknown, path: string): Error {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return new InputError('no such file', path);
  if (e.code === 'EISDIR') return new InputError('is a directory, not a capture file', path);
  if (e.code === 'EACCES') return new InputError('permission denied', path);
  return err instanceof Error ? err : new Error(String(err));
}
