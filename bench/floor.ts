// The runtime's floor under the CLI, one stage more per level, each a process of its own as the CLI is:
//   read      read the file in 1 MiB chunks and count newlines (what any reader pays)
//   split     + our LineSplitter handing each line over as (buffer, start, end)
//   parse     + our MonitorParser on each line (no analysis)
//   crc16     + the CRC16 slot of every argument after the command name (keys, roughly)
// `node dist/bench/floor.js LEVEL FILE` prints the line count (a sink, so no stage is optimised away).
import { closeSync, openSync, readSync } from 'node:fs';
import { LineSplitter } from '../src/ingest/line-splitter.js';
import { MonitorParser } from '../src/ingest/monitor-parser.js';
import { slotOfRange } from '../src/slot/key-slot.js';

export const FLOOR_LEVELS = ['read', 'split', 'parse', 'crc16'] as const;
export type FloorLevel = (typeof FLOOR_LEVELS)[number];

function floor(level: FloorLevel, path: string): number {
  let sink = 0;
  const parser = new MonitorParser();
  const rec = parser.record;
  const onLine = level === 'split'
    ? (_b: Buffer, s: number, e: number): void => { sink += e - s; }
    : level === 'parse'
      ? (b: Buffer, s: number, e: number, n: number): void => { if (parser.parse(b, s, e, n) === 'record') sink += rec.argc; }
      : (b: Buffer, s: number, e: number, n: number): void => {
        if (parser.parse(b, s, e, n) !== 'record') return;
        for (let a = 1; a < rec.argc; a++) sink ^= slotOfRange(rec.buf, rec.start[a], rec.end[a]);
      };
  const splitter = new LineSplitter(onLine, () => {});
  const fd = openSync(path, 'r');
  let lines = 0;
  let n: number;
  for (;;) {
    // A fresh chunk per read, as a stream hands them over: the parser unescapes in place.
    const buf = Buffer.allocUnsafe(1 << 20);
    n = readSync(fd, buf, 0, buf.length, null);
    if (n <= 0) break;
    if (level === 'read') for (let i = buf.indexOf(10); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) lines++;
    else splitter.push(n === buf.length ? buf : buf.subarray(0, n));
  }
  closeSync(fd);
  splitter.end();
  return (level === 'read' ? lines : splitter.lines) + (sink & 0);
}

const [level, path] = process.argv.slice(2) as [FloorLevel, string];
if (path && (FLOOR_LEVELS as readonly string[]).includes(level)) console.log(floor(level, path));
