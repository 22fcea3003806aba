// What the inputs given on the command line become: a capture directory is its capture files, its
// manifest.json is never read as a capture, a file given twice is read once, and every error of the
// operating system is one line.
import { linkSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotscope, slotscopeAsync } from '../helpers/cli.js';
import { type RedisServer, startRedis, waitFor } from '../helpers/redis.js';

interface ReportJson { totals: Record<string, number>; inputs: { path: string; node: string }[]; nodes: Record<string, unknown>; topology?: unknown }

function analyze(args: string[]): { report: ReportJson; stderr: string } {
  const r = slotscope(['analyze', '-f', 'json', ...args]);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.status).toBe(0);
  return { report: JSON.parse(r.stdout) as ReportJson, stderr: r.stderr };
}

describe('inputs: capture directories, manifests, the same file twice', () => {
  let server: RedisServer;
  const out = join(mkdtempSync(join(tmpdir(), 'slotscope-inputs-')), 'cap');
  let captures: string[];
  beforeAll(async () => {
    server = await startRedis();
    const cap = slotscopeAsync(['capture', 'monitor', server.url, '--duration', '3s', '--out', out]);
    await waitFor('the capture to start', async () => (readdirSync(out, { withFileTypes: true }).some((f) => f.name.endsWith('.monitor')) ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    const redis = server.client();
    for (let i = 0; i < 50; i++) await redis.set(`user:${i}:name`, 'x');
    await redis.mget('user:1:name', 'user:2:name');
    redis.disconnect();
    expect((await cap.done).status).toBe(0);
    captures = readdirSync(out).filter((f) => f.endsWith('.monitor')).sort().map((f) => join(out, f));
    // An empty file that sorts first, to see the order.
    writeFileSync(join(out, '0-empty.monitor'), '');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reads a directory as its capture files, sorted, without manifest.json', () => {
    const files = [join(out, '0-empty.monitor'), ...captures];
    const byFiles = analyze(files);
    const byDir = analyze([out]);
    expect(byDir.report.inputs.map((i) => i.path)).toEqual(files);
    expect(byDir.report.inputs.map((i) => i.node)).toEqual(['0-empty', `127.0.0.1-${server.port}`]);
    expect(byDir.report.totals).toEqual(byFiles.report.totals);
    expect(byDir.report.totals.commands).toBeGreaterThan(50);
    // The empty file is not one the capture wrote: its manifest says so.
    expect(byDir.stderr).toBe(`slotscope: ${join(out, 'manifest.json')} does not list ${join(out, '0-empty.monitor')}: its node and role are unknown\nslotscope: ${join(out, '0-empty.monitor')}: empty input\n`);
    // NAME=DIR tags every file in it with NAME.
    expect(analyze([`east=${out}`]).report.inputs.map((i) => i.node)).toEqual(['east', 'east']);
  });

  it('leaves a manifest.json given among the inputs (cap/*) out, saying so', () => {
    const manifest = join(out, 'manifest.json');
    const r = analyze([manifest, ...captures]);
    expect(r.report.inputs.map((i) => i.path)).toEqual(captures);
    expect(r.report.totals).toEqual(analyze(captures).report.totals);
    expect(r.stderr).toBe(`slotscope: ${manifest}: a capture's manifest, not a capture; not read as one (it is read beside the captures)\n`);
    const only = slotscope(['check', manifest]);
    expect(only.status).toBe(2);
    expect(only.stderr).toMatch(/no inputs: give files/);
  });

  it('reads a file given twice, by any path, once, saying so', () => {
    const file = captures[0];
    const other = join(out, '..', 'cap', captures[0].slice(out.length + 1));
    const linked = join(out, '..', 'linked.monitor');
    const hard = join(out, '..', 'hard.monitor');
    symlinkSync(file, linked);
    linkSync(file, hard);
    const once = analyze([file]).report.totals;
    const r = analyze([file, other, linked, hard]);
    expect(r.report.totals).toEqual(once);
    expect(r.report.inputs).toHaveLength(1);
    // join() makes `other` the very path given first: a note that names it once.
    expect(other).toBe(file);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([`slotscope: ${file}: given twice; read once`, ...[linked, hard].map((p) => `slotscope: ${p}: the same file as ${file}; read once`)]);
    const dirAndFile = analyze([out, file]);
    expect(dirAndFile.report.inputs.map((i) => i.path)).toEqual([join(out, '0-empty.monitor'), ...captures]);
    expect(dirAndFile.stderr).toContain(`slotscope: ${file}: given twice; read once\n`);
    const stdin = slotscope(['analyze', '-f', 'json', '-', '-'], Buffer.from('user:1\nuser:2\n'));
    expect(stdin.stderr).toBe('slotscope: stdin (-) given twice; read once\n');
    expect((JSON.parse(stdin.stdout) as ReportJson).totals.keyRecords).toBe(2);
  });

  it('turns every error of the operating system into one line, exit 2', () => {
    const base = join(out, '..');
    const cases: [string, RegExp][] = [
      [join(base, 'missing.monitor'), /: no such file$/],
      [join(captures[0], 'x.monitor'), /: a part of the path is not a directory$/],
      [join(base, 'x'.repeat(300)), /: file name too long$/],
      [join(base, 'loop'), /: too many levels of symbolic links$/],
      [join(base, 'empty-dir'), /: a directory without capture files$/],
      // Opens as a file, fails on the first read.
      ['/proc/self/mem', /: input\/output error while reading$/],
    ];
    symlinkSync(join(base, 'loop'), join(base, 'loop'));
    mkdirSync(join(base, 'empty-dir'));
    writeFileSync(join(base, 'empty-dir', 'manifest.json'), '{}');
    for (const [path, reason] of cases) {
      for (const command of ['analyze', 'check', 'plan']) {
        const r = slotscope([command, path]);
        expect({ command, path, status: r.status }).toEqual({ command, path, status: 2 });
        const lines = r.stderr.split('\n').filter(Boolean);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(reason);
        expect(lines[0].startsWith(`slotscope: ${path}: `)).toBe(true);
      }
    }
  });
});
