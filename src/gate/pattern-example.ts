// One example per key pattern a gate names. The report keeps one example per command, finding and script,
// not per pattern, so the example shown for a pattern is the first of those whose keys have that pattern:
// an example of another pattern would mislead, so a pattern none of them shows goes without one.
import type { CommandExample } from '../analyze/command-example.js';
import { keyPattern } from '../analyze/key-pattern.js';
import type { Report } from '../report/report.js';

/** Quoted arguments of an example: the keys, in redis-cli's repr (\" \\ \n \r \t \a \b \xhh). */
const QUOTED = /"((?:[^"\\]|\\.)*)"/g;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b' };

/** The example for a pattern under a finding (by the finding's id). */
export type PatternExample = (pattern: string, finding: string) => CommandExample | undefined;

/** What kind of line a finding's example is: a script call, a MULTI/EXEC block, or one command. */
const familyOf = (finding: string): string => (finding.includes('script') ? 'script' : finding.includes('transaction') || finding.startsWith('watch-') ? 'transaction' : 'command');

/**
 * The finding's own example when it shows the pattern, else the first of its kind that does: a script
 * finding's pattern is never shown with a MULTI block that happens to use the same keys.
 */
export function patternExamples(r: Report): PatternExample {
  const own = new Map<string, CommandExample | undefined>(r.findings.map((f) => [f.id, f.example]));
  const examples: [string, CommandExample][] = [];
  for (const f of r.findings) if (f.example) examples.push([familyOf(f.id), f.example]);
  for (const c of Object.values(r.commands)) if (c.example) examples.push(['command', c.example]);
  for (const s of r.scripts) if (s.example) examples.push(['script', s.example]);
  const byPattern = new Map<string, CommandExample>();
  for (const [family, e] of examples) {
    for (const key of exampleKeys(e.command)) {
      const at = `${family} ${keyPattern(key)}`;
      if (!byPattern.has(at)) byPattern.set(at, e);
    }
  }
  return (pattern, finding) => {
    const mine = own.get(finding);
    return mine && exampleKeys(mine.command).some((k) => keyPattern(k) === pattern) ? mine : byPattern.get(`${familyOf(finding)} ${pattern}`);
  };
}

/** The keys of an example, as latin1 strings of their bytes (what keyPattern() reads). */
function exampleKeys(command: string): string[] {
  return [...command.matchAll(QUOTED)].map((m) => m[1].replace(/\\x([0-9a-f]{2})|\\(.)/gi, (_, hex: string | undefined, c: string) => (hex ? String.fromCharCode(parseInt(hex, 16)) : (ESCAPES[c] ?? c))));
}
