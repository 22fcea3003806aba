// The package as a user gets it: `npm pack` of a clean copy of the sources (prepack builds dist/), installed
// into an empty project, run through `npx slotscope`, and imported by a strict NodeNext TypeScript project
// (test/package/consumer/) that only sees what the tarball ships — with the README's "Library" example run too.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeSection } from '../helpers/readme.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const work = mkdtempSync(join(tmpdir(), 'slotscope-pack-'));
const project = join(work, 'consumer');

/**
 * npm under `npm test` exports npm_config_local_prefix and friends: a nested npm would take them for its own
 * and install into this repository. Only the cache, registry and user config are passed on.
 */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || /^npm_config_(cache|registry|userconfig)$/i.test(k)));

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
}

function ok(r: SpawnSyncReturns<string>): string {
  expect(r.error).toBeUndefined();
  if (r.status !== 0) throw new Error(`exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The files a clean clone has (tracked, or new and not ignored): no dist/, no node_modules. */
function cleanCopy(to: string): void {
  const files = ok(run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT)).split('\0').filter(Boolean);
  for (const f of files) {
    try {
      cpSync(join(ROOT, f), join(to, f));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // deleted in the work tree, not yet committed
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(to, 'node_modules'));
}

/** The ```ts blocks of a Markdown file, in order. */
function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

let tarball = '';
let packed: string[] = [];

beforeAll(() => {
  const sources = join(work, 'sources');
  mkdirSync(sources);
  cleanCopy(sources);
  const [info] = JSON.parse(ok(run('npm', ['pack', '--json', '--pack-destination', work], sources))) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info.filename);
  packed = info.files.map((f) => f.path);

  cpSync(join(ROOT, 'test/package/consumer'), project, { recursive: true });
  cpSync(join(ROOT, 'samples/app.monitor'), join(project, 'app.monitor'));
  tsBlocks(readmeSection('## Library')).forEach((code, i) => writeFileSync(join(project, `readme-${i + 1}.ts`), code));
  // The @types/node this repository is tested with: in npm's cache once `npm ci` ran, so no download.
  const typesNode = (JSON.parse(readFileSync(join(ROOT, 'node_modules/@types/node/package.json'), 'utf8')) as { version: string }).version;
  ok(run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, `@types/node@${typesNode}`], project));
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm pack', () => {
  it('ships the built CLI and library with its declarations and licence, and no sources or tests', () => {
    for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/cmd/slotscope.js', 'dist/src/index.js', 'dist/src/index.d.ts']) expect(packed).toContain(f);
    expect(packed.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(packed.filter((f) => /^(src|test|bench|samples|cmd)\//.test(f) || f.startsWith('dist/bench') || f.startsWith('dist/samples') || f.startsWith('dist/test'))).toEqual([]);
    // A maintainer's tool that writes into src/: of no use, and harm, inside node_modules.
    expect(packed.filter((f) => f.includes('generate-key-specs'))).toEqual([]);
  });

  it('ships source maps that carry their sources, since src/ is not in the package', () => {
    const dist = join(project, 'node_modules', pkg.name, 'dist');
    const maps = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(50);
    for (const m of maps) {
      const map = JSON.parse(readFileSync(join(dist, m), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(map.sourcesContent?.length, m).toBe(map.sources.length);
      expect(map.sourcesContent!.every((s) => typeof s === 'string' && s.length > 0), m).toBe(true);
    }
    expect(maps.some((m) => m.endsWith('index.js.map') && dirname(m) === 'src')).toBe(true);
  });
});

describe('installed from the tarball', () => {
  it('npx slotscope --version prints the package version', () => {
    expect(ok(run('npx', ['slotscope', '--version'], project)).trim()).toBe(pkg.version);
  });

  it('npx slotscope analyze reads a capture and writes the report', () => {
    const table = ok(run('npx', ['slotscope', 'analyze', 'app.monitor'], project));
    expect(table).toMatch(/verdict: blocked/i);
    const json = JSON.parse(ok(run('npx', ['slotscope', 'analyze', '-f', 'json', 'app.monitor'], project))) as { schema: string; inputs: { records: number }[] };
    expect(json.schema).toBe('slotscope.report/1');
    expect(json.inputs[0].records).toBe(1768);
    const refused = run('npx', ['slotscope', 'analyze', 'no-such.monitor'], project);
    expect([refused.status, refused.stderr.trim()]).toEqual([2, 'slotscope: no-such.monitor: no such file']);
  });

  it('a strict NodeNext project type-checks against the shipped declarations and runs on the public entry alone', () => {
    expect(ok(run(process.execPath, [TSC, '-p', '.'], project))).toBe('');
    const out = JSON.parse(ok(run(process.execPath, ['dist/main.js'], project))) as { verdict: string; failedGates: string[]; renames: number };
    expect(out.verdict).toBe('blocked');
    expect(out.failedGates.length).toBeGreaterThan(0);
    expect(out.renames).toBeGreaterThan(0);
  }, 180_000);

  it('a deep import does not type-check: "exports" keeps the modules private', () => {
    writeFileSync(join(project, 'deep.ts'), "import { crc16 } from 'slotscope/dist/src/slot/crc16.js';\nconsole.log(crc16);\n");
    try {
      const r = run(process.execPath, [TSC, '-p', '.', '--noEmit', '--skipLibCheck'], project);
      expect(r.status).not.toBe(0);
      expect(r.stdout).toMatch(/deep\.ts.*slotscope\/dist\/src\/slot\/crc16\.js/);
    } finally {
      rmSync(join(project, 'deep.ts'));
    }
  }, 180_000);

  it('the README\'s Library example runs as written', () => {
    const r = run(process.execPath, ['dist/readme-1.js'], project);
    expect(r.stderr).toBe('');
    // The sample is blocked by cross-slot commands: the example sets exit code 1, as a failing test would.
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('blocked');
    expect(r.stdout).toMatch(/^cross-slot-command: \d+×, e\.g\. /m);
    expect(r.stdout).toMatch(/^hash tag \{user:<id>\}: user:<id>:balance -> \{user:<id>\}:balance, /m);
    expect(r.stdout).toMatch(/^cross-slot commands: 133 before, 118 after$/m);
  });
});
