// The library's plan() gives the plan `slotscope plan -f json` prints, and reads a stream as it reads a file
// although the plan reads its inputs twice (pass 2 applies every change and analyses again).
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { makePlan, plan, type Plan, renderPlanMarkdown } from '../../src/index.js';
import { slotscope } from '../helpers/cli.js';

/** The CLI helper reads stdout as latin1 (keys' exact bytes); the JSON itself is UTF-8. */
const utf8 = (latin1: string): string => Buffer.from(latin1, 'latin1').toString('utf8');

const SAMPLE = 'samples/shop.monitor';

describe('plan()', () => {
  it('gives the CLI’s JSON plan for the same inputs and options', async () => {
    const r = slotscope(['plan', '-f', 'json', '--shards', '4', SAMPLE]);
    expect(r.status).toBe(0);
    const lib = await plan([SAMPLE], { shards: 4 });
    expect(JSON.parse(JSON.stringify(lib))).toEqual(JSON.parse(utf8(r.stdout)) as Plan);
    expect(lib.renames.length).toBeGreaterThan(0);
    expect(lib.predicted.fixed.commands).toBeGreaterThan(0);
    expect(renderPlanMarkdown(lib)).toContain(lib.renames[0].tag);
  });

  it('reads a stream to the same plan as the file, where makePlan alone refuses a second read', async () => {
    const bytes = readFileSync(SAMPLE);
    const fromFile = await plan([{ path: SAMPLE, node: 'shop' }]);
    const fromStream = await plan([{ node: 'shop', data: Readable.from([bytes.subarray(0, 5000), bytes.subarray(5000)]) }]);
    expect({ ...fromStream, inputs: [] }).toEqual({ ...fromFile, inputs: [] });
    // Without plan()'s copy the second pass would see an exhausted stream: it is refused, not planned on nothing.
    await expect(makePlan([{ path: 'shop', node: 'shop', data: Readable.from([bytes]) }])).rejects.toThrow('shop: a stream or iterable input can be read only once');
  });
});
