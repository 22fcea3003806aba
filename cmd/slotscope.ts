#!/usr/bin/env node
// The CLI: wires options to src/ and sets exit codes (0 ok, 1 a gate failed, 2 usage or input error).
import { Command, InvalidArgumentError, Option } from 'commander';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeInputs } from '../src/analyze/analyze-inputs.js';
import { manifestBeside, manifestPrimaries } from '../src/ingest/capture-manifest.js';
import { InputError } from '../src/ingest/input-error.js';
import { INPUT_FORMATS, type InputFormat } from '../src/ingest/input-stats.js';
import { LineSplitter } from '../src/ingest/line-splitter.js';
import { type InputSpec, parseInputArg } from '../src/ingest/read-input.js';
import { createProgress } from '../src/report/progress.js';
import { buildReport, type Report } from '../src/report/report.js';
import { renderHtml } from '../src/report/html-report.js';
import { renderMarkdown } from '../src/report/markdown-report.js';
import { renderTable } from '../src/report/table-report.js';
import { checkGates, renderGates } from '../src/report/gates.js';
import { DEFAULT_PLAN_OPTIONS, makePlan } from '../src/plan/make-plan.js';
import { PlanSummary } from '../src/plan/plan-summary.js';
import { renderPlanMarkdown } from '../src/report/plan-markdown.js';
import { readPlan, verifyPlan } from '../src/replay/verify-plan.js';
import { analyzeLive } from '../src/analyze/analyze-live.js';
import { captureMonitor, fileSink } from '../src/live/capture-monitor.js';
import { captureScan } from '../src/live/capture-scan.js';
import { parseDuration } from '../src/live/duration.js';
import { captureEach, captureFileName } from '../src/live/capture-run.js';
import { address, parseRedisUrl } from '../src/live/redis-url.js';
import { slotOfRange, slotOfString } from '../src/slot/key-slot.js';

const EXIT_GATE = 1;
const EXIT_INPUT = 2;
let verbose = false;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function monitorWarning(nodes: number, duration: string): string {
  return `slotscope: running MONITOR on ${nodes} node${nodes === 1 ? '' : 's'} for ${duration}; MONITOR costs a busy server a large share of its throughput. Ctrl-C stops cleanly.\n`;
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

function emitReport(report: Report, opts: { format: string; output?: string }): void {
  emit(REPORT_FORMATS[opts.format](report), opts.output);
}

function emit(text: string, output?: string): void {
  if (output) writeFileSync(output, text);
  else process.stdout.write(text);
}

function inputSpecs(inputs: string[], opts: { inputFormat?: string; node: string[] }): InputSpec[] {
  const format = opts.inputFormat as InputFormat | undefined;
  const specs = [...inputs, ...opts.node].map((a) => parseInputArg(a, format));
  if (specs.length === 0) throw new InputError('no inputs: give files, NAME=PATH, or - for stdin');
  return specs;
}

const program = new Command('slotscope')
  .description('Tells you, from your own Redis traffic, what will break in Redis Cluster and how to fix it.')
  .version('0.1.0')
  .option('--verbose', 'show stack traces of internal errors')
  .hook('preAction', (cmd) => {
    verbose = Boolean(cmd.opts().verbose);
  })
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : EXIT_INPUT));

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
  .option('--redact-keys', 'show keys in examples as <key>')
  .option('--max-line-bytes <n>', 'longest line accepted; longer ones are skipped and counted', positiveInt)
  .option('--live <url>', 'MONITOR every node of this deployment and analyse as it runs (no files)')
  .option('--duration <time>', 'with --live: how long to capture (30s, 2m)', '30s')
  .option('--password-file <file>', 'with --live: read the password from a file')
  .addHelpText('after', `
Examples:
  slotscope analyze samples/app.monitor
  slotscope analyze --live redis://127.0.0.1:6379 --duration 30s
  slotscope analyze --node primary=a.monitor.gz --node replica=b.monitor.gz -f json -o report.json
  redis-cli --scan | slotscope analyze -`)
  .action(async (inputs: string[], opts) => {
    const summary = new PlanSummary();
    if (opts.live) {
      const ep = parseRedisUrl(opts.live, opts.passwordFile);
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      const live = await analyzeLive(ep, {
        observer: summary.observer(),
        redactKeys: Boolean(opts.redactKeys),
        durationMs: parseDuration(opts.duration),
        signal: controller.signal,
        onTopology: (t) => process.stderr.write(monitorWarning(t.nodes.length, opts.duration)),
      });
      for (const n of live.nodes) if (n.error) warn(n.error);
      emitReport(buildReport(live, summary.result(), live.known), opts);
      return;
    }
    const specs = inputSpecs(inputs, opts);
    const progress = createProgress();
    const result = await analyzeInputs(specs, {
      observer: summary.observer(),
      distinct: { maxExactKeys: opts.exactKeys, precision: 9 },
      redactKeys: Boolean(opts.redactKeys),
      maxLineBytes: opts.maxLineBytes,
      onInput: (spec, i) => progress.input(spec.path, i, specs.length),
      onProgress: (n) => progress.bytes(n),
    });
    progress.done();
    const manifest = manifestBeside(specs[0].path);
    const report = buildReport(result, summary.result(), (manifest && manifestPrimaries(manifest, specs.map((x) => x.path))) ?? undefined);
    emitReport(report, opts);
    for (const input of result.inputs) {
      if (input.format === 'empty') process.stderr.write(`slotscope: ${input.path}: empty input\n`);
      for (const s of input.firstSkipped.slice(0, 3)) process.stderr.write(`slotscope: ${input.path}:${s.line}: ${s.reason}\n`);
      if (input.skippedCount > 3) process.stderr.write(`slotscope: ${input.path}: ${input.skippedCount} lines skipped in all\n`);
    }
    if (opts.strict && report.totals.skippedLines > 0) process.exitCode = EXIT_INPUT;
  });

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
  .addOption(new Option('--fail-on <verdict>', 'fail when the verdict is blocked, or already when changes are needed').choices(['blocked', 'changes']).default('blocked'))
  .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
  .addOption(new Option('--input-format <format>', 'skip detection and read every input as this format').choices(INPUT_FORMATS as string[]))
  .addHelpText('after', `
Examples:
  slotscope check staging.monitor
  slotscope check --max-cross-slot 10 --fail-on changes capture/*.monitor`)
  .action(async (inputs: string[], opts) => {
    const report = buildReport(await analyzeInputs(inputSpecs(inputs, opts)));
    const gates = checkGates(report, {
      maxCrossSlotCommands: opts.maxCrossSlot,
      maxCrossSlotTransactions: opts.maxCrossSlotTransactions,
      maxCrossSlotScripts: opts.maxCrossSlotScripts,
      maxSkippedLines: opts.maxSkipped,
      failOn: opts.failOn,
    });
    process.stdout.write(opts.format === 'json' ? JSON.stringify({ schema: 'slotscope.check/1', passed: gates.every((g) => g.passed), gates }, null, 2) + '\n' : renderGates(gates));
    if (!gates.every((g) => g.passed)) process.exitCode = EXIT_GATE;
  });

program
  .command('plan')
  .description('propose one set of changes (hash-tag renames, client-library settings, advice), a runbook, replica reads and a shard layout, with predicted cross-slot counts')
  .argument('[inputs...]', 'input files; NAME=PATH tags an input with a node name')
  .option('-n, --node <NAME=PATH>', 'an input from node NAME (repeatable)', collect, [])
  .addOption(new Option('-f, --format <format>', 'output format').choices(['markdown', 'json']).default('markdown'))
  .option('-o, --output <file>', 'write the plan to a file instead of stdout')
  .option('--shards <n>', 'primaries in the target cluster', positiveInt, DEFAULT_PLAN_OPTIONS.shards)
  .option('--rename-map <file>', 'write old_key,new_key CSV for the keys of SCAN/memory inputs that a rename applies to')
  .option('--own-write-window <ms>', 'a read this soon after the same client wrote the key is read-your-own-write', positiveInt, DEFAULT_PLAN_OPTIONS.ownWriteWindowMs)
  .addOption(new Option('--input-format <format>', 'skip detection and read every input as this format').choices(INPUT_FORMATS as string[]))
  .addHelpText('after', `
Examples:
  slotscope plan samples/app.monitor
  slotscope plan --shards 6 -f json -o plan.json a.monitor b.monitor`)
  .action(async (inputs: string[], opts) => {
    const specs = inputSpecs(inputs, opts);
    const manifest = manifestBeside(specs[0].path);
    const known = manifest ? manifestPrimaries(manifest, specs.map((x) => x.path)) : null;
    const map = opts.renameMap ? createWriteStream(opts.renameMap) : null;
    map?.write('old_key,new_key\n');
    const plan = await makePlan(specs, {
      ...DEFAULT_PLAN_OPTIONS,
      shards: opts.shards,
      ownWriteWindowMs: opts.ownWriteWindow,
      primaries: known?.mode === 'cluster' ? known.primaries : undefined,
      renameMap: map ? (from, to) => map.write(Buffer.from(`${csvField(from)},${csvField(to)}\n`, 'latin1')) : undefined,
    });
    if (map) await new Promise<void>((resolve, reject) => map.end((err?: Error | null) => (err ? reject(err) : resolve())));
    emit(opts.format === 'json' ? JSON.stringify(plan, null, 2) + '\n' : renderPlanMarkdown(plan), opts.output);
  });

program
  .command('verify')
  .description("replay a capture with a plan's renames against a real cluster and compare with the plan's prediction")
  .requiredOption('--plan <file>', 'a plan written by `slotscope plan -f json`')
  .requiredOption('--cluster <url>', 'redis://HOST:PORT of a node of the cluster to replay into (writes go only there)')
  .option('--force', 'replay even into a cluster that already holds data')
  .argument('<inputs...>', 'the MONITOR captures the plan was made from')
  .addHelpText('after', `
Example:
  slotscope verify --plan plan.json --cluster redis://127.0.0.1:7000 samples/app.monitor`)
  .action(async (inputs: string[], opts) => {
    const plan = readPlan(opts.plan);
    const result = await verifyPlan(inputs.map((a) => parseInputArg(a)), plan, parseRedisUrl(opts.cluster), { force: Boolean(opts.force) });
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    if (!result.matchesPrediction) process.exitCode = EXIT_GATE;
  });

const capture = program.command('capture').description('capture MONITOR traffic or SCAN keys from every node of a live deployment');

capture
  .command('monitor')
  .description('run MONITOR on every node at once, one file per node in redis-cli MONITOR format, plus manifest.json')
  .argument('<urls...>', 'redis:// or rediss:// URL of any node (the topology is discovered)')
  .requiredOption('--out <dir>', 'directory for the captures')
  .option('--duration <time>', 'how long to capture (30s, 2m)', '60s')
  .option('--max-lines <n>', 'stop a node after this many lines', positiveInt)
  .option('--max-bytes <n>', 'stop a node after this many bytes', positiveInt)
  .option('--password-file <file>', 'read the password from a file (else the URL, else REDISCLI_AUTH)')
  .addHelpText('after', `
Example:
  slotscope capture monitor redis://10.0.0.5:6379 --duration 2m --out capture/
  slotscope analyze capture/*.monitor`)
  .action(async (urls: string[], opts) => {
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    await captureEach(urls, opts.out, 'monitor', opts.passwordFile, (ep, topology) => {
      process.stderr.write(monitorWarning(topology.nodes.length, opts.duration));
      return captureMonitor(ep, topology.nodes, {
        durationMs: parseDuration(opts.duration),
        maxLines: opts.maxLines,
        maxBytes: opts.maxBytes,
        signal: controller.signal,
        sinkFor: (node) => {
          const file = join(opts.out, captureFileName(node, 'monitor'));
          return { sink: fileSink(file), file };
        },
      });
    }, warn);
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
    await captureEach(urls, opts.out, 'scan', opts.passwordFile, async (ep, topology) => {
      const primaries = topology.nodes.filter((n) => n.role === 'primary');
      progress.input(address(ep), 0, 1);
      const started = Date.now();
      const nodes = await captureScan(ep, primaries, (n) => join(opts.out, captureFileName(n, 'csv')), {
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
    }, warn);
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
    const splitter = new LineSplitter(
      (buf, start, end) => {
        const line = Buffer.concat([Buffer.from(`${slotOfRange(buf, start, end)}\t`), buf.subarray(start, end), NEWLINE]);
        pending.push(line);
        size += line.length;
        if (size > 1 << 16) flush();
      },
      (line) => process.stderr.write(`slotscope: stdin:${line}: line too long, skipped\n`),
    );
    for await (const chunk of process.stdin) splitter.push(chunk as Buffer);
    splitter.end();
    flush();
  });

const NEWLINE = Buffer.from('\n');

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof InputError) {
    process.stderr.write(`slotscope: ${err.message}\n`);
    process.exit(EXIT_INPUT);
  }
  process.stderr.write(`slotscope: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
  if (verbose && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  process.exit(3);
}
