// `analyze --live`: MONITOR every node and analyse the lines as they arrive; nothing is written to disk.
import { InputStats } from '../ingest/input-stats.js';
import { LineSplitter } from '../ingest/line-splitter.js';
import { ReplicationStreamFilter } from '../ingest/replication-stream.js';
import { lineHandler } from '../ingest/read-input.js';
import { captureMonitor, type MonitorCaptureOptions, type NodeManifest } from '../live/capture-monitor.js';
import { discover, type Topology } from '../live/discover.js';
import { address, type RedisEndpoint } from '../live/redis-url.js';
import type { AnalysisResult } from './analyze-inputs.js';
import { Analyzer, type AnalyzerOptions } from './analyzer.js';

export interface LiveOptions extends AnalyzerOptions, Pick<MonitorCaptureOptions, 'watch'> {
  durationMs: number;
  maxLines?: number;
  maxBytes?: number;
  signal?: AbortSignal;
  onTopology?: (t: Topology) => void;
  /** MONITOR answered OK on every node. */
  onAttached?: () => void;
}

/** What the report needs to know of the deployment: its primaries and their slot ranges. */
export interface KnownPrimaries {
  mode: Topology['mode'];
  primaries: { address: string; slots: [number, number][] }[];
}

export async function analyzeLive(ep: RedisEndpoint, options: LiveOptions): Promise<AnalysisResult & { nodes: NodeManifest[]; known: KnownPrimaries }> {
  const topology = await discover(ep);
  options.onTopology?.(topology);
  const analyzer = new Analyzer(options);
  const inputs: InputStats[] = [];
  const nodes = await captureMonitor(ep, topology.nodes, {
    ...options,
    sinkFor: (node) => {
      const name = address(node);
      const stats = new InputStats(`live:${name}`, name);
      stats.format = 'monitor';
      inputs.push(stats);
      // A replica's MONITOR also shows the writes it replays from its primary (and, after a failover,
      // a former primary those of its new one): lines whose client is another node are counted apart.
      const replication = new ReplicationStreamFilter(analyzer, topology.nodes.filter((n) => n !== node).map(address));
      const splitter = new LineSplitter(lineHandler('monitor', name, replication, stats), (line, length) => stats.skip(line, `line of ${length} bytes is too long`));
      return {
        sink: {
          write(chunk) {
            stats.bytes += chunk.length;
            splitter.push(chunk);
          },
          async end() {
            splitter.end();
            stats.lines = splitter.lines;
            ({ lines: stats.replicationLines, from: stats.replicationFrom } = replication.total());
            analyzer.endInput(name);
          },
        },
      };
    },
  });
  analyzer.finish();
  const known = { mode: topology.mode, primaries: topology.nodes.filter((n) => n.role === 'primary').map((n) => ({ address: address(n), slots: n.slots })) };
  return { analyzer, inputs, nodes, known };
}
