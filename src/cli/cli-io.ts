// What every command shares at its edges: one-line warnings, where the product goes, how a stop ends.
import { InputError } from '../ingest/input-error.js';
import { type CaptureContext, captureContext, withPeers } from '../ingest/capture-manifest.js';
import { listInputs } from '../ingest/input-list.js';
import type { InputFormat } from '../ingest/input-stats.js';
import { type InputSpec, parseInputArg } from '../ingest/read-input.js';
import { OutputFile } from '../report/output-file.js';
import { createProgress, type Progress } from '../report/progress.js';
import { type KeyRedactor, keyRedactor } from '../analyze/redact-keys.js';
import { hidePasswords } from '../live/redis-url.js';
import type { StopSignals } from '../live/stop-signals.js';
import type { SourcesOptions } from '../summary/run-sources.js';

export const EXIT_GATE = 1;
export const EXIT_INPUT = 2;

let quiet = false;

/** --quiet: no progress, notes or warnings; errors (which end the command) are still printed. */
export function beQuiet(): void {
  quiet = true;
}

/** Text for stderr that is not an error: notes, warnings, verify's summary. */
export function note(text: string): void {
  if (!quiet && text) process.stderr.write(hidePasswords(text));
}

export function warn(message: string): void {
  note(`slotscope: ${message}\n`);
}

/** The progress line (progress.ts: on a terminal only), unless --quiet. */
export function startProgress(): Progress {
  return createProgress(quiet ? null : process.stderr);
}

/** What analyze and check show while they read: each input, its bytes, the threads, a fallback to one. */
export function readingCallbacks(progress: Progress, specs: readonly InputSpec[]): Pick<SourcesOptions, 'onInput' | 'onProgress' | 'onParallel' | 'onOneThread' | 'onNoThread'> {
  return {
    onInput: (spec, i) => progress.input(spec.path, i, specs.length),
    onProgress: (n) => progress.bytes(n),
    onParallel: (files, workers, bytes) => progress.input(`${files} inputs, ${workers} threads`, 0, 1, 'reading', bytes),
    onOneThread: (why) => {
      progress.done();
      warn(`reading the inputs again on one thread, so the report is the one --jobs 1 makes: ${why}`);
    },
    onNoThread: (why) => {
      progress.done();
      warn(`${why}: reading on this thread, as --jobs 1 does`);
    },
  };
}

export function emit(text: string, out: OutputFile | null): void {
  if (!out) {
    process.stdout.write(text);
    return;
  }
  out.write(text);
  out.close();
}

/** The -o file, opened before any input is read so that a path that cannot be written fails first. */
export function openOutput(output: string | undefined, inputs: string[], opts: { node?: string[] }): OutputFile | null {
  return output ? OutputFile.open(output, [...inputs, ...(opts.node ?? [])].map((a) => parseInputArg(a).path)) : null;
}

/**
 * The inputs, each knowing the other captured nodes its capture's manifest names (for replication streams).
 * `warnings`: what was left out and the manifest's doubts, printed now and carried by the report, as the library's.
 */
export function inputSpecs(inputs: string[], opts: { inputFormat?: string; node?: string[] }): { specs: InputSpec[]; capture: CaptureContext; warnings: string[] } {
  const { specs, notes } = listInputs([...inputs, ...(opts.node ?? [])], opts.inputFormat as InputFormat | undefined);
  for (const note of notes) warn(note);
  if (specs.length === 0) throw new InputError('no inputs: give files, directories, NAME=PATH, or - for stdin');
  const capture = captureContext(specs.map((s) => s.path));
  capture.warnings.forEach(warn);
  return { specs: withPeers(specs, capture), capture, warnings: [...notes, ...capture.warnings] };
}

export function redactorFor(opts: { redactKeys?: boolean; redactSecretFile?: string }): KeyRedactor | null {
  return keyRedactor(Boolean(opts.redactKeys), { secretFile: opts.redactSecretFile, secret: process.env.SLOTSCOPE_REDACT_SECRET });
}

export const nodeCount = (n: number): string => `${n} node${n === 1 ? '' : 's'}`;
export const forHowLong = (durationMs: number, duration: string): string => (durationMs > 0 ? `for ${duration}` : 'until stopped');

export function monitorWarning(nodes: number, durationMs: number, duration: string): string {
  return `slotscope: running MONITOR on ${nodeCount(nodes)} ${forHowLong(durationMs, duration)}; MONITOR costs a busy server a large share of its throughput. Ctrl-C (or SIGTERM, SIGHUP) stops cleanly.\n`;
}

/** A run a signal stopped says so and exits 128 + the signal's number (130, 143, 129), as a shell would. */
export function endStopped(stop: StopSignals, kept: string): void {
  stop.dispose();
  const stopped = stop.stopped();
  if (!stopped) return;
  warn(`stopped by ${stopped.signal} at ${stopped.at}; ${kept}`);
  process.exitCode = stop.exitCode();
}
