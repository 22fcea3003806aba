// One -f/--format vocabulary: check takes table|json as analyze and verify do, and `text`, its old name,
// still gives the table byte for byte; a value outside it is one line, exit 2.
import { describe, expect, it } from 'vitest';
import { slotscope } from '../helpers/cli.js';

const CAPTURE = 'samples/app.monitor';

describe('-f/--format', () => {
  it('check prints the table by default, the same for -f table and -f text', () => {
    const byDefault = slotscope(['check', CAPTURE]);
    expect(byDefault.stdout).toMatch(/^Judged for .*\nFAIL  verdict: blocked/);
    expect(byDefault.status).toBe(1);
    for (const f of ['table', 'text']) {
      const r = slotscope(['check', '-f', f, CAPTURE]);
      expect(r.stdout, `-f ${f}`).toBe(byDefault.stdout);
      expect(r.status).toBe(1);
    }
    const long = slotscope(['check', '--format=text', CAPTURE]);
    expect(long.stdout).toBe(byDefault.stdout);
  });

  it('check -f json keeps its schema', () => {
    const r = slotscope(['check', '-f', 'json', CAPTURE]);
    expect(JSON.parse(r.stdout).schema).toBe('slotscope.check/2');
    expect(r.status).toBe(1);
  });

  it('refuses a format outside the vocabulary in one line, exit 2', () => {
    for (const [cmd, extra] of [['check', []], ['verify', ['--plan', 'plan.json', '--cluster', '127.0.0.1:1']], ['analyze', []]] as const) {
      const r = slotscope([cmd, '-f', 'xml', ...extra, CAPTURE]);
      expect(r.status, cmd).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^slotscope: option '-f, --format <format>' argument 'xml' is invalid\. Allowed choices are table, json[^\n]*\.\n$/);
    }
  });
});
