#!/usr/bin/env node
// The CLI: options and help for every command. Each action loads its own module (src/cli/) when it runs,
// so `--version`, `--help` and `keyslot` never load ioredis, the planner or the replay.
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { InputError } from '../src/ingest/input-error.js';
import { hidePasswords } from '../src/live/redis-url.js';
import { outputErrorReason } from '../src/report/output-file.js';
import { PLAN_DEFAULTS } from '../src/plan/plan-defaults.js';
import { collect, inputFormatOption, jobsOption, maxLineBytesOption, positiveInt, REDACT_KEYS_HELP, REDACT_SECRET_HELP, targetOption } from '../src/cli/option-parsers.js';
import { addCheckOptions } from '../src/cli/check-options.js';
import { addConnectionOptions } from '../src/cli/connection-options.js';

const EXIT_INPUT = 2;
const EXIT_INTERNAL = 3;
let verbose = false;

const program = new Command('slotscope')
  .description('Tells you, from your own Redis traffic, what will break in Redis Cluster and how to fix it.')
  .version((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version)
  .option('--verbose', 'show stack traces of internal errors')
  .option('-q, --quiet', 'no progress, notes or warnings on stderr, only errors (also after the command: analyze -q)')
  .hook('preAction', async (cmd) => {
    verbose = Boolean(cmd.opts().verbose);
    if (cmd.opts().quiet) (await import('../src/cli/cli-io.js')).beQuiet();
  })
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : EXIT_INPUT))
  // Usage errors read like every other fault: `slotscope: <reason>`, one line.
  .configureOutput({ outputError: (text, write) => write(`slotscope: ${text.replace(/^error: /, '').replace(/\n\((Did you mean [^)]*)\)\n$/, ' ($1)\n')}`) });

program
  .command('analyze')
  .description('analyse MONITOR captures, SCAN key dumps and rdbtools memory CSVs (files, gzip or - for stdin)')
  .argument('[inputs...]', 'input files; NAME=PATH tags an input with a node name (default: the file name)')
  .option('-n, --node <NAME=PATH>', 'an input from node NAME (repeatable)', collect, [])
  .addOption(new Option('-f, --format <format>', 'output format (html: one self-contained page with slot charts)').choices(['table', 'json', 'markdown', 'html']).default('table'))
  .option('-o, --output <file>', 'write the report to a file instead of stdout')
  .addOption(inputFormatOption())
  .option('--strict', 'exit 2 when any input line had to be skipped')
  .option('--exact-keys <n>', 'distinct keys counted exactly before per-slot HyperLogLog estimates take over', positiveInt, 2_000_000)
  .option('--redact-keys', REDACT_KEYS_HELP)
  .option('--redact-secret-file <file>', REDACT_SECRET_HELP)
  .addOption(maxLineBytesOption())
  .option('--live [node]', 'MONITOR every node of this deployment (a URL or HOST:PORT, else -h/-p/-u) and analyse as it runs (no files)')
  .option('--duration <time>', 'with --live: how long to capture (30s, 2m, 1h30m; 0: until a signal stops it)', '30s')
  .addOption(targetOption())
  .addOption(jobsOption())
  .option('--summary-out <file>', 'also write the run\'s aggregate state (slotscope.summary/2) for `slotscope merge` or as an input')
  .addHelpText('after', `
Examples:
  slotscope analyze samples/app.monitor
  slotscope analyze --summary-out node1.summary cap/10.0.0.5-6379.monitor   # one job per node, then merge
  slotscope analyze --target redis-7.0 samples/readiness.monitor
  slotscope analyze --live redis://127.0.0.1:6379 --duration 30s
  slotscope analyze --live -h 10.0.0.5 -p 6380 --tls --cacert ca.crt --user slotscope --password-file pw
  slotscope analyze --node primary=a.monitor.gz --node replica=b.monitor.gz -f json -o report.json
  SLOTSCOPE_REDACT_SECRET=... slotscope analyze --redact-keys -f markdown a.monitor > shareable.md
  redis-cli --scan | slotscope analyze -`)
  .action(async (inputs: string[], opts) => (await import('../src/cli/analyze-command.js')).analyzeCommand(inputs, opts));

addCheckOptions(
  program
    .command('check')
    .description('gate a CI build on a capture: exit 1 when a threshold is passed, printing each gate')
    .argument('[inputs...]', 'input files (or summaries, `analyze --summary-out`); NAME=PATH tags an input with a node name'),
)
  .addOption(jobsOption())
  .addHelpText('after', `
Examples:
  slotscope check staging.monitor
  slotscope check --target redis-7.4 staging.monitor
  slotscope check --max-cross-slot 10 --fail-on changes capture/*.monitor
  slotscope check --fail-on blocker,pubsub-broadcast --max-cross-slot-rate 0.01 capture/
  slotscope check --baseline main-report.json -o check.json capture/
  slotscope check --allowlist ci/slotscope.yml --strict-allowlist capture/

With --baseline (an earlier \`analyze -f json\` report), the --max-cross-slot* count gates give way to
regression gates: commands or key patterns newly cross-slot, new findings, cross-slot rates up by more
than --tolerance, skew up by more than --max-skew-increase; the verdict passes when no worse than the
baseline's. An allow-list (.slotscope.yml or .slotscope.json in the working directory, or --allowlist)
takes accepted findings out of every gate; each entry needs a reason.`)
  .action(async (inputs: string[], opts) => (await import('../src/cli/check-command.js')).checkCommand(inputs, opts));

addCheckOptions(
  program
    .command('record')
    .description('MONITOR every node, run COMMAND (your tests, a load script) with the terminal passed through, then gate its traffic as check does')
    .argument('<command...>', 'the command to run, after --')
    .option('--redis <node>', 'a node of a deployment COMMAND uses, as a URL or HOST:PORT (repeatable; else -h/-p/-u, else 127.0.0.1:6379)', collect, [])
    .option('--out <dir>', 'directory for the captures and manifest.json', 'slotscope-record'),
)
  .addOption(jobsOption())
  .addHelpText('after', `
Examples:
  slotscope record -- npm test
  slotscope record --redis redis://127.0.0.1:7000 --out capture --junit slotscope.xml -- node load.js

MONITOR is attached on every node before COMMAND starts; when COMMAND exits, each node's capture is read up
to then and the gates run. Exit code: the gates' (0, 1, 2), or COMMAND's own when it failed (the gates
still run), 127 or 126 when COMMAND cannot be found or run, 128 + n when a signal stopped the run. SIGTERM
is passed on to COMMAND (and SIGINT, SIGHUP when not on a terminal, which sends them to COMMAND itself);
COMMAND's shutdown is still captured. A second signal stops at once, keeping complete files, and
kills COMMAND if it still runs.`)
  .action(async (command: string[], opts) => (await import('../src/cli/record-command.js')).recordCommand(command, opts));

program
  .command('merge')
  .description('merge per-node summaries (`analyze --summary-out`) into the report one run over all their inputs makes')
  .argument('<summaries...>', 'summary files, in the order their inputs would be read')
  .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'markdown', 'html']).default('table'))
  .option('-o, --output <file>', 'write the report to a file instead of stdout')
  .option('--summary-out <file>', 'also write the merged summary (to merge again later)')
  .option('--redact-secret-file <file>', 'the secret redacted summaries (--redact-keys) were made with: refuses any made with another; they need none to merge')
  .addHelpText('after', `
Examples:
  slotscope merge node-*.summary
  slotscope merge -f json -o report.json --summary-out fleet.summary node-*.summary`)
  .action(async (files: string[], opts) => (await import('../src/cli/merge-command.js')).mergeCommand(files, opts));

program
  .command('diff')
  .description('compare two reports (`analyze -f json`): commands, patterns and findings added, removed or changed, cross-slot rates, skew, per-node load; exits 0 (a report, not a gate)')
  .argument('<old>', 'the earlier report')
  .argument('<new>', 'the later report')
  .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'markdown', 'json']).default('table'))
  .option('-o, --output <file>', 'write the comparison to a file instead of stdout')
  .option('--shards <n>', 'compare skew under the layout the plan proposes for N primaries', positiveInt)
  .addHelpText('after', `
Examples:
  slotscope diff main-report.json pr-report.json
  slotscope diff -f markdown main-report.json pr-report.json >> "$GITHUB_STEP_SUMMARY"`)
  .action(async (oldFile: string, newFile: string, opts) => (await import('../src/cli/diff-command.js')).diffCommand(oldFile, newFile, opts));

program
  .command('plan')
  .description('propose one set of changes (hash-tag renames, client-library settings, advice), a runbook, replica reads and a shard layout, with predicted cross-slot counts')
  .argument('[inputs...]', 'input files; NAME=PATH tags an input with a node name')
  .option('-n, --node <NAME=PATH>', 'an input from node NAME (repeatable)', collect, [])
  .addOption(new Option('-f, --format <format>', 'output format (html: one self-contained page with the layout drawn)').choices(['markdown', 'json', 'html']).default('markdown'))
  .option('-o, --output <file>', 'write the plan to a file instead of stdout')
  .option('--shards <n>', 'primaries in the target cluster', positiveInt, PLAN_DEFAULTS.shards)
  .option('--rename-map <file>', 'write old_key,new_key CSV for the keys of SCAN/memory inputs that a rename applies to (real keys: refused with --redact-keys)')
  .option('--own-write-window <ms>', 'a read this soon after the same client wrote the key is read-your-own-write', positiveInt, PLAN_DEFAULTS.ownWriteWindowMs)
  .addOption(inputFormatOption())
  .addOption(maxLineBytesOption())
  .option('--strict', 'exit 2 when any input line had to be skipped (the plan is still written)')
  .addOption(targetOption())
  .option('--redact-keys', REDACT_KEYS_HELP + '; the plan is then for reading, not for verify')
  .option('--redact-secret-file <file>', REDACT_SECRET_HELP)
  .addHelpText('after', `
Examples:
  slotscope plan samples/app.monitor
  slotscope plan --shards 6 -f json -o plan.json a.monitor b.monitor
  slotscope plan -f html -o plan.html cap/`)
  .action(async (inputs: string[], opts) => (await import('../src/cli/plan-command.js')).planCommand(inputs, opts));

program
  .command('verify')
  .description("replay a capture with a plan's changes into a real cluster and compare, line by line, with what that cluster's slot map predicts")
  .requiredOption('--plan <file>', 'a plan written by `slotscope plan -f json`')
  .option('--cluster <node>', 'a node of the cluster to replay into, as a URL or HOST:PORT, else -h/-p/-u (writes go only there)')
  .option('--force', 'replay even into a cluster that already holds data')
  .option('--strict', 'exit 2 when any capture line had to be skipped (neither replayed nor predicted)')
  .addOption(inputFormatOption())
  .addOption(maxLineBytesOption())
  .addOption(new Option('-f, --format <format>', 'output format (table: for a person)').choices(['table', 'json']).default('table'))
  .argument('<inputs...>', 'the MONITOR captures the plan was made from')
  .addHelpText('after', `
Examples:
  slotscope verify --plan plan.json --cluster redis://127.0.0.1:7000 samples/app.monitor
  slotscope verify --plan plan.json -h 10.0.0.9 -p 7000 --tls --cacert ca.crt -f json a.monitor > verify.json`)
  .action(async (inputs: string[], opts) => (await import('../src/cli/verify-command.js')).verifyCommand(inputs, opts));

const capture = program.command('capture').description('capture MONITOR traffic or SCAN keys from every node of a live deployment');

capture
  .command('monitor')
  .description('run MONITOR on every node at once, one file per node in redis-cli MONITOR format, plus manifest.json')
  .argument('[nodes...]', 'any node, as redis:// or rediss:// URL or HOST:PORT (else -h/-p/-u, else 127.0.0.1:6379); the topology is discovered')
  .requiredOption('--out <dir>', 'directory for the captures')
  .option('--duration <time>', 'how long to capture (30s, 2m, 1h30m; 0: until a signal stops it)', '60s')
  .option('--ready-file <path>', 'touch this file once MONITOR is attached on every node')
  .option('--max-lines <n>', 'stop a node after this many lines', positiveInt)
  .option('--max-bytes <n>', 'stop a node after this many bytes', positiveInt)
  .addHelpText('after', `
Examples:
  slotscope capture monitor redis://10.0.0.5:6379 --duration 2m --out capture/
  slotscope capture monitor redis://10.0.0.5:6379 --duration 0 --ready-file capture.ready --out capture/
  REDISCLI_AUTH=... slotscope capture monitor -h 10.0.0.5 -p 6380 --tls --cacert ca.crt --user slotscope --out capture/
  slotscope analyze capture/*.monitor

A stop signal (SIGINT, SIGTERM, SIGHUP) keeps the files and manifest.json and exits 130, 143 or 129.`)
  .action(async (nodes: string[], opts) => (await import('../src/cli/capture-command.js')).captureMonitorCommand(nodes, opts));

capture
  .command('scan')
  .description('SCAN every primary into an rdbtools-style memory CSV per node, plus manifest.json')
  .argument('[nodes...]', 'any node, as redis:// or rediss:// URL or HOST:PORT (else -h/-p/-u, else 127.0.0.1:6379); the topology is discovered')
  .requiredOption('--out <dir>', 'directory for the CSV files')
  .option('--type <type>', 'only keys of this type (SCAN ... TYPE)')
  .option('--memory', 'measure each key with MEMORY USAGE')
  .option('--ttl', 'record expiry times (PTTL)')
  .option('--sample <n>', 'stop each node after this many keys', positiveInt)
  .option('--rate <n>', 'at most this many keys per second per node', positiveInt)
  .option('--count <n>', 'SCAN COUNT hint', positiveInt, 1000)
  .addHelpText('after', `
Examples:
  slotscope capture scan redis://10.0.0.5:6379 --memory --ttl --rate 5000 --out keys/
  slotscope analyze keys/*.csv`)
  .action(async (nodes: string[], opts) => (await import('../src/cli/capture-command.js')).captureScanCommand(nodes, opts));

program
  .command('keyslot')
  .description('print the hash slot of each key, as CLUSTER KEYSLOT would: slot<TAB>key')
  .argument('[keys...]', 'keys (UTF-8)')
  .option('--stdin', 'read raw keys from stdin, one per line')
  .addHelpText('after', `
Examples:
  slotscope keyslot user:1000 '{user1000}.following'
  redis-cli --scan | slotscope keyslot --stdin`)
  .action(async (keys: string[], opts) => (await import('../src/cli/keyslot-command.js')).keyslotCommand(keys, opts));

// redis-cli's connection flags (-h -p -a --user -u --tls ...) on every command that reaches a live deployment.
const subcommand = (path: string[]): Command => path.reduce((cmd, name) => cmd.commands.find((c) => c.name() === name)!, program);
for (const path of [['analyze'], ['record'], ['verify'], ['capture', 'monitor'], ['capture', 'scan']]) addConnectionOptions(subcommand(path));

/** Ends the process for an error: one line, never a stack trace unless --verbose asked for it. */
function fatal(err: unknown): never {
  if (err instanceof InputError) {
    process.stderr.write(hidePasswords(`slotscope: ${err.message}\n`));
    process.exit(EXIT_INPUT);
  }
  const sys = err as NodeJS.ErrnoException;
  if (sys instanceof Error && sys.syscall && sys.code) {
    // The operating system refused something (a path, a descriptor, a limit): the environment's fault, not a bug.
    const reason = sys.message.replace(/^[A-Z0-9_]+: /, '').replace(/, \w+ '.*'$/, '');
    process.stderr.write(hidePasswords(`slotscope: ${sys.path ?? sys.syscall}: ${reason}\n`));
    process.exit(EXIT_INPUT);
  }
  process.stderr.write(hidePasswords(`slotscope: internal error: ${err instanceof Error ? err.message : String(err)}\n`));
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
