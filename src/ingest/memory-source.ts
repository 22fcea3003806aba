// Opens an input the caller holds in memory (a Buffer, a Node stream, an async iterable of chunks) as the
// same stream of chunks a file gives, through the same gzip detection and magic-byte refusals, so a test
// suite reads traffic in process exactly as the CLI reads it from disk. Every chunk is copied: the MONITOR
// parser unescapes arguments in place, and the caller's bytes must come back as they were given.
import type { Readable } from 'node:stream';
import { InputError } from './input-error.js';
import { type ChunkSource, decoded, readError, trailingGarbage } from './input-source.js';

/** The bytes of an input: read once when a stream or an iterable, as often as needed when a Uint8Array. */
export type InputData = Uint8Array | Readable | AsyncIterable<Uint8Array>;

/** The size of the copies a whole Buffer is handed on in, as a file is read. */
const SLICE = 1 << 20;

/** Streams and iterables already opened: a second read would see nothing and report an empty input. */
const opened = new WeakSet<object>();

export function openData(data: InputData, name: string): ChunkSource {
  let raw = 0;
  const notes: string[] = [];
  const chunks = rawChunks(data, name);
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      raw += chunk.length;
      yield chunk;
    }
  }
  return { chunks: decoded(counted(), name, (bytes) => notes.push(trailingGarbage(bytes))), rawBytes: () => raw, notes };
}

/** The bytes of a stream in one Buffer, for a reader that reads its inputs twice (the plan). */
export async function rereadable(data: InputData, name: string): Promise<Uint8Array> {
  if (data instanceof Uint8Array) return data;
  const all: Buffer[] = [];
  for await (const chunk of rawChunks(data, name)) all.push(chunk);
  return Buffer.concat(all);
}

function rawChunks(data: InputData, name: string): AsyncGenerator<Buffer> {
  if (data instanceof Uint8Array) return slices(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  if (opened.has(data)) throw new InputError('a stream or iterable input can be read only once; give a Buffer or a path', name);
  opened.add(data);
  return bytesOf(data, name);
}

async function* slices(all: Buffer): AsyncGenerator<Buffer> {
  for (let at = 0; at < all.length; at += SLICE) yield Buffer.from(all.subarray(at, at + SLICE));
}

async function* bytesOf(data: AsyncIterable<unknown>, name: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of data) {
      // A stream given an encoding yields strings, whose bytes are no longer the capture's.
      if (!(chunk instanceof Uint8Array)) throw new InputError(`the input yielded a ${typeof chunk}, not bytes (a stream with setEncoding()?); give it Buffers or Uint8Arrays`, name);
      if (chunk.length > 0) yield Buffer.from(chunk);
    }
  } catch (err) {
    // A file stream's ENOENT, EISDIR...: one line naming the input, as for a path.
    throw readError(err, name);
  }
}
