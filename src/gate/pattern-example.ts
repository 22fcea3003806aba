// One example per key pattern a gate names. The report keeps one example per command, finding and script,
// not per pattern, so the example shown for a pattern is the first of those whose keys have that pattern:
// an example of another pattern would mislead, so a pattern none of them shows goes without one.
import type { CommandExample } from '../analyze/command-example.js';
import { keyPattern } from '../analyze/key-pattern.js';
import type { Report } from '../report/report.js';

/** Quoted arguments of an example: the keys, in redis-cli's repr (\" \\ \n \r \t \a \b \xhh). */
const QUOTED = /"((?:[^"\\]|\\.)*)"/g;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b' };

export type PatternExample = (pattern: string, own?: CommandExample) => CommandExample | undefined;

/** `own`: the example of the finding the pattern is under, preferred when it shows that pattern. */
export function patternExamples(r: Report): PatternExample {
  const examples: CommandExample[] = [];
  for (const f of r.findings) if (f.example) examples.push(f.example);
  for (const c of Object.values(r.commands)) if (c.example) examples.push(c.example);
  for (const s of r.scripts) if (s.example) examples.push(s.example);
  const byPattern = new Map<string, CommandExample>();
  for (const e of examples) for (const key of exampleKeys(e.command)) if (!byPattern.has(keyPattern(key))) byPattern.set(keyPattern(key), e);
  return (pattern, own) => (own && exampleKeys(own.command).some((k) => keyPattern(k) === pattern) ? own : byPattern.get(pattern));
}

/** The keys of an example, as latin1 strings of their bytes (what keyPattern() reads). */
function exampleKeys(command: string): string[] {
  return [...command.matchAll(QUOTED)].map((m) => m[1].replace(/\\x([0-9a-f]{2})|\\(.)/gi, (_, hex: string | undefined, c: string) => (hex ? String.fromCharCode(parseInt(hex, 16)) : (ESCAPES[c] ?? c))));
}
