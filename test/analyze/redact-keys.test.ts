import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyPattern, redactPattern, redactTokens, tokenize } from '../../src/analyze/key-pattern.js';
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

describe('redactTokens', () => {
  it("joins to redactPattern() of the joined tokens, for any key's pattern tokens", () => {
    const part = fc.constantFrom('user', 'acme-corp', 'daily_report', '42', '-', '_', 'x-7', 'a_b-9', '3b241101-e2bb-4255-8caf-4136c566a962', '<id>', 'x<id>y', 'v1.2', '\x00\xff', 'job-12_x', 'a--1', '');
    const key = fc.array(fc.tuple(part, fc.constantFrom(':', '/', '|', '#', '{', '}', '.', '')), { maxLength: 6 }).map((ps) => ps.map(([p, sep]) => p + sep).join(''));
    fc.assert(
      fc.property(key, (k) => {
        const tokens = tokenize(k).pattern;
        expect(redactTokens(tokens, mark).join('')).toBe(redactPattern(tokens.join(''), mark));
      }),
    );
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

  it('tells secrets apart by a check that is the same for one secret and shows no hash of a word', () => {
    const k = new KeyRedactor('s3cret');
    expect(k.check).toMatch(/^[0-9a-f]{16}$/);
    expect(new KeyRedactor('s3cret').check).toBe(k.check);
    expect(new KeyRedactor('other').check).not.toBe(k.check);
    expect(new KeyRedactor().check).not.toBe(k.check);
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
