// Seeded mutations of real inputs for the fuzzer: each case is a sample with a few damaging edits, the way
// files get damaged in practice (cut transfers, editors, binary keys, wrong files), optionally gzipped.
import { gzipSync } from 'node:zlib';

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Case {
  id: number;
  sample: string;
  /** What was done, for the failure report. */
  ops: string[];
  bytes: Buffer;
  maxLineBytes?: number;
}

const INSERTS = ['"', '\\', '\x00', '\r', ',', '\n', '"\n', '\\x', '\\x4', '{', '}', '\ufeff', '""', '\r\n', ' '].map((s) => Buffer.from(s, 'utf8'));

type Op = (b: Buffer, r: () => number) => [Buffer, string];

const int = (r: () => number, n: number): number => Math.floor(r() * n);

const OPS: Op[] = [
  (b, r) => {
    const out = Buffer.from(b);
    const n = 1 + int(r, 8);
    for (let i = 0; i < n && out.length > 0; i++) out[int(r, out.length)] ^= 1 + int(r, 255);
    return [out, `flip ${n} bytes`];
  },
  (b, r) => {
    const at = int(r, b.length + 1);
    return [b.subarray(0, at), `cut at ${at}`];
  },
  (b, r) => {
    const from = int(r, b.length + 1);
    const to = Math.min(b.length, from + int(r, 400));
    return [Buffer.concat([b.subarray(0, from), b.subarray(to)]), `delete ${from}-${to}`];
  },
  (b, r) => {
    const out: Buffer[] = [];
    const n = 1 + int(r, 6);
    let last = 0;
    const at = Array.from({ length: n }, () => int(r, b.length + 1)).sort((x, y) => x - y);
    const what: string[] = [];
    for (const p of at) {
      const ins = INSERTS[int(r, INSERTS.length)];
      out.push(b.subarray(last, p), ins);
      what.push(`${p}:${JSON.stringify(ins.toString('latin1'))}`);
      last = p;
    }
    out.push(b.subarray(last));
    return [Buffer.concat(out), `insert ${what.join(' ')}`];
  },
  (b, r) => {
    const at = lineStart(b, int(r, b.length + 1));
    const len = [70_000, 200_000, 1_100_000][int(r, 3)];
    const fill = Buffer.alloc(len, ['a', '"', '\\', 'x,'][int(r, 4)]);
    return [Buffer.concat([b.subarray(0, at), fill, Buffer.from('\n'), b.subarray(at)]), `huge line of ${len} at ${at}`];
  },
  (b, r) => {
    const g = Buffer.from(Array.from({ length: 1 + int(r, 300) }, () => int(r, 256)));
    return [Buffer.concat([b, g]), `append ${g.length} random bytes`];
  },
  (b, r) => {
    const at = lineStart(b, int(r, b.length + 1));
    const end = b.indexOf(10, at);
    const line = b.subarray(at, end < 0 ? b.length : end + 1);
    return [Buffer.concat([b.subarray(0, at), line, line, b.subarray(at)]), `repeat line at ${at}`];
  },
  (b, r) => {
    const at = lineStart(b, int(r, b.length + 1));
    const n = 1 + int(r, 3);
    return [Buffer.concat([b.subarray(0, at), Buffer.alloc(n, 10), b.subarray(at)]), `${n} empty lines at ${at}`];
  },
  (b, r) => {
    // A field quoted with a newline in it: a valid CSV row over two lines, damage to anything else.
    const comma = b.indexOf(0x2c, int(r, b.length + 1));
    if (comma < 0) return [b, 'no comma to quote after'];
    const next = b.indexOf(0x2c, comma + 1);
    const end = next < 0 || b.indexOf(10, comma + 1) < next ? comma + 1 : next;
    const field = b.subarray(comma + 1, end).toString('latin1');
    const cut = int(r, field.length + 1);
    const quoted = Buffer.from(`"${`${field.slice(0, cut)}\n${field.slice(cut)}`.replace(/"/g, '""')}"`, 'latin1');
    return [Buffer.concat([b.subarray(0, comma + 1), quoted, b.subarray(end)]), `quote the field at ${comma + 1} with a newline`];
  },
];

function lineStart(b: Buffer, at: number): number {
  const nl = b.lastIndexOf(10, at - 1);
  return nl < 0 ? 0 : nl + 1;
}

export function makeCase(id: number, seed: number, samples: { name: string; bytes: Buffer }[]): Case {
  const r = rng(seed * 1_000_003 + id);
  const sample = samples[int(r, samples.length)];
  let bytes = sample.bytes;
  const ops: string[] = [];
  const n = 1 + int(r, 3);
  for (let i = 0; i < n; i++) {
    const [next, what] = OPS[int(r, OPS.length)](bytes, r);
    bytes = next;
    ops.push(what);
  }
  const wrap = r();
  if (wrap < 0.15) {
    bytes = gzipSync(bytes);
    ops.push('gzip');
  } else if (wrap < 0.25) {
    const gz = gzipSync(bytes);
    const at = int(r, gz.length);
    bytes = gz.subarray(0, at);
    ops.push(`gzip, truncated at ${at} of ${gz.length}`);
  } else if (wrap < 0.3) {
    bytes = Buffer.concat([gzipSync(bytes), Buffer.from('trailing garbage\n')]);
    ops.push('gzip, garbage after the stream');
  }
  const maxLineBytes = r() < 0.2 ? 65_536 : undefined;
  if (maxLineBytes) ops.push(`--max-line-bytes ${maxLineBytes}`);
  return { id, sample: sample.name, ops, bytes, maxLineBytes };
}
