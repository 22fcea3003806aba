// `--junit FILE`: JUnit XML as Jenkins, GitLab, Azure DevOps and the GitHub test reporters read it: one
// suite of gates (a case per gate, failed as the gate failed) and one of findings (a case per finding).
import { type CiCheck, findingFails, findingLine, findingText, gateLine, gateText } from './ci-check.js';

/**
 * Text as XML 1.0 character data or attribute value. Characters XML 1.0 cannot hold at all (C0 controls
 * but tab, LF and CR; lone surrogates; U+FFFE/U+FFFF) become U+FFFD, so a key's odd byte cannot make the
 * whole file unreadable.
 */
export function xmlText(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Attribute values would normalise line ends to spaces; as references they survive.
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

interface Case {
  name: string;
  failure?: { message: string; text: string };
  out?: string;
}

function suite(name: string, classname: string, cases: Case[]): string {
  const failures = cases.filter((c) => c.failure).length;
  const body = cases.map((c) => {
    const open = `    <testcase classname="${xmlText(classname)}" name="${xmlText(c.name)}" time="0"`;
    if (c.failure) return `${open}>\n      <failure message="${xmlText(c.failure.message)}" type="${xmlText(classname)}">${xmlText(c.failure.text)}</failure>\n    </testcase>`;
    if (c.out) return `${open}>\n      <system-out>${xmlText(c.out)}</system-out>\n    </testcase>`;
    return `${open}/>`;
  });
  return `  <testsuite name="${xmlText(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="0">\n${body.join('\n')}\n  </testsuite>`;
}

export function renderJunit(check: CiCheck): string {
  const gates: Case[] = check.gates.map((g) => ({ name: g.gate, ...(g.passed ? { out: gateLine(g) } : { failure: { message: gateLine(g), text: gateText(g) } }) }));
  const findings: Case[] = check.findings.map((f) => ({ name: f.id, ...(findingFails(check, f) ? { failure: { message: findingLine(f), text: findingText(f) } } : { out: findingText(f) }) }));
  const suites = [suite(`slotscope gates (${check.target.label})`, 'slotscope.gates', gates)];
  if (findings.length) suites.push(suite(`slotscope findings (${check.target.label})`, 'slotscope.findings', findings));
  const all = [...gates, ...findings];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="slotscope check" tests="${all.length}" failures="${all.filter((c) => c.failure).length}" errors="0" time="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
