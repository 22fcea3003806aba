// The GitHub Actions workflow in README.md's "In CI", step for step: its `run:` steps run in order in a scratch project
// whose `npm test` is a real ioredis app (app-under-test.mjs), against a real redis-server (REDIS_URL), with
// GITHUB_ACTIONS=true and a job summary file. First as a push to main, whose report becomes the baseline
// (what the download-artifact step fetches on GitHub), then as pull requests. Only `uses:` steps (checkout,
// setup-node, artifacts) are left to GitHub; an `if:` this test cannot read fails it, so README and test
// cannot drift apart.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readmeSection } from '../helpers/readme.js';
import { type RedisServer, startRedis } from '../helpers/redis.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
}

const yamlBlocks = (): Record<string, unknown>[] => [...readmeSection('## In CI').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]) as Record<string, unknown>);

function githubWorkflow(): { env: Record<string, string>; steps: Step[] } {
  const workflow = yamlBlocks().find((b) => b.jobs && b.on) as { jobs: Record<string, { env?: Record<string, string>; steps: Step[] }> } | undefined;
  if (!workflow) throw new Error('README.md: "In CI" has no GitHub Actions workflow');
  const [job] = Object.values(workflow.jobs);
  return { env: job.env ?? {}, steps: job.steps };
}

/** The expressions the README's workflow uses, as GitHub evaluates them; any other is this test's to learn. */
function runs(condition: string | undefined, event: string, failed: boolean): boolean {
  if (condition === undefined) return !failed;
  if (condition === 'always()') return true;
  const eventIs = /^github\.event_name == '([a-z_]+)'$/.exec(condition);
  if (eventIs) return !failed && eventIs[1] === event;
  throw new Error(`the workflow has an if: this test does not read: ${condition}`);
}

interface StepResult {
  step: string;
  status: number | null;
  stdout: string;
  stderr: string;
}

describe("the README's GitHub Actions workflow", () => {
  let server: RedisServer;
  let project: string;
  beforeAll(async () => {
    server = await startRedis();
    // Inside the repository, so that the app's `import 'ioredis'` finds this repository's; slotscope itself
    // comes in as a devDependency linked from here, as `npm ci` would install it in a user's project.
    project = mkdtempSync(join(HERE, '.workflow-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, scripts: { test: 'node ../app-under-test.mjs' }, devDependencies: { slotscope: 'file:../../..' } }, null, 2));
    const lock = spawnSync('npm', ['install', '--package-lock-only', '--offline', '--no-audit', '--no-fund'], { cwd: project, encoding: 'utf8' });
    expect(lock.status, lock.stderr).toBe(0);
  });
  afterAll(async () => {
    await server?.stop();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  /** Runs the run: steps as GitHub would for this event: in order, each in bash -e, skipped by its if:. */
  function runWorkflow(event: string, env: Record<string, string>): { results: StepResult[]; summary: string } {
    const { env: jobEnv, steps } = githubWorkflow();
    const summary = join(mkdtempSync(join(project, '.summary-')), 'step-summary.md');
    writeFileSync(summary, '');
    const stepEnv = {
      ...process.env,
      ...jobEnv,
      REDIS_URL: server.url,
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: event,
      GITHUB_STEP_SUMMARY: summary,
      // npm ci installs only the linked slotscope: nothing to fetch.
      npm_config_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      ...env,
    };
    const results: StepResult[] = [];
    let failed = false;
    for (const step of steps) {
      if (step.uses || !step.run || !runs(step.if, event, failed)) continue;
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], { cwd: project, env: stepEnv, encoding: 'utf8' });
      results.push({ step: step.name ?? step.run, status: r.status, stdout: r.stdout, stderr: r.stderr });
      if (r.status !== 0) failed = true;
    }
    return { results, summary: readFileSync(summary, 'utf8') };
  }

  const junitCases = () => {
    const xml = readFileSync(join(project, 'slotscope-junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const suites = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'testsuite' || n === 'testcase' }).parse(xml).testsuites.testsuite as { testcase: { '@_name': string; failure?: unknown }[] }[];
    return suites.flatMap((s) => s.testcase);
  };

  it('on a push to main: every run: step passes, the JUnit file and the job summary read back, the report is written', () => {
    const { results, summary } = runWorkflow('push', {});
    expect(results.map((r) => [r.step, r.status, r.status === 0 ? '' : r.stderr])).toEqual([
      ['npm ci', 0, ''],
      ["Record the tests' Redis traffic and gate it", 0, ''],
      ['Report', 0, ''],
    ]);
    const cases = junitCases();
    expect(cases.map((c) => c['@_name'])).toContain('cross-slot commands');
    expect(cases.filter((c) => c.failure)).toEqual([]);
    expect(summary).toContain('<h2>slotscope check: passed</h2>');
    expect(readFileSync(join(project, 'slotscope-report/report.html'), 'utf8')).toMatch(/^<!doctype html>/);
    const report = JSON.parse(readFileSync(join(project, 'slotscope-report/report.json'), 'utf8'));
    expect(report.commands.set.calls).toBeGreaterThan(200);
    // What download-artifact brings a pull request: main's report.
    mkdirSync(join(project, 'baseline'), { recursive: true });
    copyFileSync(join(project, 'slotscope-report/report.json'), join(project, 'baseline/report.json'));
  });

  it('on a pull request with the same traffic: every run: step passes, the comparison with main too', () => {
    expect(existsSync(join(project, 'baseline/report.json'))).toBe(true);
    const { results, summary } = runWorkflow('pull_request', {});
    expect(results.map((r) => [r.step, r.status, r.status === 0 ? '' : r.stderr])).toEqual([
      ['npm ci', 0, ''],
      ["Record the tests' Redis traffic and gate it", 0, ''],
      ['Report', 0, ''],
      ['Compare with main', 0, ''],
    ]);
    expect(summary.match(/<h2>slotscope check: passed<\/h2>/g)).toHaveLength(2);
  });

  it('on a pull request that adds a cross-slot MGET: the record step fails, names it in JUnit, annotations and the summary, and the report is still written', () => {
    rmSync(join(project, 'slotscope-report'), { recursive: true, force: true });
    const { results, summary } = runWorkflow('pull_request', { APP_CROSS_SLOT: '1' });
    expect(results.map((r) => [r.step, r.status])).toEqual([
      ['npm ci', 0],
      ["Record the tests' Redis traffic and gate it", 1],
      ['Report', 0],
    ]);
    const record = results[1];
    expect(record.stdout).toMatch(/^FAIL {2}cross-slot commands: 1 \(limit 0\)$/m);
    expect(record.stdout).toMatch(/^::error title=slotscope%3A cross-slot-command::.*mget "\{user:1\}:name" "\{user:2\}:name"/m);
    const failedCases = junitCases().filter((c) => c.failure).map((c) => c['@_name']);
    // Both keys already carry a hash tag, of different users: no rename fixes it, so the verdict is blocked too.
    expect(failedCases).toEqual(['verdict', 'cross-slot commands', 'cross-slot-command']);
    expect(summary).toContain('<h2>slotscope check: FAILED</h2>');
    expect(existsSync(join(project, 'slotscope-report/report.html'))).toBe(true);
  });

  it("the README's GitLab job (outside a merge request): script then after_script, the JUnit and Code Quality reports read back", () => {
    const job = yamlBlocks().find((b) => (b.slotscope as { script?: unknown } | undefined)?.script) as { slotscope: { variables: Record<string, string>; script: string[]; after_script: string[]; artifacts: { reports: Record<string, string> } } } | undefined;
    if (!job) throw new Error('README.md: "In CI" has no GitLab job');
    const { variables, script, after_script: afterScript, artifacts } = job.slotscope;
    for (const f of Object.values(artifacts.reports)) rmSync(join(project, f), { force: true });
    rmSync(join(project, 'slotscope-report'), { recursive: true, force: true });
    const env = { ...process.env, ...variables, REDIS_URL: server.url, GITLAB_CI: 'true', CI_MERGE_REQUEST_IID: '', npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    // GitLab runs a job's script lines in one shell, stopping at the first failure; after_script in another.
    const sh = (lines: string[]) => spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', lines.join('\n')], { cwd: project, env, encoding: 'utf8' });
    const main = sh(script);
    expect(main.status, main.stderr).toBe(0);
    const after = sh(afterScript);
    expect(after.status, after.stderr).toBe(0);
    expect(junitCases().filter((c) => c.failure)).toEqual([]);
    const issues = JSON.parse(readFileSync(join(project, artifacts.reports.codequality), 'utf8')) as unknown[];
    expect(issues).toEqual([]);
    expect(readFileSync(join(project, 'slotscope-report/report.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });
});
