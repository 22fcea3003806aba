// Where a command's product goes when it is not stdout: a file opened before any input is read, so a
// path that cannot be written fails at once rather than after the whole analysis. Writes are
// synchronous and buffered; every OS error becomes a one-line InputError naming the file, and leaves it empty.
import { closeSync, ftruncateSync, openSync, statSync, writeSync } from 'node:fs';
import { InputError } from '../ingest/input-error.js';

const BUFFER = 1 << 16;

/** What an OS error on an output means to a user; the errno code itself for the rare rest. */
export function outputErrorReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EROFS':
      return 'read-only file system';
    case 'EFBIG':
      return 'file too large';
    case 'EIO':
      return 'input/output error';
    default:
      return `cannot write (${code ?? String(err)})`;
  }
}

export class OutputFile {
  private pending: Buffer[] = [];
  private pendingLength = 0;

  private constructor(
    readonly path: string,
    private fd: number,
  ) {}

  /** Opens (creates or truncates, as a shell's `>` does) path for writing; refuses one of the inputs. */
  static open(path: string, inputs: readonly string[]): OutputFile {
    const target = identity(path);
    if (target && inputs.some((i) => i !== '-' && identity(i) === target)) throw new InputError('is also an input: refusing to overwrite it', path);
    try {
      return new OutputFile(path, openSync(path, 'w'));
    } catch (err) {
      throw new InputError(outputErrorReason(err), path);
    }
  }

  write(data: string | Buffer): void {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    this.pending.push(buf);
    this.pendingLength += buf.length;
    if (this.pendingLength >= BUFFER) this.flush();
  }

  close(): void {
    this.flush();
    try {
      closeSync(this.fd);
    } catch (err) {
      throw new InputError(outputErrorReason(err), this.path);
    }
  }

  private flush(): void {
    if (this.pendingLength === 0) return;
    const buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingLength);
    this.pending = [];
    this.pendingLength = 0;
    try {
      for (let off = 0; off < buf.length; ) off += writeSync(this.fd, buf, off);
    } catch (err) {
      // What was written would read as a whole product (an HTML page renders, a rename map applies): emptied,
      // as a run that failed before writing leaves it.
      try {
        ftruncateSync(this.fd, 0);
      } catch {
        // not a regular file (/dev/full): nothing is kept there anyway
      }
      throw new InputError(outputErrorReason(err), this.path);
    }
  }
}

/** device:inode of an existing file, null when there is none (yet). */
function identity(path: string): string | null {
  try {
    const s = statSync(path);
    return s.isFile() ? `${s.dev}:${s.ino}` : null;
  } catch {
    return null;
  }
}
