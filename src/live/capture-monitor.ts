// `capture monitor`: MONITOR on every node at once, each into its own sink (a file in redis-cli's exact
// format, or the analyzer), until the duration, a limit, a stop signal, or the node going away.
import { createWriteStream } from 'node:fs';
import { InputError } from '../ingest/input-error.js';
import type { LiveNode } from './discover.js';
import { type LineSink, openMonitor, type StreamLimits, type StreamResult, streamMonitor } from './monitor-stream.js';
import { address, type RedisEndpoint } from './connection-endpoint.js';

export interface NodeManifest extends StreamResult {
  id: string;
  address: string;
  role: LiveNode['role'];
  slots: [number, number][];
  primary?: string;
  file?: string;
}

export interface MonitorCaptureOptions extends StreamLimits {
  /** 0: until the signal stops it. */
  durationMs: number;
  signal?: AbortSignal;
  /** Called once MONITOR answered OK on every node: from here on, every command is in the capture. */
  onAttached?: () => void;
  sinkFor(node: LiveNode): { sink: LineSink; file?: string };
  /** Wraps each node's sink, to watch what is written to it (progress counts its lines). */
  watch?: (node: LiveNode, sink: LineSink) => LineSink;
}

export function fileSink(path: string): LineSink {
  const out = createWriteStream(path);
  return {
    write: (chunk) => out.write(chunk),
    end: () => new Promise((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve()))),
  };
}

export async function captureMonitor(ep: RedisEndpoint, nodes: LiveNode[], options: MonitorCaptureOptions): Promise<NodeManifest[]> {
  // Open every MONITOR first, so the captures start together; one failure cancels them all.
  const opened = await Promise.allSettled(nodes.map((n) => openMonitor(ep, n)));
  const failure = opened.findIndex((o) => o.status === 'rejected');
  if (failure >= 0) {
    for (const o of opened) if (o.status === 'fulfilled') o.value.socket.destroy();
    throw new InputError(`${address(nodes[failure])}: ${((opened[failure] as PromiseRejectedResult).reason as Error).message}`);
  }
  const streams = nodes.map((node, i) => {
    const { socket, rest } = (opened[i] as PromiseFulfilledResult<Awaited<ReturnType<typeof openMonitor>>>).value;
    const { sink, file } = options.sinkFor(node);
    return { node, file, ...streamMonitor(socket, rest, options.watch?.(node, sink) ?? sink, options, node) };
  });
  options.onAttached?.();
  const stopAll = (): void => streams.forEach((s) => s.stop());
  const timer = options.durationMs > 0 ? setTimeout(stopAll, options.durationMs) : undefined;
  // A signal that came while the MONITORs were opening stops them at once.
  if (options.signal?.aborted) stopAll();
  else options.signal?.addEventListener('abort', stopAll, { once: true });
  try {
    const results = await Promise.all(streams.map((s) => s.done));
    return streams.map((s, i) => ({ id: s.node.id, address: address(s.node), role: s.node.role, slots: s.node.slots, ...(s.node.primary ? { primary: s.node.primary } : {}), ...(s.file ? { file: s.file } : {}), ...results[i] }));
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', stopAll);
  }
}
