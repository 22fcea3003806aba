import { describe, expect, it } from 'vitest';
import { PrefixRewriter } from '../../src/plan/prefix-rewrite.js';
import { keySlot } from '../../src/slot/key-slot.js';

describe('PrefixRewriter', () => {
  const bull = new PrefixRewriter([{ kind: 'prefix', library: 'bullmq', from: 'bull:', to: '{bull}:' }]);

  it('rewrites keys, ARGV prefixes and key names inside values, and nothing that merely contains the prefix', () => {
    expect(bull.rewriteString('bull:emails:1')).toBe('{bull}:emails:1');
    expect(bull.rewriteString('bull:emails:')).toBe('{bull}:emails:');
    expect(bull.rewriteString('{"parentKey":"bull:emails:1","deps":["bull:emails:2"]}')).toBe('{"parentKey":"{bull}:emails:1","deps":["{bull}:emails:2"]}');
    expect(bull.rewriteString('mybull:x')).toBe('mybull:x');
    expect(bull.rewriteString('notbull:')).toBe('notbull:');
    const plain = Buffer.from('value');
    expect(bull.rewrite(plain)).toBe(plain);
  });

  it('puts every rewritten key of a queue in one slot', () => {
    const slots = new Set(['bull:emails:wait', 'bull:emails:1:logs', 'bull:reports:meta'].map((k) => keySlot(Buffer.from(bull.rewriteString(k), 'latin1'))));
    expect(slots.size).toBe(1);
  });

  it('prefers the longest prefix (a braced queue name beside a global prefix)', () => {
    const r = new PrefixRewriter([
      { kind: 'prefix', library: 'bullmq', from: 'bull:', to: '{bull}:' },
      { kind: 'prefix', library: 'bullmq', from: 'bull:emails:', to: 'bull:{emails}:' },
    ]);
    expect(r.rewriteString('bull:emails:1')).toBe('bull:{emails}:1');
    expect(r.rewriteString('bull:other:1')).toBe('{bull}:other:1');
  });
});
