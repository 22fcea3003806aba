// MONITOR on one node over a plain socket, so the lines reach the sink byte for byte as the server wrote
// them: each `+<line>\r\n` status reply becomes `<line>\n`, after an `OK` line, which is exactly what
// `redis-cli MONITOR` prints. (ioredis's own monitor mode re-parses lines and would lose bytes.)
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { address, type RedisEndpoint, tlsOptions } from './connection-endpoint.js';
import { refusal } from './refusal.js';

export interface LineSink {
  write(chunk: Buffer): void;
  end(): Promise<void>;
}

export interface StreamLimits {
  maxLines?: number;
  maxBytes?: number;
}

export interface StreamResult {
  lines: number;
  bytes: number;
  /** The connection ended before we stopped it: what was written is complete, but the capture is partial. */
  partial: boolean;
  error?: string;
  startedAt: string;
  stoppedAt: string;
}

const NL = Buffer.from('\n');

function encode(args: string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const a of args) parts.push(`$${Buffer.byteLength(a)}\r\n${a}\r\n`);
  return Buffer.from(parts.join(''));
}

/** Opens MONITOR on a node; resolves once it answered OK, or rejects with the server's words. */
export async function openMonitor(ep: RedisEndpoint, node: { host: string; port: number }): Promise<{ socket: Socket; rest: Buffer }> {
  const socket: Socket = ep.tls ? tlsConnect({ host: node.host, port: node.port, ...tlsOptions(ep, node.host) }) : netConnect({ host: node.host, port: node.port });
  let buf = Buffer.alloc(0);
  let waiting: { resolve: (line: string) => void; reject: (err: Error) => void } | null = null;
  // One reply line per request, and no more: MONITOR lines may follow the OK in the same packet.
  const take = (): void => {
    if (!waiting) return;
    const crlf = buf.indexOf('\r\n');
    if (crlf < 0) return;
    const line = buf.toString('latin1', 0, crlf);
    buf = buf.subarray(crlf + 2);
    const w = waiting;
    waiting = null;
    w.resolve(line);
  };
  const onData = (d: Buffer): void => {
    buf = Buffer.concat([buf, d]);
    take();
  };
  const next = (): Promise<string> =>
    new Promise((resolve, reject) => {
      waiting = { resolve, reject };
      take();
    });
  const failed = (err: Error): void => {
    const w = waiting;
    waiting = null;
    w?.reject(err);
  };
  socket.on('data', onData);
  socket.on('error', failed);
  socket.on('close', () => failed(new Error('connection closed')));
  await new Promise<void>((resolve, reject) => {
    socket.once(ep.tls ? 'secureConnect' : 'connect', () => resolve());
    socket.once('error', reject);
  });
  if (ep.password !== undefined) {
    socket.write(encode(ep.username ? ['AUTH', ep.username, ep.password] : ['AUTH', ep.password]));
    const r = await next();
    if (!r.startsWith('+')) {
      socket.destroy();
      throw new Error(refusal(ep, r) ?? r.slice(1));
    }
  }
  socket.write(encode(['MONITOR']));
  const ok = await next();
  if (ok !== '+OK') {
    socket.destroy();
    throw new Error(refusal(ep, ok) ?? ok.slice(1));
  }
  socket.off('data', onData);
  return { socket, rest: buf };
}

/** Streams a node's MONITOR lines into the sink until stop() or a limit; never splits a line. */
export function streamMonitor(socket: Socket, rest: Buffer, sink: LineSink, limits: StreamLimits, node: { host: string; port: number }): { done: Promise<StreamResult>; stop: () => void } {
  const result: StreamResult = { lines: 0, bytes: 0, partial: false, startedAt: new Date().toISOString(), stoppedAt: '' };
  let carry = Buffer.alloc(0);
  let stopped = false;
  let finish: () => void = () => {};
  const done = new Promise<StreamResult>((resolve) => {
    finish = () => {
      result.stoppedAt = new Date().toISOString();
      void sink.end().then(() => resolve(result));
    };
  });
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    socket.destroy();
    finish();
  };
  sink.write(Buffer.from('OK\n'));
  result.bytes += 3;
  const onData = (d: Buffer): void => {
    if (stopped) return;
    const chunk = carry.length ? Buffer.concat([carry, d]) : d;
    const out: Buffer[] = [];
    let pos = 0;
    for (;;) {
      const crlf = chunk.indexOf('\r\n', pos);
      if (crlf < 0) break;
      if (chunk[pos] === 0x2b) {
        const line = chunk.subarray(pos + 1, crlf);
        if ((limits.maxLines !== undefined && result.lines >= limits.maxLines) || (limits.maxBytes !== undefined && result.bytes + line.length + 1 > limits.maxBytes)) {
          if (out.length) sink.write(Buffer.concat(out));
          stop();
          return;
        }
        out.push(line, NL);
        result.lines++;
        result.bytes += line.length + 1;
      }
      pos = crlf + 2;
    }
    carry = Buffer.from(chunk.subarray(pos));
    if (out.length) sink.write(Buffer.concat(out));
  };
  socket.on('data', onData);
  socket.on('close', () => {
    if (stopped) return;
    stopped = true;
    result.partial = true;
    result.error = `${address(node)}: connection lost after ${result.lines} lines; the capture is complete up to there`;
    finish();
  });
  socket.on('error', () => {}); // 'close' follows and reports it
  if (rest.length) onData(rest);
  return { done, stop };
}
