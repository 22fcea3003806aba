// The allow-list: accepted findings, checked in as `.slotscope.yml` (or `.slotscope.json`) beside the code.
// Every entry says why it is accepted and may say until when; each keeps the file:line it came from, so a
// stale or expired entry can be named where it is written. YAML (and JSON, which is YAML) is parsed with
// `yaml`, loaded only when there is a file to read.
import { existsSync, readFileSync } from 'node:fs';
import { FINDING_DEFS, type FindingId } from '../analyze/findings.js';
import { InputError } from '../ingest/input-error.js';

export interface AllowEntry {
  finding?: FindingId;
  /** A command name, as the report spells it (`mget`, `client list`): its cross-slot calls. */
  command?: string;
  /** A key pattern as the report prints it (`bull:emails:<id>`); `*` stands for any text. */
  pattern?: string;
  reason: string;
  /** The last day (UTC) the entry allows, YYYY-MM-DD. */
  expires?: string;
  /** file:line of the entry. */
  source: string;
}

export const ALLOWLIST_FILES = ['.slotscope.yml', '.slotscope.yaml', '.slotscope.json'];
const FIELDS = ['finding', 'command', 'pattern', 'reason', 'expires'] as const;
type Field = (typeof FIELDS)[number];
/** The only finding a command entry can narrow: command names are counted for cross-slot commands alone. */
const COMMAND_FINDING: FindingId = 'cross-slot-command';

/** The allow-list to read: the one given, else the one in the working directory (named as found), else none. */
export function findAllowlist(given: string | undefined): string | null {
  if (given !== undefined) return given;
  const found = ALLOWLIST_FILES.filter((f) => existsSync(f));
  if (found.length > 1) throw new InputError(`${found.join(' and ')} both exist: keep one allow-list`);
  return found[0] ?? null;
}

export async function readAllowlist(path: string): Promise<AllowEntry[]> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot read it', path);
  }
  const { LineCounter, parseDocument, isMap, isScalar, isSeq } = await import('yaml');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  // Every yaml node carries its source range; the line of its first character names it.
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as { range?: [number, number, number] | null } | null)?.range;
    return range ? lines.linePos(range[0]).line : undefined;
  };
  const fail = (reason: string, line: number | undefined): never => {
    throw new InputError(reason, path, line ?? 1);
  };
  const first = doc.errors[0];
  if (first) fail(`not valid YAML: ${first.message.split('\n')[0]}`, first.linePos?.[0].line ?? lines.linePos(first.pos[0]).line);
  const root = doc.contents;
  if (!isMap(root)) return fail('expected a mapping with an `allow:` list of entries', lineOf(root));
  let list: unknown = null;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    if (key !== 'allow') fail(`unknown key ${JSON.stringify(String(key))} (expected allow)`, lineOf(pair.key));
    list = pair.value;
  }
  // `allow:` with every entry commented out is an empty list, not an error.
  if (list === null || (isScalar(list) && list.value === null)) return [];
  if (!isSeq(list)) return fail('`allow:` must be a list of entries', lineOf(list) ?? lineOf(root));
  return list.items.map((item) => {
    const at = lineOf(item);
    if (!isMap(item)) return fail('an allow-list entry must be a mapping (finding, command, pattern, reason, expires)', at);
    const fields: Partial<Record<Field, string>> = {};
    for (const pair of item.items) {
      const keyLine = lineOf(pair.key) ?? at;
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!(FIELDS as readonly string[]).includes(key)) fail(`unknown field ${JSON.stringify(key)} (expected ${FIELDS.join(', ')})`, keyLine);
      const value = isScalar(pair.value) ? pair.value.value : undefined;
      if (typeof value !== 'string' || value.trim() === '') fail(`${key} must be a non-empty string${key === 'expires' ? ' (YYYY-MM-DD)' : ''}`, keyLine);
      fields[key as Field] = value as string;
    }
    return entry(fields, `${path}:${at ?? 1}`, (reason) => fail(reason, at));
  });
}

function entry(f: Partial<Record<Field, string>>, source: string, fail: (reason: string) => never): AllowEntry {
  if (f.reason === undefined) fail('entry has no reason: say why it is accepted');
  if (f.finding === undefined && f.command === undefined && f.pattern === undefined) fail('entry names no finding, command or pattern');
  if (f.finding !== undefined && !Object.hasOwn(FINDING_DEFS, f.finding)) fail(`unknown finding ${JSON.stringify(f.finding)}`);
  if (f.command !== undefined && f.pattern !== undefined) fail('give a command or a pattern, not both: the report counts patterns per finding, not per command');
  if (f.command !== undefined && f.finding !== undefined && f.finding !== COMMAND_FINDING) fail(`a command narrows only ${COMMAND_FINDING}`);
  if (f.expires !== undefined && !isDate(f.expires)) fail(`expires ${JSON.stringify(f.expires)} is not a date (YYYY-MM-DD)`);
  return {
    ...(f.finding !== undefined ? { finding: f.finding as FindingId } : {}),
    ...(f.command !== undefined ? { command: f.command.toLowerCase() } : {}),
    ...(f.pattern !== undefined ? { pattern: f.pattern } : {}),
    reason: f.reason!,
    ...(f.expires !== undefined ? { expires: f.expires } : {}),
    source,
  };
}

/** A real calendar day: 2026-02-30 is refused, not rolled over into March. */
function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
