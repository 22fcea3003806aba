// `slotscope record`: MONITOR attached on every node of every deployment, then COMMAND run with the
// terminal passed through, then each capture drained and ended once COMMAND exits, and a manifest.json
// written beside the files as `capture monitor` writes it.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { captureMonitor, fileSink, type NodeManifest } from './capture-monitor.js';
import { type CaptureEntry, captureFileName, type CaptureRun, describeCapture, writeManifest } from './capture-run.js';
import { connect, discover, type LiveNode, type Topology } from './discover.js';
import type { LineSink } from './monitor-stream.js';
import { address, type RedisEndpoint, safeMessage } from './connection-endpoint.js';
import { refusal } from './refusal.js';
import { listenForStop, STOP_SIGNALS, type StopSignalName, type StopSignals, unlessAborted } from './stop-signals.js';

/** How long a MONITOR may lag behind its server once COMMAND exited before its file is closed without the marker. */
const DRAIN_MS = 10_000;
const NL = 0x0a;

export interface RecordOptions {
  endpoints: RedisEndpoint[];
  out: string;
  command: string;
  args: string[];
  warn(message: string): void;
  /** Called once MONITOR answered OK on every node, just before COMMAND starts. */
  onAttached?(nodes: number): void;
}

/** How COMMAND ended, with the code a shell would report for it. */
export type CommandEnd =
  | { how: 'exited'; code: number }
  | { how: 'killed'; signal: NodeJS.Signals; code: number }
  /** 127: not found, 126: found but not executable (as sh reports them). */
  | { how: 'not-run'; code: 126 | 127; reason: string };

export interface RecordResult {
  /** Undefined when a stop signal came before COMMAND started, or a second one before it ended. */
  end?: CommandEnd;
  /** The capture files written, one per node, as paths under out. */
  files: string[];
  /** The first stop signal, if one came: the caller ends the run with its exit code (endStopped). */
  stop: StopSignals;
}

/**
 * A sink that, once armed with a marker, passes lines up to the one holding it and drops the rest: the
 * marker is an ECHO sent after COMMAND exited, so everything before it in this node's MONITOR stream is
 * everything the node ran until then. streamMonitor hands over whole lines only, so a chunk never splits one.
 */
function drainableSink(inner: LineSink): { sink: LineSink; arm(marker: Buffer): Promise<void>; dropped: { lines: number; bytes: number } } {
  let marker: Buffer | undefined;
  let cut = false;
  let seen!: () => void;
  const seenMarker = new Promise<void>((resolve) => (seen = resolve));
  const dropped = { lines: 0, bytes: 0 };
  const drop = (buf: Buffer): void => {
    dropped.bytes += buf.length;
    for (let i = buf.indexOf(NL); i >= 0; i = buf.indexOf(NL, i + 1)) dropped.lines++;
  };
  return {
    sink: {
      write(chunk) {
        if (cut) return drop(chunk);
        const at = marker ? chunk.indexOf(marker) : -1;
        if (at < 0) return inner.write(chunk);
        const lineStart = chunk.lastIndexOf(NL, at) + 1;
        if (lineStart > 0) inner.write(chunk.subarray(0, lineStart));
        drop(chunk.subarray(lineStart));
        cut = true;
        seen();
      },
      end: () => inner.end(),
    },
    arm(m) {
      marker = m;
      return seenMarker;
    },
    dropped,
  };
}

interface Tap {
  node: LiveNode;
  ep: RedisEndpoint;
  /** A connection opened before MONITOR attached, so that its AUTH and PING are not in the capture. */
  redis: Redis;
  file: string;
  /** Made once MONITOR is open on every node of the deployment (captureMonitor's sinkFor). */
  drain?: ReturnType<typeof drainableSink>;
}

interface Deployment {
  ep: RedisEndpoint;
  topology: Topology;
  taps: Tap[];
  capture?: Promise<NodeManifest[]>;
}

/**
 * Terminal signals (Ctrl-C's SIGINT, a hangup's SIGHUP) reach COMMAND already: the terminal sends them to
 * the whole foreground process group, which COMMAND shares with us. Forwarding them too would deliver each
 * twice, and test runners take a second SIGINT as "kill now". SIGTERM (a CI cancel, `kill`) reaches only
 * us, so it is always passed on.
 */
function forwarded(signal: StopSignalName): boolean {
  return signal === 'SIGTERM' || !process.stdin.isTTY;
}

function runCommand(command: string, args: string[], now: AbortSignal): { child: ChildProcess; end: Promise<CommandEnd | undefined> } {
  const child = spawn(command, args, { stdio: 'inherit' });
  const end = new Promise<CommandEnd>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? { how: 'killed', signal, code: 128 + constants.signals[signal] } : { how: 'exited', code: code ?? 0 }));
    child.on('error', (err: NodeJS.ErrnoException) => {
      // Only a failed start ends the run here; a failed kill of a running child is not an end.
      if (child.pid !== undefined) return;
      resolve(err.code === 'ENOENT' ? { how: 'not-run', code: 127, reason: 'command not found' } : { how: 'not-run', code: 126, reason: err.code === 'EACCES' ? 'permission denied' : `cannot run (${err.code ?? err.message})` });
    });
  });
  return { child, end: unlessAborted(end, now) };
}

/** Sends the marker on each node and waits until its MONITOR shows it, or DRAIN_MS, or a second signal. */
async function drain(taps: Tap[], now: AbortSignal, warn: (m: string) => void): Promise<void> {
  const marker = `slotscope-record-end-${randomBytes(8).toString('hex')}`;
  await Promise.all(
    taps.map(async (t) => {
      if (!t.drain) return;
      const seen = t.drain.arm(Buffer.from(marker));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), DRAIN_MS)));
      try {
        const caught = await unlessAborted(Promise.race([t.redis.echo(marker).then(() => seen).then(() => true), late]), now);
        if (caught === false) warn(`${address(t.node)}: MONITOR had not caught up ${DRAIN_MS / 1000} s after the command exited; ${t.file} may lack its last commands`);
      } catch (err) {
        // An ACL user without +echo: the capture stands, and the line says which right would make it whole.
        const why = safeMessage(err, t.ep);
        warn(`${address(t.node)}: could not mark the end of the capture (${refusal(t.ep, why) ?? why}); ${t.file} may lack its last commands`);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

/** Opens a connection to every node, then MONITOR on every node; resolves once every MONITOR answered OK. */
async function attach(deployments: Deployment[], out: string, end: AbortSignal): Promise<void> {
  for (const d of deployments) {
    const opened = await Promise.allSettled(d.topology.nodes.map((node) => connect(d.ep, node)));
    d.taps = opened.flatMap((c, i) => (c.status === 'fulfilled' ? [{ node: d.topology.nodes[i], ep: d.ep, redis: c.value, file: join(out, captureFileName(d.topology.nodes[i], 'monitor')) }] : []));
    const failure = opened.find((c) => c.status === 'rejected');
    if (failure) throw failure.reason;
  }
  const attached: Promise<void>[] = [];
  for (const d of deployments) {
    let onAttached!: () => void;
    attached.push(new Promise<void>((resolve) => (onAttached = resolve)));
    const byNode = new Map(d.taps.map((t) => [t.node, t]));
    d.capture = captureMonitor(d.ep, d.topology.nodes, {
      durationMs: 0,
      signal: end,
      onAttached,
      sinkFor: (node) => {
        const t = byNode.get(node)!;
        t.drain = drainableSink(fileSink(t.file));
        return { sink: t.drain.sink, file: t.file };
      },
    });
  }
  const failed = new Promise<never>((_, reject) => deployments.forEach((d) => d.capture!.catch(reject)));
  await Promise.race([Promise.all(attached), failed]);
}

/** A deployment's manifest entry: its files end at the marker, so the manifest counts what they hold. */
function describeRecorded(d: Deployment, nodes: NodeManifest[], out: string, run: CaptureRun): Promise<CaptureEntry<NodeManifest>> {
  const dropped = new Map(d.taps.map((t) => [t.file, t.drain?.dropped]));
  const held = nodes.map((n) => {
    const cut = n.file ? dropped.get(n.file) : undefined;
    return cut ? { ...n, lines: n.lines - cut.lines, bytes: n.bytes - cut.bytes } : n;
  });
  return describeCapture(d.ep, d.topology, held, out, run);
}

export async function recordRun(o: RecordOptions): Promise<RecordResult> {
  const stop = listenForStop();
  // Ends every capture: after the drain, at once on a second signal, or when attaching failed.
  const end = new AbortController();
  stop.now.addEventListener('abort', () => end.abort(), { once: true });
  let child: ChildProcess | undefined;
  const forward = (signal: StopSignalName): void => {
    if (child && child.exitCode === null && child.signalCode === null && forwarded(signal)) child.kill(signal);
  };
  for (const s of STOP_SIGNALS) process.on(s, forward);
  mkdirSync(o.out, { recursive: true });
  const deployments: Deployment[] = [];
  let commandEnd: CommandEnd | undefined;
  try {
    for (const ep of o.endpoints) {
      if (stop.stop.aborted) break;
      deployments.push({ ep, topology: await discover(ep), taps: [] });
    }
    if (!stop.stop.aborted) {
      await attach(deployments, o.out, end.signal);
      if (!stop.stop.aborted) {
        o.onAttached?.(deployments.reduce((n, d) => n + d.taps.length, 0));
        const run = runCommand(o.command, o.args, stop.now);
        child = run.child;
        commandEnd = await run.end;
        if (commandEnd && commandEnd.how !== 'not-run') await drain(deployments.flatMap((d) => d.taps), stop.now, o.warn);
      }
    }
  } finally {
    for (const s of STOP_SIGNALS) process.off(s, forward);
    // A second signal means everything stops: COMMAND too, or it would go on sending unrecorded traffic
    // (and hold the job's output open) after we left.
    if (child && child.exitCode === null && child.signalCode === null && stop.now.aborted) child.kill('SIGKILL');
    end.abort();
    const settled = await Promise.allSettled(deployments.map((d) => d.capture ?? Promise.resolve([])));
    for (const d of deployments) for (const t of d.taps) t.redis.disconnect();
    const captures: CaptureEntry<NodeManifest>[] = [];
    for (const [i, s] of settled.entries()) if (s.status === 'fulfilled') captures.push(await describeRecorded(deployments[i], s.value, o.out, { stop, warn: o.warn }));
    writeManifest(o.out, 'monitor', captures, stop);
  }
  return { end: commandEnd, files: deployments.flatMap((d) => d.taps.filter((t) => t.drain).map((t) => t.file)), stop };
}
