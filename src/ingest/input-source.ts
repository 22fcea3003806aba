// Opens an input as a stream of byte chunks: a file or `-` for stdin, gunzipped when it starts with
// gzip's magic bytes whatever its name. Other compressed files, archives and RDB files are told by their
// magic bytes too and refused with the command that makes them readable: read as keys, they would pass.
import { close, constants, fstat, open, read, type Stats, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { promisify } from 'node:util';
import { GzipError, gunzipMembers } from './gunzip-members.js';
import { InputError } from './input-error.js';

export interface ChunkSource {
  /**
   * The input's bytes. A chunk is the consumer's until it asks for the next one: a file's reads go into the
   * same two buffers in turn, so a consumer that keeps bytes past that copies them (the line splitter does).
   */
  chunks: AsyncIterable<Buffer>;
  /** Bytes read from the file or stdin so far (compressed bytes for a gzip input). */
  rawBytes(): number;
  /** What was noticed and let pass, for stderr and the report (trailing garbage after gzip data). */
  notes: string[];
}

const CHUNK = 1 << 20;

interface Magic {
  bytes: Buffer;
  /** Why the input cannot be read, given the shell word for it. */
  refuse: (file: string) => string;
}

const first = (verb: string) => (what: string, tool: string) => (file: string): string =>
  `${what}; ${verb} it first: ${file === '-' ? `... | ${tool}` : `${tool} ${file}`} | slotscope analyze -`;
const decompress = first('decompress');
const extract = first('extract');

const RDB = (): string => 'an RDB file: make a memory report first (rdb -c memory / rdb --command memory) or use capture scan';

const MAGICS: Magic[] = [
  { bytes: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), refuse: decompress('zstd-compressed', 'zstd -dc') },
  { bytes: Buffer.from('BZh'), refuse: decompress('bzip2-compressed', 'bzip2 -dc') },
  { bytes: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), refuse: decompress('xz-compressed', 'xz -dc') },
  { bytes: Buffer.from([0x04, 0x22, 0x4d, 0x18]), refuse: decompress('lz4-compressed', 'lz4 -dc') },
  { bytes: Buffer.from([0x50, 0x4b, 0x03, 0x04]), refuse: extract('a zip archive', 'unzip -p') },
  { bytes: Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), refuse: extract('a 7z archive', '7z x -so') },
  { bytes: Buffer.from('REDIS00'), refuse: RDB },
  { bytes: Buffer.from('VALKEY'), refuse: RDB },
];
const MAGIC_BYTES = Math.max(...MAGICS.map((m) => m.bytes.length));

/** `file` read, named `name` in messages (a copy of stdin or a pipe is named as what it copies). */
export function openInput(file: string, name = file): ChunkSource {
  let raw = 0;
  const notes: string[] = [];
  async function* counted(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of rawChunks(file)) {
        raw += chunk.length;
        yield chunk;
      }
    } catch (err) {
      throw readError(err, name);
    }
  }
  const onTrailing = (bytes: number): void => {
    notes.push(trailingGarbage(bytes));
  };
  return { chunks: decoded(counted(), name, onTrailing), rawBytes: () => raw, notes };
}

/** The bytes of a path as they are (gzip not undone): stdin for `-`. Errors are the operating system's. */
export function rawChunks(path: string): AsyncIterable<Buffer> {
  return path === '-' ? (process.stdin as AsyncIterable<Buffer>) : fileChunks(path);
}

/** Stdin and named pipes give their bytes once: a reader that reads its inputs twice keeps a copy. */
export function readableOnce(path: string): boolean {
  if (path === '-') return true;
  try {
    return statSync(path).isFIFO();
  } catch {
    return false; // the reader says what is wrong with it
  }
}

const openFd = promisify(open);
const fstatFd = promisify(fstat);
const readFd = promisify(read);
const closeFd = promisify(close);

// On Linux a named pipe opened O_NONBLOCK still waits for its first writer and ends when the last one
// closes, without a thread blocked in open() meanwhile; elsewhere it could end before a writer came, so
// there the open blocks as it always did. A regular file ignores the flag.
const OPEN_FLAGS = constants.O_RDONLY | (process.platform === 'linux' ? constants.O_NONBLOCK : 0);

/**
 * A file read CHUNK bytes at a time into two buffers used in turn, the next read under way while the
 * consumer works on the chunk it was handed. A fresh Buffer per read (as a read stream hands them over)
 * left tens of MiB of spent chunks waiting for the collector: most of the RSS a long read added.
 */
async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  const fd = await openFd(path, OPEN_FLAGS);
  let opened: Stats;
  try {
    opened = await fstatFd(fd);
  } catch (err) {
    await closeFd(fd);
    throw err;
  }
  if (opened.isFIFO()) {
    yield* pipeChunks(fd);
    return;
  }
  const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  let turn = 0;
  let total = 0;
  let reading = readFd(fd, buffers[turn], 0, CHUNK, null);
  try {
    for (;;) {
      const { bytesRead } = await reading;
      total += bytesRead;
      // A file cut while read (a rotation truncating it) would give a report of part of it as of all.
      if (bytesRead === 0 && opened.isFile() && total < opened.size) throw new InputError(`it shrank while being read: ${total} of the ${opened.size} bytes it had when opened; read it again once nothing writes to it`, path);
      if (bytesRead === 0) return;
      const chunk = buffers[turn];
      turn ^= 1;
      reading = readFd(fd, buffers[turn], 0, CHUNK, null);
      yield bytesRead === CHUNK ? chunk : chunk.subarray(0, bytesRead);
    }
  } finally {
    // A consumer that stopped early leaves a read under way; its outcome no longer matters.
    await reading.catch(() => undefined);
    await closeFd(fd);
  }
}

/**
 * A named pipe (mkfifo, a shell's <(...)) read on the event loop, as Node reads a piped stdin, not by a
 * pool thread: a read blocked on a writer that stalled would keep a worker from stopping, and so the run
 * from failing at another input's error. The socket owns the descriptor and closes it.
 */
async function* pipeChunks(fd: number): AsyncGenerator<Buffer> {
  const pipe = new Socket({ fd, readable: true, writable: false });
  try {
    for await (const chunk of pipe) yield chunk as Buffer;
  } finally {
    pipe.destroy();
  }
}

export const trailingGarbage = (bytes: number): string => `${bytes} bytes of trailing garbage after the gzip data ignored (as gzip -d does)`;

/** Chunks as read, gunzipped when they start with gzip's magic; refused when they start with another. */
export async function* decoded(source: AsyncGenerator<Buffer>, path: string, onTrailing: (bytes: number) => void): AsyncGenerator<Buffer> {
  // However this ends (refused at its head, failed, or stopped by its consumer), the source's file is closed
  // here, not at a garbage collection: Node warns of those, and a long-lived caller runs out of descriptors.
  try {
    const head: Buffer[] = [];
    let headLength = 0;
    // The longest magic decides; a pipe may deliver it a byte at a time.
    let done = false;
    while (headLength < MAGIC_BYTES) {
      if (head.length > 0) head[head.length - 1] = Buffer.from(head[head.length - 1]); // kept past the next read
      const next = await source.next();
      if (next.done) {
        done = true;
        break;
      }
      head.push(next.value);
      headLength += next.value.length;
    }
    if (headLength === 0) return;
    const start = head.length === 1 ? head[0] : Buffer.concat(head);
    const magic = MAGICS.find((m) => start.subarray(0, m.bytes.length).equals(m.bytes));
    if (magic) throw new InputError(magic.refuse(shellWord(path)), path);
    async function* all(): AsyncGenerator<Buffer> {
      yield start;
      if (!done) yield* source;
    }
    if (start[0] !== 0x1f || start[1] !== 0x8b) {
      yield* all();
      return;
    }
    // The inflater and its reader hold compressed bytes past the next read: copies, not the source's buffers.
    async function* copies(): AsyncGenerator<Buffer> {
      for await (const chunk of all()) yield Buffer.from(chunk);
    }
    try {
      yield* gunzipMembers(copies(), CHUNK, onTrailing);
    } catch (err) {
      if (err instanceof GzipError) throw new InputError(`corrupt gzip data (${err.message})`, path);
      throw err;
    }
  } finally {
    await source.return(undefined);
  }
}

/** A path as one shell word, for the commands in messages. */
function shellWord(path: string): string {
  return /^[\w./:@%+=,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

const ERRNO_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a capture file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error while reading',
  ENXIO: 'no such device or address',
  ENODEV: 'no such device',
  EAGAIN: 'resource temporarily unavailable',
};

/** Any error of the operating system on opening or reading a path, as one line naming it. */
export function readError(err: unknown, path: string): Error {
  if (err instanceof InputError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return err instanceof Error ? err : new Error(String(err));
  return new InputError(ERRNO_REASONS[code] ?? `cannot be read (${code})`, path);
}
