// `--codequality FILE`: a GitLab Code Quality report (the CodeClimate issue subset GitLab reads): an issue
// per failed gate's command or pattern and per finding, placed at the capture line of its example, with a
// fingerprint that stays the same from run to run so GitLab can tell new issues from old ones.
import { createHash } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
import { type CommandExample, exampleText } from '../../analyze/command-example.js';
import { type CiCheck, exampleFile, findingFails, findingText, gateLine } from './ci-check.js';
import type { GateFailure } from '../gates.js';

type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

interface Issue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: CodeQualitySeverity;
  location: { path: string; lines: { begin: number } };
}

/** Line numbers and counts change with every run; what the issue is about does not. */
const fingerprint = (...parts: string[]): string => createHash('sha256').update(parts.join('\0')).digest('hex');

function location(check: CiCheck, e: CommandExample | undefined): Issue['location'] {
  // GitLab links a path from the project's root, the working directory of a CI job; one outside it stays whole.
  const file = exampleFile(check, e) ?? check.inputs[0]?.path ?? 'slotscope';
  const inProject = relative(process.cwd(), file);
  return { path: isAbsolute(file) && !inProject.startsWith('..') ? inProject : file, lines: { begin: e?.line ?? 1 } };
}

export function renderCodeQuality(check: CiCheck): string {
  const issues: Issue[] = [];
  for (const g of check.gates) {
    if (g.passed) continue;
    const failures: (GateFailure | undefined)[] = g.failures?.length ? g.failures : [undefined];
    for (const f of failures) {
      issues.push({
        description: f ? `${gateLine(g)}: ${f.what} ${f.count}${f.example ? `, e.g. ${exampleText(f.example)}` : ''}` : gateLine(g),
        check_name: `slotscope/gate/${g.gate}`,
        fingerprint: fingerprint('gate', g.gate, f?.what ?? ''),
        severity: 'critical',
        location: location(check, f?.example),
      });
    }
  }
  for (const f of check.findings) {
    const severity: CodeQualitySeverity = f.allowed ? 'info' : f.severity === 'blocker' ? (findingFails(check, f) ? 'blocker' : 'major') : f.severity === 'warning' ? 'minor' : 'info';
    issues.push({ description: findingText(f).replace(/\n/g, ' — '), check_name: `slotscope/finding/${f.id}`, fingerprint: fingerprint('finding', f.id), severity, location: location(check, f.example) });
  }
  return JSON.stringify(issues, null, 2) + '\n';
}
