import fc from 'fast-check';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientKind, MonitorParser } from '../../src/ingest/monitor-parser.js';
import { repr } from '../../src/ingest/sdsrepr.js';
import { LineSplitter } from '../../src/ingest/line-splitter.js';
import { monitorToFile, type RedisServer, startRedis } from '../helpers/redis.js';

function parseLine(line: string | Buffer) {
  const buf = Buffer.isBuffer(line) ? Buffer.from(line) : Buffer.from(line, 'latin1');
  const p = new MonitorParser();
  const kind = p.parse(buf, 0, buf.length, 1);
  const r = p.record;
  const args = Array.from({ length: r.argc }, (_, i) => Buffer.from(buf.subarray(r.start[i], r.end[i])));
  return { kind, error: p.error, args, db: r.db, client: r.clientAddress(), clientKind: r.clientKind, time: r.timeMicros };
}

describe('MONITOR line parser', () => {
  it('parses the line format of replicationFeedMonitors()', () => {
    const r = parseLine('1795370304.301218 [0 127.0.0.1:34022] "sadd" "user:1000:friends" "1118"');
    expect(r.kind).toBe('record');
    expect(r.args.map(String)).toEqual(['sadd', 'user:1000:friends', '1118']);
    expect(r.db).toBe(0);
    expect(r.client).toBe('127.0.0.1:34022');
    expect(r.time).toBe(1795370304301218);
  });

  it('reads any timestamp the same on the four-bytes-a-load path as byte by byte', () => {
    const parser = new MonitorParser();
    // The first parse of a buffer goes byte by byte; from the second on, a DataView serves four bytes a load.
    const twice = (line: string) => {
      const buf = Buffer.from(line, 'latin1');
      return [0, 1].map(() => [parser.parse(buf, 0, buf.length, 1), parser.record.timeMicros] as const);
    };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), fc.integer({ min: 0, max: 999_999 }), fc.constantFrom('', 'x', '.', ' '), (secs, micros, noise) => {
        const stamp = `${secs}.${String(micros).padStart(6, '0')}`;
        const [slow, fast] = twice(`${stamp} [0 10.0.0.1:5000] "get" "k"`);
        expect(fast).toEqual(slow);
        expect(slow).toEqual(['record', secs * 1e6 + micros]);
        // A stray byte anywhere in the stamp makes both paths refuse the line.
        const at = stamp.length - 1 - (secs % stamp.length);
        if (noise) {
          const [bad, badFast] = twice(`${stamp.slice(0, at)}${noise}${stamp.slice(at + 1)} [0 10.0.0.1:5000] "get" "k"`);
          expect(badFast[0]).toBe(bad[0]);
          expect(bad[0]).toBe(noise === '.' && stamp[at] === '.' ? 'record' : 'error');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('handles IPv6, unix-socket, lua and telnet (+) forms', () => {
    const v6 = parseLine('1795370304.000001 [3 [::1]:6379] "get" "a] \\"b"');
    expect(v6.client).toBe('[::1]:6379');
    expect(v6.db).toBe(3);
    expect(v6.args.map(String)).toEqual(['get', 'a] "b']);
    expect(parseLine('1795370304.000001 [0 unix:/run/redis.sock] "ping"').clientKind).toBe(ClientKind.Unix);
    expect(parseLine('1795370304.000001 [0 lua] "get" "k"').clientKind).toBe(ClientKind.Lua);
    expect(parseLine('+1795370304.000001 [0 1.2.3.4:5] "get" "k"').args.map(String)).toEqual(['get', 'k']);
    expect(parseLine('OK').kind).toBe('control');
  });

  it('round-trips any bytes through sdscatrepr escaping', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 6 }), (args) => {
        const line = '1795370304.301218 [0 10.0.0.1:1] ' + args.map((a) => repr(a)).join(' ');
        const r = parseLine(Buffer.from(line, 'latin1'));
        expect(r.kind).toBe('record');
        expect(r.args.map((a) => a.toString('hex'))).toEqual(args.map((a) => Buffer.from(a).toString('hex')));
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects malformed lines with a reason, never throws', () => {
    const cases: [string, RegExp][] = [
      ['1795370304.301218 [0 127.0.0.1:1] "get" "a\\q"', /^bad escape at byte 2 of argument 2$/],
      ['1795370304.301218 [0 127.0.0.1:1] "get" "a\\xZZ"', /bad escape/],
      ['1795370304.301218 [0 127.0.0.1:1] "get" "abc', /unterminated quote in argument 2/],
      ['1795370304.301218 [0 127.0.0.1:1] "get"x', /unexpected byte after argument 1/],
      ['1795370304.301218 [0 127.0.0.1:1] get', /client address is not closed|does not start with a quote/],
      ['1795370304.3012 [0 127.0.0.1:1] "get"', /6 digits/],
      ['hello world', /not a MONITOR line/],
      ['', /empty line/],
      ['1795370304.301218 [x 127.0.0.1:1] "get"', /db number/],
    ];
    for (const [line, reason] of cases) {
      const r = parseLine(line);
      expect(r.kind, line).toBe('error');
      expect(r.error, line).toMatch(reason);
    }
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      expect(['record', 'control', 'error']).toContain(parseLine(Buffer.from(bytes)).kind);
    }), { numRuns: 3000 });
  });
});

describe('a real redis-cli MONITOR capture', () => {
  let server: RedisServer;
  let file: string;
  const sent: Buffer[][] = [];
  beforeAll(async () => {
    server = await startRedis();
    file = join(mkdtempSync(join(tmpdir(), 'slotscope-mon-')), 'capture.monitor');
    const capture = await monitorToFile(server, file);
    const redis = server.client();
    const nasty = [Buffer.from([0, 1, 2, 0x7f, 0x80, 0xff]), Buffer.from('quote"back\\slash\n\r\t\x07\x08'), Buffer.from('h\u00e9llo {tag} \u{1f600}'), Buffer.from('')];
    for (const [i, k] of nasty.entries()) {
      const args = [Buffer.from('SET'), Buffer.concat([Buffer.from(`k${i}:`), k]), k];
      await redis.call('SET', args[1], args[2]);
      sent.push(args);
    }
    redis.disconnect();
    await capture.stop();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('gives back exactly the bytes the client sent', () => {
    const parser = new MonitorParser();
    const got: Buffer[][] = [];
    const splitter = new LineSplitter(
      (buf, start, end, lineNo) => {
        expect(parser.parse(buf, start, end, lineNo), buf.toString('latin1', start, end)).not.toBe('error');
        const r = parser.record;
        const first = r.argc > 0 ? buf.toString('latin1', r.start[0], r.end[0]).toLowerCase() : '';
        if (first === 'set') got.push(Array.from({ length: r.argc }, (_, i) => Buffer.from(buf.subarray(r.start[i], r.end[i]))));
      },
      () => {},
    );
    splitter.push(readFileSync(file));
    splitter.end();
    expect(got.map((a) => a.map((b) => b.toString('hex')))).toEqual(sent.map((a) => a.map((b) => b.toString('hex'))));
  });
});
