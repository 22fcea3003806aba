// The gate options `check` takes, shared by every command that ends in the gates (check, record).
import { type Command, InvalidArgumentError, Option } from 'commander';
import { FINDING_DEFS } from '../analyze/findings.js';
import { SEVERITIES, VERDICT_VALUES } from '../gate/fail-on.js';
import { collect, inputFormatOption, maxLineBytesOption, nonNegativeInt, positiveInt, share, targetOption, REDACT_SECRET_HELP } from './option-parsers.js';

/** --fail-on: verdict values, severities (that severity or worse) and finding ids, comma-separated. */
function failOnList(value: string): string[] {
  const values = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  const known = (v: string): boolean => (VERDICT_VALUES as readonly string[]).includes(v) || (SEVERITIES as readonly string[]).includes(v) || Object.hasOwn(FINDING_DEFS, v);
  const bad = values.filter((v) => !known(v));
  if (values.length === 0 || bad.length > 0) throw new InvalidArgumentError(`${bad.length ? `unknown ${bad.join(', ')}: ` : ''}expected blocked, changes, a severity (${SEVERITIES.join(', ')}) or finding ids, comma-separated`);
  return values;
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0) || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number of 0 or more');
  return n;
}

/** -f table|json, as analyze and verify take it; `text`, its name before, is still table. */
function tableOrJson(): Option {
  const format = new Option('-f, --format <format>', 'output format (text: the same as table)').choices(['table', 'json']).default('table');
  const strict = format.parseArg!;
  return format.argParser((value: string, previous: unknown) => strict(value === 'text' ? 'table' : value, previous));
}

export function addCheckOptions(cmd: Command): Command {
  return cmd
    .option('-n, --node <NAME=PATH>', 'an input from node NAME (repeatable)', collect, [])
    .option('--max-cross-slot <n>', 'cross-slot commands allowed (default: 0; not with --baseline)', nonNegativeInt)
    .option('--max-cross-slot-transactions <n>', 'cross-slot MULTI/EXEC blocks allowed (default: 0; not with --baseline)', nonNegativeInt)
    .option('--max-cross-slot-scripts <n>', 'cross-slot script calls allowed (default: 0; not with --baseline)', nonNegativeInt)
    .option('--max-cross-slot-rate <share>', 'cross-slot commands allowed, as a share of keyed commands (0-1)', share)
    .option('--max-slot-skew <x>', 'busiest node over the mean node load: of the planned layout with --shards, else of the capture\'s primaries (manifest), else busiest slot over the mean of 16384 slots', nonNegative)
    .option('--shards <n>', 'with --max-slot-skew / --baseline: judge skew under the layout the plan proposes for N primaries', positiveInt)
    .option('--max-skipped <n>', 'unreadable input lines allowed', nonNegativeInt)
    .option('--max-skipped-share <share>', 'unreadable input lines allowed, as a share of the lines read (0-1)', share, 0.01)
    .option('--max-unknown-share <share>', 'commands no key spec describes (module commands, whose keys go unjudged) allowed, as a share of client commands (0-1); an allow-listed command is not counted', share, 0.01)
    .option('--min-commands <n>', 'client commands (MONITOR inputs) or keys (key dumps) the inputs must yield; an input with none always fails', nonNegativeInt, 1)
    .addOption(new Option('--fail-on <list>', 'comma-separated: blocked (the verdict), changes (any change needed), a severity (blocker, warning, info: that or worse), or finding ids').argParser(failOnList).default(['blocked'], 'blocked'))
    .option('--baseline <report.json>', 'an earlier `analyze -f json` report (e.g. main\'s): fail only on regressions; replaces the --max-cross-slot* count gates')
    .option('--tolerance <share>', 'with --baseline: share points a cross-slot rate (per command, transactions, scripts) may rise by', share, 0.01)
    .option('--max-skew-increase <share>', 'with --baseline: relative rise of the skew figure allowed (0.25: 1.2 -> 1.5)', nonNegative, 0.25)
    .option('--allowlist <file>', 'accepted findings, commands and patterns (default: .slotscope.yml or .slotscope.json in the working directory)')
    .option('--strict-allowlist', 'fail when an allow-list entry matches nothing (stale)')
    .addOption(tableOrJson())
    .option('-o, --output <file>', 'also write the result as JSON (slotscope.check/2) to a file; stdout keeps --format')
    .option('--junit <file>', 'also write the gates and findings as JUnit XML, one test case each (on GitHub Actions, annotations and a job summary come by themselves)')
    .option('--codequality <file>', 'also write a GitLab Code Quality report (JSON) of the failed gates and the findings')
    .addOption(inputFormatOption())
    .addOption(maxLineBytesOption())
    .addOption(targetOption())
    .option('--redact-keys', 'show no key text: failures name key patterns as keyed hashes and examples with <key>; the allow-list\'s patterns are hashed alike')
    .option('--redact-secret-file <file>', REDACT_SECRET_HELP);
}
