// On GitHub Actions (GITHUB_ACTIONS=true): an annotation per failed gate and per finding, and a Markdown
// job summary appended to $GITHUB_STEP_SUMMARY. @actions/core speaks the workflow-command protocol (its
// escaping of %, CR, LF, `:` and `,`) and writes the summary; it is loaded only here, only on GitHub.
import { escapeHtml } from '../slot-chart.js';
import { exampleText } from '../../analyze/command-example.js';
import { type CiCheck, findingFails, findingLine, findingText, gateLine, gateText } from './ci-check.js';

export const onGithubActions = (env: NodeJS.ProcessEnv = process.env): boolean => env.GITHUB_ACTIONS === 'true';

export interface GithubOptions {
  /** Workflow commands go to stdout, where the runner reads them: not while stdout carries JSON. */
  annotate: boolean;
  warn(message: string): void;
}

export async function publishGithub(check: CiCheck, opts: GithubOptions): Promise<void> {
  const core = await import('@actions/core');
  if (opts.annotate) {
    for (const g of check.gates) if (!g.passed) core.error(gateText(g), { title: `slotscope: ${g.gate} gate failed` });
    for (const f of check.findings) {
      const annotate = findingFails(check, f) ? core.error : f.allowed || f.severity === 'info' ? core.notice : core.warning;
      annotate(findingText(f), { title: `slotscope: ${f.id}` });
    }
  }
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const cell = (s: string): string => escapeHtml(s);
  const summary = core.summary
    .addHeading(`slotscope check: ${check.passed ? 'passed' : 'FAILED'}`, 2)
    .addRaw(`<p>Judged for ${cell(check.target.label)} (<code>--target ${cell(check.target.id)}</code>).</p>`, true)
    .addTable([
      [{ data: 'Gate', header: true }, { data: 'Value', header: true }, { data: 'Limit', header: true }, { data: 'Result', header: true }],
      ...check.gates.map((g) => [cell(g.gate), cell(String(g.value)), cell(String(g.limit)), g.passed ? 'pass' : '<strong>FAIL</strong>']),
    ]);
  const failed = check.gates.filter((g) => !g.passed && g.failures?.length);
  for (const g of failed) summary.addDetails(cell(gateLine(g)), `<ul>${g.failures!.map((f) => `<li><code>${cell(f.what)}</code>: ${f.count}${f.example ? `, e.g. <code>${cell(exampleText(f.example))}</code>` : ''}</li>`).join('')}</ul>`);
  if (check.findings.length) {
    summary.addHeading('Findings', 3).addList(check.findings.map((f) => `${findingFails(check, f) ? '<strong>' : ''}${cell(findingLine(f))}${findingFails(check, f) ? '</strong>' : ''}${f.example ? `, e.g. <code>${cell(exampleText(f.example))}</code>` : ''}`));
  }
  try {
    await summary.write();
  } catch (err) {
    opts.warn(`the GitHub job summary was not written: ${err instanceof Error ? err.message : String(err)}`);
  }
}
