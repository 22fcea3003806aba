// Parsers and shared option sets for commander: light imports only, since cmd/slotscope.ts loads them for every run.
import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_TARGET, TARGET_IDS } from '../analyze/targets.js';
import { INPUT_FORMATS } from '../ingest/input-stats.js';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

export function share(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a share between 0 and 1');
  return n;
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export const targetOption = (): Option => new Option('--target <target>', 'the cluster to judge for: SORT patterns and proxy-split commands differ').choices(TARGET_IDS as string[]).default(DEFAULT_TARGET);

export const inputFormatOption = (): Option => new Option('--input-format <format>', 'skip detection and read every input as this format').choices(INPUT_FORMATS as string[]);

export const maxLineBytesOption = (): Option => new Option('--max-line-bytes <n>', 'longest line accepted; longer ones are skipped and counted').argParser(positiveInt);

export const REDACT_KEYS_HELP = 'show no key text: examples as <key>, words of key patterns as keyed hashes (customer:<id>:orders -> <h:…>:<id>:<h:…>)';
export const REDACT_SECRET_HELP = 'with --redact-keys: the hash key (else SLOTSCOPE_REDACT_SECRET, else a public default that only groups: not secret against dictionary attacks)';

export const jobsOption = (): Option => new Option('--jobs <n>', 'worker threads: one per node for several nodes\' inputs, and a reader beside the analysis for a file of 64 MiB or more (8 MiB gzipped); the report is the same on any number (default: the cores available)').argParser(positiveInt);
