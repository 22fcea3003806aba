import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyPattern, redactPattern } from '../../src/analyze/key-pattern.js';
import { DEFAULT_REDACT_SECRET, KeyRedactor } from '../../src/analyze/redact-keys.js';

const mark = (s: string): string => `[${s}]`;

describe('redactPattern', () => {
  it('replaces each literal segment and keeps separators, dots, braces and class placeholders', () => {
    const cases: [string, string][] = [
      ['customer:acme-corp:orders', '[customer]:[acme-corp]:[orders]'],
      ['{user:<id>}:cart', '{[user]:<id>}:[cart]'],
      ['order-<id>.total', '[order]-<id>.[total]'],
      ['a_b-<id>', '[a]_[b]-<id>'],
      ['daily_report', '[daily_report]'],
      ['session:<uuid>', '[session]:<uuid>'],
      ['x<id>y', '[x]<id>[y]'],
      ['<script>alert(1)</script>', '[<script>alert(1)<]/[script>]'],
      ['a:<key>:<idx>', '[a]:[<key>]:[<idx>]'],
      ['pipe|narwhal|<id>', '[pipe]|[narwhal]|<id>'],
      ['::', '::'],
    ];
    for (const [pattern, out] of cases) expect({ pattern, r: redactPattern(pattern, mark) }).toEqual({ pattern, r: out });
  });

  it('treats placeholder-like text as literal in raw key text', () => {
    expect(redactPattern('{user:<id>}', mark, false)).toBe('{[user]:[<id>]}');
  });
});

describe('KeyRedactor', () => {
  const hmac = (secret: string, word: string): string => `<h:${createHmac('sha256', secret).update(word).digest('hex').slice(0, 8)}>`;

  it('hashes a word with HMAC-SHA256 under the secret, the same word alike wherever it is', () => {
    const k = new KeyRedactor('s3cret');
    expect(k.pattern('customer:<id>:orders')).toBe(`${hmac('s3cret', 'customer')}:<id>:${hmac('s3cret', 'orders')}`);
    expect(k.key('customer:42:invoices').startsWith(`${hmac('s3cret', 'customer')}:<id>:`)).toBe(true);
    expect(k.secretGiven).toBe(true);
    const d = new KeyRedactor();
    expect(d.pattern('customer')).toBe(hmac(DEFAULT_REDACT_SECRET, 'customer'));
    expect(d.secretGiven).toBe(false);
  });

  it('hashes a binary segment as its printable form, so raw and escaped patterns agree', () => {
    const k = new KeyRedactor();
    expect(k.pattern('vault:bin\x00\xff')).toBe(k.pattern(keyPattern('vault:bin\x00\xff')));
  });

  it('hashes every segment of raw text, ids included', () => {
    const k = new KeyRedactor();
    expect(k.text('{user:42}')).toBe(`{${k.pattern('user')}:${hmac(DEFAULT_REDACT_SECRET, '42')}}`);
  });

  it('shows the keys of a command example as <key>', () => {
    expect(new KeyRedactor().example('mset "a b" ? "c\\"d" ?; get "x"')).toBe('mset <key> ? <key> ?; get <key>');
  });

  it('takes quoted input text out of a skip reason, and everything after a quote never closed', () => {
    const k = new KeyRedactor();
    expect(k.reason('bad escape "\\q" in argument 2')).toBe('bad escape "…" in argument 2');
    expect(k.reason('database is not a number: "a\\"b,c"')).toBe('database is not a number: "…"');
    expect(k.reason('got "secret:key at line 3')).toBe('got "…"');
    expect(k.reason('expected 8 columns, got 9')).toBe('expected 8 columns, got 9');
  });
});
