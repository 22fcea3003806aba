// Drives one input from bytes to records: open (gunzip), detect the format, split lines, parse, and hand
// records to the sink. Every line that is not a record is counted in the input's stats with its reason.
import { basename } from 'node:path';
import { detectFormat } from './format-detect.js';
import { openInput } from './input-source.js';
import { type InputData, openData } from './memory-source.js';
import { InputError } from './input-error.js';
import { INPUT_FORMATS, type InputFormat, InputStats } from './input-stats.js';
import { confirmLineEndings, DEFAULT_MAX_LINE, HEAD_BYTES, headLineEndings, LineSplitter } from './line-splitter.js';
import { readMemoryCsv } from './memory-csv.js';
import { MonitorParser } from './monitor-parser.js';
import type { RecordSink } from './records.js';
import { ScanLineParser } from './scan-parser.js';

export interface InputSpec {
  /** The file to read (`-`: stdin), or with `data` only the input's name in the report and messages. */
  path: string;
  node: string;
  format?: InputFormat;
  /** Addresses of the other captured nodes: lines with one as the client are a replication stream. */
  peers?: string[];
  /** The bytes themselves, read instead of `path`: gzip and the refusals of compressed files apply alike. */
  data?: InputData;
  /** A file holding a copy of the bytes of `path` (stdin or a named pipe, which give them once), read instead. */
  copy?: string;
}

export interface ReadOptions {
  maxLineBytes?: number;
  /** Called after each chunk with the bytes read from this input so far. */
  onProgress?: (rawBytes: number) => void;
}

/** How a read worker takes part in readInput(): its own stats, and its shared slabs to split lines in. */
export interface ReadStage {
  stats: InputStats;
  /** Copies a chunk of lines into shared memory, handing each piece there to `split` (not used for CSV). */
  place(chunk: Buffer, split: (piece: Buffer) => void): void;
}

/** `--node NAME=PATH`, or a bare PATH whose node is its file name without extensions. */
export function parseInputArg(arg: string, format?: InputFormat): InputSpec {
  const eq = arg.indexOf('=');
  if (eq > 0 && !arg.slice(0, eq).includes('/')) return { node: arg.slice(0, eq), path: arg.slice(eq + 1), format };
  if (arg === '-') return { node: 'stdin', path: '-', format };
  return { node: nodeName(arg), path: arg, format };
}

/** A file's node name: its name without the extensions a capture carries. */
export function nodeName(path: string): string {
  let name = basename(path);
  while (KNOWN_EXTENSION.test(name)) name = name.replace(KNOWN_EXTENSION, '');
  return name || basename(path);
}

/** Extensions dropped from a file name to make its node name (`10.0.0.5-6379.monitor.gz` -> `10.0.0.5-6379`). */
const KNOWN_EXTENSION = /\.(gz|monitor|mon|txt|log|csv|scan|keys)$/i;

export async function readInput(spec: InputSpec, sink: RecordSink, options: ReadOptions = {}, stage?: ReadStage): Promise<InputStats> {
  const stats = stage?.stats ?? new InputStats(spec.path, spec.node);
  const source = spec.data === undefined ? openInput(spec.copy ?? spec.path, spec.path) : openData(spec.data, spec.path);
  const it = source.chunks[Symbol.asyncIterator]();

  // Hold chunks until the first full line (or 64 KiB) so the format can be told.
  const head: Buffer[] = [];
  let headLength = 0;
  let done = false;
  while (!done && headLength < HEAD_BYTES && (head.length === 0 || head[head.length - 1].indexOf(10) < 0)) {
    // A chunk held while the next is read is a copy: the source may read into the same buffer (ChunkSource).
    if (head.length > 0) head[head.length - 1] = Buffer.from(head[head.length - 1]);
    const next = await it.next();
    if (next.done) done = true;
    else {
      head.push(next.value);
      headLength += next.value.length;
    }
  }
  if (headLength === 0) return stats; // empty input: format stays 'empty'
  const headBytes = head.length === 1 ? head[0] : Buffer.concat(head, headLength);
  stats.lineEndings = headLineEndings(headBytes);
  if (spec.format) stats.format = spec.format;
  else {
    // Only whole lines vote: a pipe or an iterable may hand over `OK\n17953806`, whose cut MONITOR line reads as a key.
    const lastNl = headBytes.lastIndexOf(10);
    const detected = detectFormat(done || lastNl < 0 ? headBytes : headBytes.subarray(0, lastNl + 1));
    if ('unsure' in detected) throw new InputError(`cannot tell the format of ${spec.path} (${detected.unsure}); pass --input-format ${INPUT_FORMATS.join('|')}`);
    stats.format = detected.format;
  }

  async function* chunks(): AsyncGenerator<Buffer> {
    yield* head;
    if (done) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const progress = (n: number): void => {
    stats.bytes += n;
    options.onProgress?.(source.rawBytes());
  };

  if (stats.format === 'memory-csv') {
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const c of chunks()) {
        progress(c.length);
        yield c;
      }
    }
    await readMemoryCsv(counted(), spec.node, sink, stats, options.maxLineBytes);
    return finish(stats, source.notes);
  }

  const onLine = lineHandler(stats.format, spec.node, sink, stats);
  // A CR before a newline is never data in MONITOR lines or quoted keys (sdscatrepr escapes it).
  const rawKeys = stats.format === 'scan';
  const splitter = new LineSplitter(onLine, (line, length) => stats.skip(line, `line of ${length} bytes is longer than the ${options.maxLineBytes ?? DEFAULT_MAX_LINE}-byte limit`), options.maxLineBytes, !rawKeys || stats.lineEndings === 'crlf');
  const split = (piece: Buffer): void => splitter.push(piece);
  for await (const chunk of chunks()) {
    if (stage) stage.place(chunk, split);
    else splitter.push(chunk);
    progress(chunk.length);
  }
  splitter.end();
  stats.lines = splitter.lines;
  if (rawKeys) {
    const { lineEndings, note } = confirmLineEndings(stats.lineEndings, splitter.lfOnly);
    stats.lineEndings = lineEndings;
    if (note) stats.notes.push(note);
  }
  return finish(stats, source.notes);
}

/** Adds the notes of the source, and one when not a line was read. */
function finish(stats: InputStats, sourceNotes: string[]): InputStats {
  stats.notes.push(...sourceNotes);
  noteNothingRead(stats);
  return stats;
}

/** A note when every line was skipped: a wrong --input-format, say. */
export function noteNothingRead(stats: InputStats): void {
  if (stats.records === 0 && stats.skippedCount > 0) stats.notes.push(`no line could be read as ${stats.format}: all ${stats.skippedCount} skipped`);
}

/** Turns lines of one input into records for the sink, counting what it skips. */
export function lineHandler(format: InputFormat, node: string, sink: RecordSink, stats: InputStats) {
  if (format === 'monitor') {
    const parser = new MonitorParser();
    return (buf: Buffer, start: number, end: number, lineNo: number): void => {
      const kind = parser.parse(buf, start, end, lineNo);
      if (kind === 'record') {
        const refused = sink.command(parser.record, node);
        if (refused) stats.skip(lineNo, refused);
        else stats.records++;
      } else if (kind === 'error') stats.skip(lineNo, parser.error);
      else stats.preamble++;
    };
  }
  const parser = new ScanLineParser(format === 'scan-quoted');
  return (buf: Buffer, start: number, end: number, lineNo: number): void => {
    if (parser.parse(buf, start, end)) {
      stats.records++;
      sink.key(buf, parser.start, parser.end, node, null);
    } else stats.skip(lineNo, parser.error);
  };
}
