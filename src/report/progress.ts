// A progress line on stderr, only when stderr is a terminal, redrawn at most 5 times a second.
import { statSync } from 'node:fs';

export interface Progress {
  input(path: string, index: number, count: number): void;
  bytes(rawBytes: number): void;
  /** A free-form status for the current input, such as keys scanned. */
  status(text: string): void;
  done(): void;
}

const NONE: Progress = { input() {}, bytes() {}, status() {}, done() {} };

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return NONE;
  let label = '';
  let size = 0;
  let started = Date.now();
  let last = 0;
  let drawn = false;
  return {
    input(path, index, count) {
      label = `${index + 1}/${count} ${path}`;
      try {
        size = path === '-' ? 0 : statSync(path).size;
      } catch {
        size = 0;
      }
      started = Date.now();
      last = 0;
    },
    bytes(raw) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      const mb = raw / 1e6;
      const rate = mb / Math.max(0.001, (now - started) / 1000);
      const of = size > 0 ? ` of ${(size / 1e6).toFixed(0)} MB (${((100 * raw) / size).toFixed(0)}%)` : ' MB';
      stream.write(`\r\x1b[Kreading ${label}: ${mb.toFixed(0)}${of}, ${rate.toFixed(0)} MB/s`);
      drawn = true;
    },
    status(text) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      const secs = Math.max(0.001, (now - started) / 1000);
      stream.write(`\r\x1b[K${label}: ${text} (${secs.toFixed(0)} s)`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
