// `slotscope capture monitor|scan`: every node of a live deployment to files plus manifest.json.
import { join } from 'node:path';
import { captureMonitor, fileSink } from '../live/capture-monitor.js';
import { captureEach, captureFileName } from '../live/capture-run.js';
import { captureScan } from '../live/capture-scan.js';
import { parseDuration } from '../live/duration.js';
import { prepareReadyFile } from '../live/ready-file.js';
import { address } from '../live/redis-url.js';
import { listenForStop } from '../live/stop-signals.js';
import { createProgress } from '../report/progress.js';
import { endStopped, forHowLong, monitorWarning, nodeCount, warn } from './cli-io.js';

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
  await captureEach(urls, opts.out, 'monitor', opts.passwordFile, (ep, topology) => {
    process.stderr.write(monitorWarning(topology.nodes.length, durationMs, opts.duration));
    return captureMonitor(ep, topology.nodes, {
      durationMs,
      maxLines: opts.maxLines,
      maxBytes: opts.maxBytes,
      signal: stop.stop,
      onAttached: () => {
        warn(`MONITOR attached on ${nodeCount(topology.nodes.length)}; capturing ${forHowLong(durationMs, opts.duration)}`);
        ready?.();
      },
      sinkFor: (node) => {
        const file = join(opts.out, captureFileName(node, 'monitor'));
        return { sink: fileSink(file), file };
      },
    });
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
  const progress = createProgress();
  const stop = listenForStop();
  await captureEach(urls, opts.out, 'scan', opts.passwordFile, async (ep, topology) => {
    const primaries = topology.nodes.filter((n) => n.role === 'primary');
    progress.input(address(ep), 0, 1);
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
      onProgress: (keys, done) => progress.status(`${keys.toLocaleString('en-US')} keys, ${Math.round(keys / Math.max(0.001, (Date.now() - started) / 1000)).toLocaleString('en-US')} keys/s, ${done}/${primaries.length} nodes done`),
    });
    progress.done();
    return nodes;
  }, { stop, warn });
  endStopped(stop, `the files in ${opts.out} hold the keys scanned up to then, and manifest.json says so`);
}
