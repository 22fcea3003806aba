// SIGINT (Ctrl-C), SIGTERM (timeout, systemd, Kubernetes, CI cancellation) and SIGHUP (a closed terminal)
// all mean "stop now and keep what you have": the first stops the capture at a line boundary, a second
// also gives up whatever is still waiting on a server (the final look at the cluster, a SCAN pipeline),
// and should even that hang, the process leaves GIVE_UP_MS later with the same exit code.
import { constants } from 'node:os';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignalName = (typeof STOP_SIGNALS)[number];

const GIVE_UP_MS = 3000;

export interface Stopped {
  signal: StopSignalName;
  at: string;
}

export interface StopSignals {
  /** Aborted by the first signal: stop at a line boundary and write everything out. */
  readonly stop: AbortSignal;
  /** Aborted by a second signal: wait on nothing more. */
  readonly now: AbortSignal;
  /** Which signal stopped the run, and when; undefined while none came. */
  stopped(): Stopped | undefined;
  /** The exit code a stopped run ends with, 128 + the signal's number, as a shell reports it. */
  exitCode(): number | undefined;
  dispose(): void;
}

export function listenForStop(): StopSignals {
  const stop = new AbortController();
  const now = new AbortController();
  let first: Stopped | undefined;
  const onSignal = (signal: StopSignalName): void => {
    if (first) {
      if (now.signal.aborted) return;
      now.abort();
      setTimeout(() => process.exit(128 + constants.signals[first!.signal]), GIVE_UP_MS).unref();
    } else {
      first = { signal, at: new Date().toISOString() };
      stop.abort();
    }
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  return {
    stop: stop.signal,
    now: now.signal,
    stopped: () => first,
    exitCode: () => (first ? 128 + constants.signals[first.signal] : undefined),
    dispose: () => {
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
    },
  };
}

/** Resolves like `p`, or with undefined as soon as `signal` aborts (`p` is left to settle unheeded). */
export function unlessAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) {
    p.catch(() => {});
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
