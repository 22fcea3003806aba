#!/usr/bin/env node
// The CLI: wires options to src/ and sets exit codes (0 ok, 1 a gate failed, 2 usage or input error).
import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeInputs } from '../src/analyze/analyze-inputs.js';
import { type CaptureContext, captureContext, guessedReplication, withPeers } from '../src/ingest/capture-manifest.js';
import { InputError } from '../src/ingest/input-error.js';
import { listInputs } from '../src/ingest/input-list.js';
import { INPUT_FORMATS, type InputFormat } from '../src/ingest/input-stats.js';
import { splitRawKeys } from '../src/ingest/line-splitter.js';
import { type InputSpec, parseInputArg } from '../src/ingest/read-input.js';
import { createProgress } from '../src/report/progress.js';
import { buildReport, type Report } from '../src/report/report.js';
import { renderHtml } from '../src/report/html-report.js';
import { renderMarkdown } from '../src/report/markdown-report.js';
import { renderTable } from '../src/report/table-report.js';
import { redactPlan, redactReport } from '../src/report/redact-report.js';
import { type KeyRedactor, keyRedactor } from '../src/analyze/redact-keys.js';
import { checkGates, renderGates } from '../src/report/gates.js';
import { OutputFile, outputErrorReason } from '../src/report/output-file.js';
import { skippedLinesNotes } from '../src/report/skipped-lines.js';
import { DEFAULT_PLAN_OPTIONS, makePlan } from '../src/plan/make-plan.js';
import { PlanSummary } from '../src/plan/plan-summary.js';
import { renderPlanMarkdown } from '../src/report/plan-markdown.js';
import { readPlan, renderVerifySummary, verifyPlan } from '../src/replay/verify-plan.js';
import { analyzeLive } from '../src/analyze/analyze-live.js';
import { captureMonitor, fileSink } from '../src/live/capture-monitor.js';
import { captureScan } from '../src/live/capture-scan.js';
import { parseDuration } from '../src/live/duration.js';
import { captureEach, captureFileName } from '../src/live/capture-run.js';
import { address, parseRedisUrl } from '../src/live/redis-url.js';
import { prepareReadyFile } from '../src/live/ready-file.js';
import { listenForStop, type StopSignals } from '../src/live/stop-signals.js';
import { slotOfRange, slotOfString } from '../src/slot/key-slot.js';
import { DEFAULT_TARGET, findTarget, TARGET_IDS } from '../src/analyze/targets.js';

const EXIT_GATE = 1;
const EXIT_INPUT = 2;
let verbose = false;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

const targetOption = (): Option => new Option('--target <target>', 'the cluster to judge for: SORT patterns and proxy-split commands differ').choices(TARGET_IDS as string[]).default(DEFAULT_TARGET);

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const nodeCount = (n: number): string => `${n} node${n === 1 ? '' : 's'}`;
const forHowLong = (durationMs: number, duration: string): string => (durationMs > 0 ? `for ${duration}` : 'until stopped');

function monitorWarning(nodes: number, durationMs: number, duration: string): string {
  return `slotscope: running MONITOR on ${nodeCount(nodes)} ${forHowLong(durationMs, duration)}; MONITOR costs a busy server a large share of its throughput. Ctrl-C (or SIGTERM, SIGHUP) stops cleanly.\n`;
}

/** A run a signal stopped says so and exits 128 + the signal's number (130, 143, 129), as a shell would. */
function endStopped(stop: StopSignals, kept: string): void {
  stop.dispose();
  const stopped = stop.stopped();
  if (!stopped) return;
  warn(`stopped by ${stopped.signal} at ${stopped.at}; ${kept}`);
  process.exitCode = stop.exitCode();
}

function warn(message: string): void {
  process.stderr.write(`slotscope: ${message}\n`);
}

/** RFC 4180: quoted, quotes doubled; keys keep their exact bytes (latin1 strings). */
function csvField(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

const REPORT_FORMATS: Record<string, (r: Report) => string> = {
  table: renderTable,
  json: (r) => JSON.stringify(r, null, 2) + '\n',
  markdown: renderMarkdown,
  html: renderHtml,
};

function emitReport(report: Report, format: string, out: OutputFile | null, redactor: KeyRedactor | null): void {
  emit(REPORT_FORMATS[format](redactor ? redactReport(report, redactor) : report), out);
}

const REDACT_KEYS_HELP = 'show no key text: examples as <key>, words of key patterns as keyed hashes (customer:<id>:orders -> <h:…>:<id>:<h:…>)';
const REDACT_SECRET_HELP = 'with --redact-keys: the hash key (else SLOTSCOPE_REDACT_SECRET, else a public default that only groups: not secret against dictionary attacks)';

function redactorFor(opts: { redactKeys?: boolean; redactSecretFile?: string }): KeyRedactor | null {
  return keyRedactor(Boolean(opts.redactKeys), { secretFile: opts.redactSecretFile, secret: process.env.SLOTSCOPE_REDACT_SECRET });
}

function emit(text: string, out: OutputFile | null): void {
  if (!out) {
    process.stdout.write(text);
    return;
  }
  out.write(text);
  out.close();
}

/** The -o file, opened before any input is read so that a path that cannot be written fails first. */
function openOutput(output: string | undefined, inputs: string[], opts: { node: string[] }): OutputFile | null {
  return output ? OutputFile.open(output, [...inputs, ...opts.node].map((a) => parseInputArg(a).path)) : null;
}

/** The inputs, each knowing the other captured nodes its capture's manifest names (for replication streams). */
function inputSpecs(inputs: string[], opts: { inputFormat?: string; node: string[] }): { specs: InputSpec[]; capture: CaptureContext } {
  const { specs, notes } = listInputs([...inputs, ...opts.node], opts.inputFormat as InputFormat | undefined);
  for (const note of notes) warn(note);
  if (specs.length === 0) throw new InputError('no inputs: give files, directories, NAME=PATH, or - for stdin');
  const capture = captureContext(specs.map((s) => s.path));
  capture.warnings.forEach(warn);
  return { specs: withPeers(specs, capture), capture };
}

const program = new Command('slotscope')
  .description('Tells you, from your own Redis traffic, what will break in Redis Cluster and how to fix it.')
  .version((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version)
  .option('--verbose', 'show stack traces of internal errors')
  .hook('preAction', (cmd) => {
    verbose = Boolean(cmd.opts().verbose);
  })
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : EXIT_INPUT))
  // Usage errors read like every other fault: `slotscope: <reason>`, one line.
  .configureOutput({ outputError: (text, write) => write(`slotscope: ${text.replace(/^error: /, '')}`) });

program
  .command('analyze')
  .description('analyse MONITOR captures, SCAN key dumps and rdbtools memory CSVs (files, gzip or - for stdin)')
  .argument('[inputs...]', 'input files; NAME=PATH tags an input with a node name (default: the file name)')
  .option('-n, --node <NAME=PATH>', 'an input from node NAME (repeatable)', collect, [])
  .addOption(new Option('-f, --format <format>', 'output format (html: one self-contained page with slot charts)').choices(Object.keys(REPORT_FORMATS)).default('table'))
  .option('-o, --output <file>', 'write the report to a file instead of stdout')
  .addOption(new Option('--input-format <format>', 'skip detection and read every input as this format').choices(INPUT_FORMATS as string[]))
  .option('--strict', 'exit 2 when any input line had to be skipped')
  .option('--exact-keys <n>', 'distinct keys counted exactly before per-slot HyperLogLog estimates take over', positiveInt, 2_000_000)
  .option('--redact-keys', REDACT_KEYS_HELP)
  .option('--redact-secret-file <file>', REDACT_SECRET_HELP)
  .option('--max-line-bytes <n>', 'longest line accepted; longer ones are skipped and counted', positiveInt)
  .option('--live <url>', 'MONITOR every node of this deployment and analyse as it runs (no files)')
  .option('--duration <time>', 'with --live: how long to capture (30s, 2m, 1h30m; 0: until a signal stops it)', '30s')
  .option('--password-file <file>', 'with --live: read the password from a file')
  .addOption(targetOption())
  .addHelpText('after', `
Examples:
  slotscope analyze samples/app.monitor
  slotscope analyze --target redis-7.0 samples/readiness.monitor
  slotscope analyze --live redis://127.0.0.1:6379 --duration 30s
  slotscope analyze --node primary=a.monitor.gz --node replica=b.monitor.gz -f json -o report.json
  SLOTSCOPE_REDACT_SECRET=... slotscope analyze --redact-keys -f markdown a.monitor > shareable.md
  redis-cli --scan | slotscope analyze -`)
  .action(async (inputs: string[], opts) => {
    const redactor = redactorFor(opts);
    const out = openOutput(opts.output, inputs, opts);
    const summary = new PlanSummary();
    if (opts.live) {
      const durationMs = parseDuration(opts.duration);
      const ep = parseRedisUrl(opts.live, opts.passwordFile);
      const stop = listenForStop();
      let nodes = 0;
      const live = await analyzeLive(ep, {
        observer: summary.observer(),
        redactKeys: Boolean(opts.redactKeys),
        target: findTarget(opts.target),
        durationMs,
        signal: stop.stop,
        onTopology: (t) => process.stderr.write(monitorWarning((nodes = t.nodes.length), durationMs, opts.duration)),
        onAttached: () => warn(`MONITOR attached on ${nodeCount(nodes)}; analysing ${forHowLong(durationMs, opts.duration)}`),
      });
      for (const n of live.nodes) if (n.error) warn(n.error);
      emitReport(buildReport(live, summary.result(), live.known), opts.format, out, redactor);
      endStopped(stop, 'the report covers the traffic up to then');
      return;
    }
    const { specs, capture } = inputSpecs(inputs, opts);
    const progress = createProgress();
    const result = await analyzeInputs(specs, {
      observer: summary.observer(),
      distinct: { maxExactKeys: opts.exactKeys, precision: 9 },
      redactKeys: Boolean(opts.redactKeys),
      target: findTarget(opts.target),
      maxLineBytes: opts.maxLineBytes,
      onInput: (spec, i) => progress.input(spec.path, i, specs.length),
      onProgress: (n) => progress.bytes(n),
    });
    progress.done();
    const guessed = guessedReplication(capture, result.inputs);
    guessed.forEach(warn);
    const report = buildReport(result, summary.result(), capture.topology ?? undefined, [...capture.warnings, ...guessed]);
    emitReport(report, opts.format, out, redactor);
    process.stderr.write(skippedLinesNotes(result.inputs, redactor ? (r) => redactor.reason(r) : undefined));
    if (opts.strict && report.totals.skippedLines > 0) process.exitCode = EXIT_INPUT;
  });

function share(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a share between 0 and 1');
  return n;
}

const nonNegativeInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
};

program
  .command('check')
  .description('gate a CI build on a capture: exit 1 when a threshold is passed, printing each gate')
  .argument('[inputs...]', 'input files; NAME=PATH tags an input with a node name')
  .option('-n, --node <NAME=PATH>', 'an input from node NAME (repeatable)', collect, [])
  .option('--max-cross-slot <n>', 'cross-slot commands allowed', nonNegativeInt, 0)
  .option('--max-cross-slot-transactions <n>', 'cross-slot MULTI/EXEC blocks allowed', nonNegativeInt, 0)
  .option('--max-cross-slot-scripts <n>', 'cross-slot script calls allowed', nonNegativeInt, 0)
  .option('--max-skipped <n>', 'unreadable input lines allowed', nonNegativeInt)
  .option('--max-skipped-share <share>', 'unreadable input lines allowed, as a share of the lines read (0-1)', share, 0.01)
  .option('--min-commands <n>', 'client commands (MONITOR inputs) or keys (key dumps) the inputs must yield; an input with none always fails', nonNegativeInt, 1)
  .addOption(new Option('--fail-on <verdict>', 'fail when the verdict is blocked, or already when changes are needed').choices(['blocked', 'changes']).default('blocked'))
  .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
  .addOption(new Option('--input-format <format>', 'skip detection and read every input as this format').choices(INPUT_FORMATS as string[]))
  .addOption(targetOption())
  .option('--redact-keys', 'gates print no key text anyway; accepted so one set of flags fits analyze, check and plan')
  .option('--redact-secret-file <file>', REDACT_SECRET_HELP)
  .addHelpText('after', `
Examples:
  slotscope check staging.monitor
  slotscope check --target redis-7.4 staging.monitor
  slotscope check --max-cross-slot 10 --fail-on changes capture/*.monitor`)
  .action(async (inputs: string[], opts) => {
    const redactor = redactorFor(opts);
    const { specs } = inputSpecs(inputs, opts);
    // The same plan summary as analyze's, so the verdict gated here is the one analyze reports.
    const summary = new PlanSummary();
    const result = await analyzeInputs(specs, { observer: summary.observer(), target: findTarget(opts.target), redactKeys: redactor !== null });
    const report = buildReport(result, summary.result());
    const gates = checkGates(report, {
      maxCrossSlotCommands: opts.maxCrossSlot,
      maxCrossSlotTransactions: opts.maxCrossSlotTransactions,
      maxCrossSlotScripts: opts.maxCrossSlotScripts,
      maxSkippedLines: opts.maxSkipped,
      maxSkippedShare: opts.maxSkippedShare,
      minCommands: opts.minCommands,
      failOn: opts.failOn,
    });
    const passed = gates.every((g) => g.passed);
    // Set before writing: a reader that closes stdout early (EPIPE) still gets the gate's exit code.
    if (!passed) process.exitCode = EXIT_GATE;
    process.stderr.write(skippedLinesNotes(result.inputs, redactor ? (r) => redactor.reason(r) : undefined));
    process.stdout.write(opts.format === 'json' ? JSON.stringify({ schema: 'slotscope.check/1', target: report.target, passed, gates }, null, 2) + '\n' : `Judged for ${report.target.label} (--target ${report.target.id})\n${renderGates(gates)}`);
  });

program
  .command('plan')
  .description('propose one set of changes (hash-tag renames, client-library settings, advice), a runbook, replica reads and a shard layout, with predicted cross-slot counts')
  .argument('[inputs...]', 'input files; NAME=PATH tags an input with a node name')
  .option('-n, --node <NAME=PATH>', 'an input from node NAME (repeatable)', collect, [])
  .addOption(new Option('-f, --format <format>', 'output format').choices(['markdown', 'json']).default('markdown'))
  .option('-o, --output <file>', 'write the plan to a file instead of stdout')
  .option('--shards <n>', 'primaries in the target cluster', positiveInt, DEFAULT_PLAN_OPTIONS.shards)
  .option('--rename-map <file>', 'write old_key,new_key CSV for the keys of SCAN/memory inputs that a rename applies to (real keys: refused with --redact-keys)')
  .option('--own-write-window <ms>', 'a read this soon after the same client wrote the key is read-your-own-write', positiveInt, DEFAULT_PLAN_OPTIONS.ownWriteWindowMs)
  .addOption(new Option('--input-format <format>', 'skip detection and read every input as this format').choices(INPUT_FORMATS as string[]))
  .addOption(targetOption())
  .option('--redact-keys', REDACT_KEYS_HELP + '; the plan is then for reading, not for verify')
  .option('--redact-secret-file <file>', REDACT_SECRET_HELP)
  .addHelpText('after', `
Examples:
  slotscope plan samples/app.monitor
  slotscope plan --shards 6 -f json -o plan.json a.monitor b.monitor`)
  .action(async (inputs: string[], opts) => {
    const redactor = redactorFor(opts);
    // A rename map is the keys themselves: asked for with --redact-keys, it would break the promise.
    if (redactor && opts.renameMap) throw new InputError('--rename-map writes real key names, so it cannot be used with --redact-keys');
    const out = openOutput(opts.output, inputs, opts);
    const map = openOutput(opts.renameMap, inputs, opts);
    const { specs, capture } = inputSpecs(inputs, opts);
    const known = capture.topology;
    map?.write('old_key,new_key\n');
    // makePlan hands its options to the analysis, which reads `target` from them.
    const options = {
      ...DEFAULT_PLAN_OPTIONS,
      target: findTarget(opts.target),
      shards: opts.shards,
      ownWriteWindowMs: opts.ownWriteWindow,
      primaries: known?.mode === 'cluster' ? known.primaries : undefined,
      renameMap: map ? (from: string, to: string) => map.write(Buffer.from(`${csvField(from)},${csvField(to)}\n`, 'latin1')) : undefined,
    };
    const plan = await makePlan(specs, options);
    map?.close();
    const shown = redactor ? redactPlan(plan, redactor) : plan;
    emit(opts.format === 'json' ? JSON.stringify(shown, null, 2) + '\n' : renderPlanMarkdown(shown), out);
  });

program
  .command('verify')
  .description("replay a capture with a plan's changes into a real cluster and compare, line by line, with what that cluster's slot map predicts")
  .requiredOption('--plan <file>', 'a plan written by `slotscope plan -f json`')
  .requiredOption('--cluster <url>', 'redis://HOST:PORT of a node of the cluster to replay into (writes go only there)')
  .option('--force', 'replay even into a cluster that already holds data')
  .argument('<inputs...>', 'the MONITOR captures the plan was made from')
  .addHelpText('after', `
Example:
  slotscope verify --plan plan.json --cluster redis://127.0.0.1:7000 samples/app.monitor`)
  .action(async (inputs: string[], opts) => {
    const plan = readPlan(opts.plan);
    const result = await verifyPlan(inputs.map((a) => parseInputArg(a)), plan, opts.plan, parseRedisUrl(opts.cluster), { force: Boolean(opts.force) });
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    process.stderr.write(renderVerifySummary(result));
    if (!result.match) process.exitCode = EXIT_GATE;
  });

const capture = program.command('capture').description('capture MONITOR traffic or SCAN keys from every node of a live deployment');

capture
  .command('monitor')
  .description('run MONITOR on every node at once, one file per node in redis-cli MONITOR format, plus manifest.json')
  .argument('<urls...>', 'redis:// or rediss:// URL of any node (the topology is discovered)')
  .requiredOption('--out <dir>', 'directory for the captures')
  .option('--duration <time>', 'how long to capture (30s, 2m, 1h30m; 0: until a signal stops it)', '60s')
  .option('--ready-file <path>', 'touch this file once MONITOR is attached on every node')
  .option('--max-lines <n>', 'stop a node after this many lines', positiveInt)
  .option('--max-bytes <n>', 'stop a node after this many bytes', positiveInt)
  .option('--password-file <file>', 'read the password from a file (else the URL, else REDISCLI_AUTH)')
  .addHelpText('after', `
Example:
  slotscope capture monitor redis://10.0.0.5:6379 --duration 2m --out capture/
  slotscope capture monitor redis://10.0.0.5:6379 --duration 0 --ready-file capture.ready --out capture/
  slotscope analyze capture/*.monitor

A stop signal (SIGINT, SIGTERM, SIGHUP) keeps the files and manifest.json and exits 130, 143 or 129.`)
  .action(async (urls: string[], opts) => {
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
  });

capture
  .command('scan')
  .description('SCAN every primary into an rdbtools-style memory CSV per node, plus manifest.json')
  .argument('<urls...>', 'redis:// or rediss:// URL of any node (the topology is discovered)')
  .requiredOption('--out <dir>', 'directory for the CSV files')
  .option('--type <type>', 'only keys of this type (SCAN ... TYPE)')
  .option('--memory', 'measure each key with MEMORY USAGE')
  .option('--ttl', 'record expiry times (PTTL)')
  .option('--sample <n>', 'stop each node after this many keys', positiveInt)
  .option('--rate <n>', 'at most this many keys per second per node', positiveInt)
  .option('--count <n>', 'SCAN COUNT hint', positiveInt, 1000)
  .option('--password-file <file>', 'read the password from a file (else the URL, else REDISCLI_AUTH)')
  .addHelpText('after', `
Example:
  slotscope capture scan redis://10.0.0.5:6379 --memory --ttl --rate 5000 --out keys/
  slotscope analyze keys/*.csv`)
  .action(async (urls: string[], opts) => {
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
  });

program
  .command('keyslot')
  .description('print the hash slot of each key, as CLUSTER KEYSLOT would: slot<TAB>key')
  .argument('[keys...]', 'keys (UTF-8)')
  .option('--stdin', 'read raw keys from stdin, one per line')
  .addHelpText('after', `
Examples:
  slotscope keyslot user:1000 '{user1000}.following'
  redis-cli --scan | slotscope keyslot --stdin`)
  .action(async (keys: string[], opts) => {
    const out: string[] = keys.map((k) => `${slotOfString(k)}\t${k}`);
    if (out.length) process.stdout.write(out.join('\n') + '\n');
    if (!opts.stdin) {
      if (keys.length === 0) throw new InputError('no keys: give keys or --stdin');
      return;
    }
    let pending: Buffer[] = [];
    let size = 0;
    const flush = (): void => {
      if (size === 0) return;
      process.stdout.write(Buffer.concat(pending, size));
      pending = [];
      size = 0;
    };
    const { note } = await splitRawKeys(
      process.stdin,
      (buf, start, end) => {
        const line = Buffer.concat([Buffer.from(`${slotOfRange(buf, start, end)}\t`), buf.subarray(start, end), NEWLINE]);
        pending.push(line);
        size += line.length;
        if (size > 1 << 16) flush();
      },
      (line) => process.stderr.write(`slotscope: stdin:${line}: line too long, skipped\n`),
    );
    flush();
    if (note) warn(`stdin: ${note}`);
  });

const NEWLINE = Buffer.from('\n');

const EXIT_INTERNAL = 3;

/** Ends the process for an error: one line, never a stack trace unless --verbose asked for it. */
function fatal(err: unknown): never {
  if (err instanceof InputError) {
    process.stderr.write(`slotscope: ${err.message}\n`);
    process.exit(EXIT_INPUT);
  }
  const sys = err as NodeJS.ErrnoException;
  if (sys instanceof Error && sys.syscall && sys.code) {
    // The operating system refused something (a path, a descriptor, a limit): the environment's fault, not a bug.
    const reason = sys.message.replace(/^[A-Z0-9_]+: /, '').replace(/, \w+ '.*'$/, '');
    process.stderr.write(`slotscope: ${sys.path ?? sys.syscall}: ${reason}\n`);
    process.exit(EXIT_INPUT);
  }
  process.stderr.write(`slotscope: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
  if (verbose && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  process.exit(EXIT_INTERNAL);
}

// A reader that stops early (`| head`) is not an error: stop quietly with the exit code the command
// already has. Any other failure to write the product (a full disk) is one line and exit 2.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  fatal(new InputError(outputErrorReason(err), 'stdout'));
});
// Nowhere left to say anything: stderr's own errors are dropped rather than crashing the command.
process.stderr.on('error', () => {});
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  fatal(err);
}
