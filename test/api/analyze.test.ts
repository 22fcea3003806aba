// The library's analyze() gives the report `slotscope analyze -f json` prints, whether the capture is a path,
// a Buffer, a Node stream or an async iterable of chunks: bytes in memory go through the same gzip decoding
// and the same refusals of compressed files as a file does.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, createReadStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { analyze, InputError, type Report } from '../../src/index.js';
import { CLI, slotscope } from '../helpers/cli.js';

/** The CLI helper reads stdout as latin1 (keys' exact bytes); the JSON itself is UTF-8. */
const utf8 = (latin1: string): string => Buffer.from(latin1, 'latin1').toString('utf8');

const SAMPLE = 'samples/app.monitor';
const MEMORY = 'samples/app-memory.csv';
const bytes = readFileSync(SAMPLE);

function cliReport(args: string[]): Report {
  const r = slotscope(['analyze', '-f', 'json', ...args]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(utf8(r.stdout)) as Report;
}

/** The report with its inputs' names taken out: what must not depend on where the bytes came from. */
const unnamed = (r: Report): Report => ({ ...r, inputs: r.inputs.map((i) => ({ ...i, path: '' })) });

async function* pieces(b: Buffer, size: number): AsyncGenerator<Uint8Array> {
  // Plain Uint8Arrays (not Buffers) cut mid-line and mid-argument, as a socket would deliver them.
  for (let at = 0; at < b.length; at += size) yield new Uint8Array(b.subarray(at, at + size));
}

describe('analyze()', () => {
  it('gives the CLI’s JSON report for the same paths, node names and options', async () => {
    const cli = cliReport(['--target', 'redis-7.0', SAMPLE, `app=${MEMORY}`]);
    const lib = await analyze([SAMPLE, { path: MEMORY, node: 'app' }], { target: 'redis-7.0' });
    expect(JSON.parse(JSON.stringify(lib))).toEqual(cli);
    expect(lib.totals.crossSlotCommands).toBeGreaterThan(0);
  });

  it('reads a Buffer, a Node stream, an async iterable and a gzip Buffer to the same report as the file', async () => {
    const fromFile = await analyze([{ path: SAMPLE, node: 'app' }]);
    const gzipped = execFileSync('gzip', ['-c'], { input: bytes });
    const reports = [
      await analyze([{ node: 'app', data: bytes }]),
      await analyze([{ node: 'app', data: createReadStream(SAMPLE, { highWaterMark: 4096 }) }]),
      await analyze([{ node: 'app', data: Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]) }]),
      await analyze([{ node: 'app', data: pieces(bytes, 7) }]),
      await analyze([{ node: 'app', data: gzipped }]),
      await analyze([{ node: 'app', data: pieces(gzipped, 3) }]),
    ];
    for (const r of reports) expect(unnamed(r)).toEqual(unnamed(fromFile));
    expect(reports[0].inputs[0]).toMatchObject({ path: 'app', node: 'app', format: 'monitor', bytes: bytes.length });
    // The parser unescapes in place: the caller's bytes must not be what it wrote over.
    expect(bytes.equals(readFileSync(SAMPLE))).toBe(true);
  });

  it('tells a MONITOR capture from a pipe that hands over its OK and a cut first line apart', async () => {
    // 7-byte pieces: the head holds `OK` and `1795380`, which alone would vote for a key dump.
    const r = await analyze([{ node: 'app', data: pieces(bytes, 7) }]);
    expect(r.inputs[0]).toMatchObject({ format: 'monitor', records: 1768, preamble: 1 });
    const child = spawn(process.execPath, [CLI, 'analyze', '-f', 'json', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    const closed = new Promise((resolve) => child.on('close', resolve));
    for (const piece of [bytes.subarray(0, 10), bytes.subarray(10)]) {
      child.stdin.write(piece);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    child.stdin.end();
    expect(await closed).toBe(0);
    expect((JSON.parse(Buffer.concat(out).toString()) as Report).inputs[0]).toMatchObject({ format: 'monitor', records: 1768 });
  });

  it('names a data input by its path when one is given, and by its node otherwise', async () => {
    const r = await analyze([{ node: 'cache', path: 'cache-1.monitor', data: bytes }, { node: 'app', data: bytes.subarray(0, 0) }]);
    expect(r.inputs.map((i) => [i.path, i.node, i.format])).toEqual([['cache-1.monitor', 'cache', 'monitor'], ['app', 'app', 'empty']]);
  });

  it('reads a path object literally, where a string is NAME=PATH as on the command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slotscope-api-'));
    copyFileSync(SAMPLE, join(dir, 'east=1.monitor'));
    copyFileSync(SAMPLE, join(dir, 'app.monitor'));
    const cwd = process.cwd();
    process.chdir(dir); // a bare file name, with no directory before its '='
    try {
      const r = await analyze(['west=app.monitor', { path: 'east=1.monitor' }]);
      expect(r.inputs.map((i) => [i.node, i.records])).toEqual([['west', 1768], ['east=1', 1768]]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('reads a file named by two inputs once, as the CLI does, and says so in the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slotscope-api-'));
    const file = join(dir, 'app.monitor');
    copyFileSync(SAMPLE, file);
    // The directory, the file in it, the file again by another path, and as a path object with a node name.
    const again = `${dir}/./app.monitor`;
    const lib = await analyze([dir, file, again, { path: file, node: 'other' }]);
    const once = await analyze([dir]);
    expect(lib.totals).toEqual(once.totals);
    expect(lib.inputs.map((i) => [i.path, i.node])).toEqual([[file, 'app']]);
    const notes = [`${file}: given twice; read once`, `${again}: the same file as ${file}; read once`, `${file}: given twice; read once`];
    expect(lib.warnings).toEqual(notes);
    const cli = slotscope(['analyze', '-f', 'json', dir, file, again, `other=${file}`]);
    expect(cli.stderr).toBe(notes.map((n) => `slotscope: ${n}\n`).join(''));
    expect(JSON.parse(utf8(cli.stdout))).toEqual(JSON.parse(JSON.stringify(lib)));
  });

  it('refuses compressed bytes in memory with the same reason as the file', async () => {
    const zstd = execFileSync('zstd', ['-c', '-q'], { input: bytes });
    const err = await analyze([{ node: 'app', data: zstd }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/^app: zstd-compressed; decompress it first/);
    // A stream cut before the 4 magic bytes are in is refused all the same.
    const cut = await analyze([{ node: 'app', data: pieces(zstd, 1) }]).catch((e: unknown) => e);
    expect((cut as InputError).reason).toBe((err as InputError).reason);
    const damaged = Buffer.from(execFileSync('gzip', ['-c'], { input: bytes }));
    damaged.writeUInt32LE((damaged.readUInt32LE(damaged.length - 8) ^ 1) >>> 0, damaged.length - 8);
    await expect(analyze([{ node: 'app', data: damaged }])).rejects.toThrow(/^app: corrupt gzip data/);
  });

  it('fails closed on a stream read twice, a text stream, and a file stream that cannot open', async () => {
    const once = Readable.from([bytes]);
    await analyze([{ node: 'app', data: once }]);
    await expect(analyze([{ node: 'app', data: once }])).rejects.toThrow('app: a stream or iterable input can be read only once; give a Buffer or a path');
    await expect(analyze([{ node: 'app', data: createReadStream(SAMPLE).setEncoding('utf8') }])).rejects.toThrow(/^app: the input yielded a string, not bytes/);
    await expect(analyze([{ node: 'gone', data: createReadStream('samples/no-such.monitor') }])).rejects.toThrow('gone: no such file');
    await expect(analyze([])).rejects.toThrow(InputError);
    await expect(analyze([SAMPLE], { target: 'redis-6' })).rejects.toThrow(/unknown target "redis-6": one of/);
  });

  it('redacts keys as --redact-keys does, with the same secret', async () => {
    const cli = slotscope(['analyze', '-f', 'json', '--redact-keys', SAMPLE], undefined);
    const lib = await analyze([SAMPLE], { redactKeys: true });
    expect(JSON.parse(JSON.stringify(lib))).toEqual(JSON.parse(utf8(cli.stdout)));
    expect(JSON.stringify(lib)).not.toContain('user:1');
    const given = await analyze([SAMPLE], { redactKeys: true, redactSecret: 'another' });
    expect(given.redacted).toEqual({ secret: 'given' });
    expect(JSON.stringify(given)).not.toEqual(JSON.stringify(lib));
  });
});
