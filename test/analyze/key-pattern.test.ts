import { describe, expect, it } from 'vitest';
import { keyPattern } from '../../src/analyze/key-pattern.js';

describe('keyPattern', () => {
  it('replaces variable parts by their class and keeps the entity words', () => {
    const cases: [string, string][] = [
      ['user:42:profile', 'user:<id>:profile'],
      ['user:42', 'user:<id>'],
      ['session:0f8fad5b-d9cb-469f-a165-70867728950e', 'session:<uuid>'],
      ['bull:emails:1234', 'bull:emails:<id>'],
      ['bull:emails:wait', 'bull:emails:wait'],
      ['{user:42}:cart', '{user:<id>}:cart'],
      ['cache/a94a8fe5ccb19ba61c4c0873d391e987982fbbd3', 'cache/<hex>'],
      ['report:2026-11-22', 'report:<date>'],
      ['login:alice@example.com', 'login:<email>'],
      ['tok:Zx81kQp0LmN3vB7sT2', 'tok:<str>'],
      ['order-123.total', 'order-<id>.total'],
      ['daily_report', 'daily_report'],
      ['cafe', 'cafe'],
      ['session:3fa9-c01d', 'session:<id>-<id>'],
      ['session:13a-9', 'session:<id>-<id>'],
      ['api:v2:users', 'api:v2:users'],
      ['bin\x00\xff', 'bin\\x00\\xff'],
    ];
    for (const [key, pattern] of cases) expect({ key, p: keyPattern(key) }).toEqual({ key, p: pattern });
  });

  it('gives keys of one entity one pattern', () => {
    const ps = new Set(Array.from({ length: 500 }, (_, i) => keyPattern(`user:${i * 7919}:balance`)));
    expect([...ps]).toEqual(['user:<id>:balance']);
  });
});
