// Rewriting the strings inside a MessagePack argument. BullMQ packs a script's ARGV with msgpackr
// (addJob's first argument is [prefix, jobId, name, timestamp, parentKey, ...], unpacked by cmsgpack in
// the script), so a prefix rewritten byte by byte there would change a string's length but not the length
// written before it: the script would unpack garbage and build keys nobody asked for. Here each string is
// rewritten and its header re-encoded for its new length.

const MAX_DEPTH = 32;

/**
 * The argument with `rewrite` applied to each string inside it, when it is exactly one MessagePack array
 * or map; null otherwise (the caller rewrites it as plain bytes).
 */
export function rewriteMsgpackStrings(arg: Buffer, rewrite: (s: Buffer) => Buffer): Buffer | null {
  const b = arg[0];
  const container = (b >= 0x80 && b <= 0x9f) || (b >= 0xdc && b <= 0xdf);
  if (!container) return null;
  const out: Buffer[] = [];
  return value(arg, 0, out, 0, rewrite) === arg.length ? Buffer.concat(out) : null;
}

/** Parses the value at `at`, appending its (rewritten) bytes to out; returns where it ends, or -1. */
function value(buf: Buffer, at: number, out: Buffer[], depth: number, rewrite: (s: Buffer) => Buffer): number {
  if (at >= buf.length || depth > MAX_DEPTH) return -1;
  const b = buf[at];
  const copy = (n: number): number => {
    if (at + n > buf.length) return -1;
    out.push(buf.subarray(at, at + n));
    return at + n;
  };
  const str = (header: number, length: number): number => {
    const start = at + header;
    if (start + length > buf.length) return -1;
    const rewritten = rewrite(buf.subarray(start, start + length));
    out.push(strHeader(rewritten.length), rewritten);
    return start + length;
  };
  const items = (header: number, count: number): number => {
    if (at + header > buf.length) return -1;
    out.push(buf.subarray(at, at + header));
    let p = at + header;
    for (let i = 0; i < count && p >= 0; i++) p = value(buf, p, out, depth + 1, rewrite);
    return p;
  };
  if (b <= 0x7f || b >= 0xe0) return copy(1); // fixint
  if (b >= 0xa0 && b <= 0xbf) return str(1, b & 0x1f);
  if (b >= 0x90 && b <= 0x9f) return items(1, b & 0x0f);
  if (b >= 0x80 && b <= 0x8f) return items(1, (b & 0x0f) * 2);
  const need = (n: number): boolean => at + n <= buf.length;
  switch (b) {
    case 0xc0: case 0xc2: case 0xc3: return copy(1); // nil, false, true
    case 0xcc: case 0xd0: return copy(2);
    case 0xcd: case 0xd1: return copy(3);
    case 0xca: case 0xce: case 0xd2: return copy(5);
    case 0xcb: case 0xcf: case 0xd3: return copy(9);
    case 0xd4: return copy(3); // fixext 1
    case 0xd5: return copy(4);
    case 0xd6: return copy(6);
    case 0xd7: return copy(10);
    case 0xd8: return copy(18);
    case 0xc4: return need(2) ? copy(2 + buf[at + 1]) : -1; // bin 8
    case 0xc5: return need(3) ? copy(3 + buf.readUInt16BE(at + 1)) : -1;
    case 0xc6: return need(5) ? copy(5 + buf.readUInt32BE(at + 1)) : -1;
    case 0xc7: return need(2) ? copy(3 + buf[at + 1]) : -1; // ext 8
    case 0xc8: return need(3) ? copy(4 + buf.readUInt16BE(at + 1)) : -1;
    case 0xc9: return need(5) ? copy(6 + buf.readUInt32BE(at + 1)) : -1;
    case 0xd9: return need(2) ? str(2, buf[at + 1]) : -1; // str 8
    case 0xda: return need(3) ? str(3, buf.readUInt16BE(at + 1)) : -1;
    case 0xdb: return need(5) ? str(5, buf.readUInt32BE(at + 1)) : -1;
    case 0xdc: return need(3) ? items(3, buf.readUInt16BE(at + 1)) : -1; // array 16
    case 0xdd: return need(5) ? items(5, buf.readUInt32BE(at + 1)) : -1;
    case 0xde: return need(3) ? items(3, buf.readUInt16BE(at + 1) * 2) : -1; // map 16
    case 0xdf: return need(5) ? items(5, buf.readUInt32BE(at + 1) * 2) : -1;
    default: return -1; // 0xc1 is never used
  }
}

/** The smallest str header for a string of n bytes, as msgpackr writes it. */
function strHeader(n: number): Buffer {
  if (n < 32) return Buffer.from([0xa0 | n]);
  if (n < 0x100) return Buffer.from([0xd9, n]);
  const h = Buffer.alloc(n < 0x10000 ? 3 : 5);
  h[0] = n < 0x10000 ? 0xda : 0xdb;
  if (n < 0x10000) h.writeUInt16BE(n, 1);
  else h.writeUInt32BE(n, 1);
  return h;
}
