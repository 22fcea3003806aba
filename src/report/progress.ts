// Progress on stderr: one line, cut to the terminal's width so it never wraps (a wrapped line leaves rows
// that `\r` cannot reach), redrawn at most 5 times a second, and only when stderr is a terminal. done()
// replaces it with a one-line summary, also only on a terminal: as with curl's meter or rsync's --progress,
// a pipe or a CI log gets the product and the messages that matter, not the running commentary.
import { statSync } from 'node:fs';
import type { InputStats } from '../ingest/input-stats.js';
import type { LineSink } from '../live/monitor-stream.js';
import { cutToWidth, terminalSafe } from './terminal-width.js';
import { byteSize, count, seconds } from './format-numbers.js';

export interface Progress {
  /** An input starts; `what` says what is done to it ("reading", "pass 2 reading"). */
  input(path: string, index: number, count: number, what?: string): void;
  bytes(rawBytes: number): void;
  /** A free-form status for the current input, such as keys scanned. */
  status(text: string): void;
  /** A whole line, for work that is not reading an input (a replay, a capture). */
  show(text: string): void;
  /** Clears the line; the summary, if any, takes its place. */
  done(summary?: string): void;
}

const NONE: Progress = { input() {}, bytes() {}, status() {}, show() {}, done() {} };
const REDRAW_MS = 200;

/** `read 3 inputs, 1.2 GB, 1,234,567 commands and 300 keys in 8.1 s (148 MB/s)`: what analyze, check and plan read. */
export function readSummary(inputs: readonly InputStats[], ms: number): string {
  let bytes = 0;
  let commands = 0;
  let keys = 0;
  for (const i of inputs) {
    bytes += i.bytes;
    if (i.format === 'monitor') commands += i.records;
    else keys += i.records;
  }
  const what = [commands || !keys ? `${count(commands)} commands` : '', keys ? `${count(keys)} keys` : ''].filter(Boolean).join(' and ');
  return `read ${inputs.length} input${inputs.length === 1 ? '' : 's'}, ${byteSize(bytes)}, ${what} in ${seconds(ms)} (${byteSize(bytes / Math.max(0.001, ms / 1000))}/s)`;
}

export function createProgress(stream: NodeJS.WriteStream | null = process.stderr): Progress {
  if (!stream?.isTTY) return NONE;
  let label = '';
  let size = 0;
  let started = Date.now();
  let last = 0;
  let drawn = false;
  const draw = (text: string): void => {
    const now = Date.now();
    if (now - last < REDRAW_MS) return;
    last = now;
    // One column short of the edge: a line that fills it leaves some terminals on the next row.
    stream.write(`\r\x1b[K${cutToWidth(terminalSafe(text), (stream.columns || 80) - 1)}`);
    drawn = true;
  };
  return {
    input(path, index, count, what = 'reading') {
      label = `${what} ${index + 1}/${count} ${path}`;
      try {
        size = path === '-' ? 0 : statSync(path).size;
      } catch {
        size = 0;
      }
      started = Date.now();
      last = 0;
    },
    bytes(raw) {
      const mb = raw / 1e6;
      const rate = mb / Math.max(0.001, (Date.now() - started) / 1000);
      const of = size > 0 ? ` of ${(size / 1e6).toFixed(0)} MB (${((100 * raw) / size).toFixed(0)}%)` : ' MB';
      draw(`${label}: ${mb.toFixed(0)}${of}, ${rate.toFixed(0)} MB/s`);
    },
    status(text) {
      draw(`${label}: ${text} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    },
    show(text) {
      draw(text);
    },
    done(summary) {
      if (drawn) stream.write('\r\x1b[K');
      if (summary) stream.write(`${cutToWidth(terminalSafe(summary), (stream.columns || 80) - 1)}\n`);
      drawn = false;
    },
  };
}

export interface CaptureProgress {
  /** The node's sink, counting the lines written to it (captureMonitor's `watch`). */
  counted(node: { host: string; port: number }, sink: LineSink): LineSink;
  /** MONITOR is attached everywhere: the clock starts. */
  start(): void;
  /** The capture ended: the line gives way to the summary. */
  done(summary: string): void;
}

/** `capture monitor`'s line: time left (or so far, with no duration) and lines/s per node over the last second. */
export function captureProgress(progress: Progress, durationMs: number): CaptureProgress {
  const nodes: { name: string; lines: number; before: number }[] = [];
  let started = 0;
  let tick = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = (): void => {
    const now = Date.now();
    const secs = Math.max(0.001, (now - tick) / 1000);
    const clock = durationMs > 0 ? `${Math.max(0, Math.ceil((durationMs - (now - started)) / 1000))} s left` : `${Math.round((now - started) / 1000)} s so far`;
    progress.show(`capturing ${nodes.length} node${nodes.length === 1 ? '' : 's'}, ${clock}: ${nodes.map((n) => `${n.name} ${count((n.lines - n.before) / secs)}/s`).join(', ')}`);
    for (const n of nodes) n.before = n.lines;
    tick = now;
  };
  return {
    counted({ host, port }, sink) {
      const node = { name: `${host}:${port}`, lines: 0, before: 0 };
      nodes.push(node);
      return {
        write(chunk) {
          for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) node.lines++;
          sink.write(chunk);
        },
        end: () => sink.end(),
      };
    },
    start() {
      started = tick = Date.now();
      timer = setInterval(draw, 1000).unref();
    },
    done(summary) {
      clearInterval(timer);
      progress.done(summary);
    },
  };
}

/** `12,345 lines from 3 nodes in 30 s`: what MONITOR brought, for capture's and analyze --live's summary. */
export function linesFrom(nodes: readonly { lines: number; startedAt: string; stoppedAt: string }[]): string {
  const ms = Math.max(0, ...nodes.map((n) => Date.parse(n.stoppedAt) - Date.parse(n.startedAt)));
  return `${count(nodes.reduce((t, n) => t + n.lines, 0))} lines from ${nodes.length} node${nodes.length === 1 ? '' : 's'} in ${seconds(ms)}`;
}
