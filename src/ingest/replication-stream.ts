// A replica's MONITOR shows the writes it replays from its primary, with the primary's address as the
// client (replicationFeedMonitors() in replication.c prints masterhost:masterport), which the primary's
// own capture already holds. Lines whose client is another captured node are counted apart and kept out
// of the traffic. One filter for files and for `analyze --live`.
import type { MonitorRecord } from './monitor-parser.js';
import type { KeyMeta, RecordSink } from './records.js';

export class ReplicationStreamFilter implements RecordSink {
  private readonly peers: Buffer[];
  /** Lines from each peer, in the order given. */
  readonly lines: Uint32Array;

  constructor(
    private readonly inner: RecordSink,
    readonly peerAddresses: string[],
  ) {
    this.peers = peerAddresses.map((a) => Buffer.from(a, 'latin1'));
    this.lines = new Uint32Array(peerAddresses.length);
  }

  command(rec: MonitorRecord, node: string): string | void {
    const length = rec.clientEnd - rec.clientStart;
    for (let i = 0; i < this.peers.length; i++) {
      const peer = this.peers[i];
      if (peer.length === length && peer.compare(rec.buf, rec.clientStart, rec.clientEnd) === 0) {
        this.lines[i]++;
        return;
      }
    }
    return this.inner.command(rec, node);
  }

  key(buf: Buffer, start: number, end: number, node: string, meta: KeyMeta | null): void {
    this.inner.key(buf, start, end, node, meta);
  }

  /** Lines left out, and the peers they came from. */
  total(): { lines: number; from: string[] } {
    return { lines: this.lines.reduce((t, v) => t + v, 0), from: this.peerAddresses.filter((_, i) => this.lines[i] > 0) };
  }
}
