// The gate options `check` takes, shared by every command that ends in the gates (check, record).
import { type Command, Option } from 'commander';
import { collect, inputFormatOption, nonNegativeInt, share, targetOption, REDACT_SECRET_HELP } from './option-parsers.js';

export function addCheckOptions(cmd: Command): Command {
  return cmd
    .option('-n, --node <NAME=PATH>', 'an input from node NAME (repeatable)', collect, [])
    .option('--max-cross-slot <n>', 'cross-slot commands allowed', nonNegativeInt, 0)
    .option('--max-cross-slot-transactions <n>', 'cross-slot MULTI/EXEC blocks allowed', nonNegativeInt, 0)
    .option('--max-cross-slot-scripts <n>', 'cross-slot script calls allowed', nonNegativeInt, 0)
    .option('--max-skipped <n>', 'unreadable input lines allowed', nonNegativeInt)
    .option('--max-skipped-share <share>', 'unreadable input lines allowed, as a share of the lines read (0-1)', share, 0.01)
    .option('--min-commands <n>', 'client commands (MONITOR inputs) or keys (key dumps) the inputs must yield; an input with none always fails', nonNegativeInt, 1)
    .addOption(new Option('--fail-on <verdict>', 'fail when the verdict is blocked, or already when changes are needed').choices(['blocked', 'changes']).default('blocked'))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--junit <file>', 'also write the gates and findings as JUnit XML, one test case each (on GitHub Actions, annotations and a job summary come by themselves)')
    .option('--codequality <file>', 'also write a GitLab Code Quality report (JSON) of the failed gates and the findings')
    .addOption(inputFormatOption())
    .addOption(targetOption())
    .option('--redact-keys', 'gates print no key text anyway; accepted so one set of flags fits analyze, check and plan')
    .option('--redact-secret-file <file>', REDACT_SECRET_HELP);
}
