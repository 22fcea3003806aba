// Where a check's result goes besides stdout: --junit and --codequality files (opened before any input is
// read, so a path that cannot be written fails first) and, on GitHub Actions, annotations and a job summary.
import { parseInputArg } from '../../ingest/read-input.js';
import { OutputFile } from '../output-file.js';
import type { Report } from '../report.js';
import { type CheckOutcome, ciCheck } from './ci-check.js';
import { renderCodeQuality } from './code-quality.js';
import { onGithubActions, publishGithub } from './github-actions.js';
import { renderJunit } from './junit.js';

export interface CiOutputOptions {
  junit?: string;
  codequality?: string;
  format?: string;
}

export interface CiOutputs {
  /** `report`: the one the gates judged, for the findings' words and examples and the input files. */
  publish(outcome: CheckOutcome, report: Report): Promise<void>;
}

/** `inputs`: the command's input arguments (NAME=PATH too), none of which an output may overwrite. */
export function openCiOutputs(opts: CiOutputOptions, inputs: readonly string[], warn: (message: string) => void): CiOutputs {
  const paths = inputs.map((a) => parseInputArg(a).path);
  const junit = opts.junit ? OutputFile.open(opts.junit, paths) : null;
  const codequality = opts.codequality ? OutputFile.open(opts.codequality, paths) : null;
  return {
    async publish(outcome, report) {
      const check = ciCheck(outcome, report);
      if (junit) {
        junit.write(renderJunit(check));
        junit.close();
      }
      if (codequality) {
        codequality.write(renderCodeQuality(check));
        codequality.close();
      }
      if (onGithubActions()) await publishGithub(check, { annotate: opts.format !== 'json', warn });
    },
  };
}
