import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMAND_DEFS } from '../../src/commands/key-specs.generated.js';
import { NameTable } from '../../src/commands/name-table.js';

// Redis matches command names case-insensitively in ASCII only (strcasecmp over sds): the table must find
// every spelling of a name that folds to it, and nothing else, whatever bytes surround it.
const names = COMMAND_DEFS.map((d) => d.name);
const table = new NameTable(names.map((n, i) => [n, i] as [string, number]));
const byName = new Map(names.map((n, i) => [n, i]));

function asciiLower(bytes: Uint8Array): string {
  return Buffer.from(bytes.map((b) => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b))).toString('latin1');
}

/** Looks bytes up twice inside a larger buffer: first sight (byte loop), then again (word loads). */
function lookUp(bytes: Uint8Array, before: number, after: number): [number | undefined, number | undefined] {
  const buf = Buffer.alloc(before + bytes.length + after, 0x22);
  buf.set(bytes, before);
  return [table.get(buf, before, before + bytes.length), table.get(buf, before, before + bytes.length)];
}

describe('NameTable', () => {
  it('finds every command name in any ASCII case, with any bytes around it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.array(fc.boolean(), { minLength: 32, maxLength: 32 }), fc.nat(12), fc.nat(12), (name, upper, before, after) => {
        const spelled = Buffer.from([...name].map((c, i) => (upper[i % 32] ? c.toUpperCase() : c)).join(''), 'latin1');
        const want = byName.get(name);
        expect(lookUp(spelled, before, after)).toEqual([want, want]);
      }),
      { numRuns: 3000 },
    );
  });

  it('finds a name with one byte changed exactly when that byte still folds to the name', () => {
    // Catches a fold by `| 0x20` on every byte, which would take "EVAL\x7fRO" for "eval_ro".
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(12), (name, at, byte, before) => {
        const bytes = Buffer.from(name.toUpperCase(), 'latin1');
        bytes[at % bytes.length] = byte;
        const want = byName.get(asciiLower(bytes));
        expect(lookUp(bytes, before, 0)).toEqual([want, want]);
      }),
      { numRuns: 5000 },
    );
    expect(lookUp(Buffer.from('EVAL\x7fRO', 'latin1'), 0, 0)).toEqual([undefined, undefined]);
    expect(lookUp(Buffer.from('GET\x00', 'latin1'), 0, 4)).toEqual([undefined, undefined]);
    expect(lookUp(Buffer.from('', 'latin1'), 3, 3)).toEqual([undefined, undefined]);
  });
});
