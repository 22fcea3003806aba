// `slotscope capture monitor|scan`: every node of a live deployment to files plus manifest.json.
import { join } from 'node:path';
import { captureMonitor, fileSink } from '../live/capture-monitor.js';
import { captureEach, captureFileName } from '../live/capture-run.js';
import { captureScan } from '../live/capture-scan.js';
import { parseDuration } from '../live/duration.js';
import { prepareReadyFile } from '../live/ready-file.js';
import { address } from '../live/redis-url.js';
import { listenForStop } from '../live/stop-signals.js';
import { count, seconds } from '../report/format-numbers.js';
import { captureProgress, linesFrom } from '../report/progress.js';
import { endStopped, forHowLong, monitorWarning, nodeCount, note, startProgress, warn } from './cli-io.js';

export interface CaptureMonitorOptions {
  out: string;
  duration: string;
  readyFile?: string;
  maxLines?: number;
  maxBytes?: number;
  passwordFile?: string;
}

export async function captureMonitorCommand(urls: string[], opts: CaptureMonitorOptions): Promise<void> {
  const durationMs = parseDuration(opts.duration);
  const ready = opts.readyFile ? prepareReadyFile(opts.readyFile) : undefined;
  const stop = listenForStop();
  await captureEach(urls, opts.out, 'monitor', opts.passwordFile, async (ep, topology) => {
    note(monitorWarning(topology.nodes.length, durationMs, opts.duration));
    const progress = captureProgress(startProgress(), durationMs);
    const nodes = await captureMonitor(ep, topology.nodes, {
      durationMs,
      maxLines: opts.maxLines,
      maxBytes: opts.maxBytes,
      signal: stop.stop,
      onAttached: () => {
        warn(`MONITOR attached on ${nodeCount(topology.nodes.length)}; capturing ${forHowLong(durationMs, opts.duration)}`);
        ready?.();
        progress.start();
      },
      sinkFor: (node) => {
        const file = join(opts.out, captureFileName(node, 'monitor'));
        return { sink: fileSink(file), file };
      },
      watch: (node, sink) => progress.counted(node, sink),
    });
    progress.done(`captured ${linesFrom(nodes)} into ${opts.out}`);
    return nodes;
  }, { stop, warn });
  endStopped(stop, `the files in ${opts.out} hold every complete line up to then, and manifest.json says so`);
}

export interface CaptureScanOptions {
  out: string;
  type?: string;
  memory?: boolean;
  ttl?: boolean;
  sample?: number;
  rate?: number;
  count: number;
  passwordFile?: string;
}

export async function captureScanCommand(urls: string[], opts: CaptureScanOptions): Promise<void> {
  const progress = startProgress();
  const stop = listenForStop();
  await captureEach(urls, opts.out, 'scan', opts.passwordFile, async (ep, topology) => {
    const primaries = topology.nodes.filter((n) => n.role === 'primary');
    progress.input(address(ep), 0, 1, 'scanning');
    const started = Date.now();
    const nodes = await captureScan(ep, topology, (n) => join(opts.out, captureFileName(n, 'csv')), {
      signal: stop.stop,
      now: stop.now,
      type: opts.type,
      memory: Boolean(opts.memory),
      ttl: Boolean(opts.ttl),
      sample: opts.sample,
      rate: opts.rate,
      count: opts.count,
      onProgress: (keys, done) => progress.status(`${count(keys)} keys, ${count(keys / Math.max(0.001, (Date.now() - started) / 1000))} keys/s, ${done}/${primaries.length} nodes done`),
    });
    progress.done(`scanned ${count(nodes.reduce((t, n) => t + n.keys, 0))} keys from ${nodeCount(nodes.length)} in ${seconds(Date.now() - started)} into ${opts.out}`);
    return nodes;
  }, { stop, warn });
  endStopped(stop, `the files in ${opts.out} hold the keys scanned up to then, and manifest.json says so`);
}
