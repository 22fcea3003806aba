// `--junit FILE`: JUnit XML as Jenkins, GitLab, Azure DevOps and the GitHub test reporters read it: one
// suite of gates (a case per gate, failed as the gate failed) and one of findings (a case per finding).
import { type CiCheck, findingFails, findingLine, findingText, gateLine, gateText } from './ci-check.js';

/**
 * Text as XML 1.0 character data. Characters XML 1.0 cannot hold at all (C0 controls but tab, LF and CR;
 * lone surrogates; U+FFFE/U+FFFF) become U+FFFD, so a key's odd byte cannot make the whole file unreadable.
 */
export function xmlText(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // A parser turns a literal CR (LF) into LF; as a reference it survives.
    .replace(/\r/g, '&#13;');
}

/** Text as an attribute value: quotes escaped, and tab and LF as references, which attribute-value normalisation would turn into spaces. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

interface Case {
  name: string;
  failure?: { message: string; text: string };
  /** An allowed finding: neither failed nor passed. */
  skipped?: string;
  out?: string;
}

function suite(name: string, classname: string, cases: Case[]): string {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped).length;
  const body = cases.map((c) => {
    const open = `    <testcase classname="${xmlAttr(classname)}" name="${xmlAttr(c.name)}" time="0"`;
    if (c.failure) return `${open}>\n      <failure message="${xmlAttr(c.failure.message)}" type="${xmlAttr(classname)}">${xmlText(c.failure.text)}</failure>\n    </testcase>`;
    if (c.skipped) return `${open}>\n      <skipped message="${xmlAttr(c.skipped)}"/>${c.out ? `\n      <system-out>${xmlText(c.out)}</system-out>` : ''}\n    </testcase>`;
    if (c.out) return `${open}>\n      <system-out>${xmlText(c.out)}</system-out>\n    </testcase>`;
    return `${open}/>`;
  });
  return `  <testsuite name="${xmlAttr(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0">\n${body.join('\n')}\n  </testsuite>`;
}

export function renderJunit(check: CiCheck): string {
  const gates: Case[] = check.gates.map((g) => ({ name: g.gate, ...(g.passed ? { out: gateLine(g) } : { failure: { message: gateLine(g), text: gateText(g) } }) }));
  const findings: Case[] = check.findings.map((f) => ({
    name: f.id,
    ...(findingFails(check, f) ? { failure: { message: findingLine(f), text: findingText(f) } } : { out: findingText(f) }),
    ...(f.allowed ? { skipped: 'allowed by the allow-list' } : {}),
  }));
  const suites = [suite(`slotscope gates (${check.target.label})`, 'slotscope.gates', gates)];
  if (findings.length) suites.push(suite(`slotscope findings (${check.target.label})`, 'slotscope.findings', findings));
  const all = [...gates, ...findings];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="slotscope check" tests="${all.length}" failures="${all.filter((c) => c.failure).length}" errors="0" time="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
