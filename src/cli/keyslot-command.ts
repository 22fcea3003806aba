// `slotscope keyslot`: slot<TAB>key for keys given or read raw from stdin, as CLUSTER KEYSLOT.
import { printable } from '../analyze/key-pattern.js';
import { InputError } from '../ingest/input-error.js';
import { splitRawKeys } from '../ingest/line-splitter.js';
import { slotOfRange, slotOfString } from '../slot/key-slot.js';
import { warn } from './cli-io.js';

const NEWLINE = Buffer.from('\n');

export async function keyslotCommand(keys: string[], opts: { stdin?: boolean }): Promise<void> {
  // Node decodes arguments as UTF-8 and puts U+FFFD for bytes that are not: the key's bytes, and so its
  // slot, are lost before we see it (a key that holds U+FFFD itself is told the same way).
  const lost = keys.find((k) => k.includes('\uFFFD'));
  if (lost !== undefined) throw new InputError(`key ${keys.indexOf(lost) + 1} is not valid UTF-8, so its bytes are lost on the command line: give it with --stdin (printf '\\xff...' | slotscope keyslot --stdin)`);
  const out: string[] = keys.map((k) => `${slotOfString(k)}\t${k}`);
  if (out.length) process.stdout.write(out.join('\n') + '\n');
  if (!opts.stdin) {
    if (keys.length === 0) throw new InputError('no keys: give keys or --stdin');
    return;
  }
  // Raw bytes for a pipe (the next tool joins on the key); on a terminal a key's bytes outside printable
  // ASCII show as \xhh, so no key can reach it as a control sequence.
  const shown = process.stdout.isTTY ? (buf: Buffer, start: number, end: number) => Buffer.from(printable(buf.toString('latin1', start, end)), 'latin1') : (buf: Buffer, start: number, end: number) => buf.subarray(start, end);
  let pending: Buffer[] = [];
  let size = 0;
  const flush = (): void => {
    if (size === 0) return;
    process.stdout.write(Buffer.concat(pending, size));
    pending = [];
    size = 0;
  };
  const { note } = await splitRawKeys(
    process.stdin,
    (buf, start, end) => {
      const line = Buffer.concat([Buffer.from(`${slotOfRange(buf, start, end)}\t`), shown(buf, start, end), NEWLINE]);
      pending.push(line);
      size += line.length;
      if (size > 1 << 16) flush();
    },
    (line) => process.stderr.write(`slotscope: stdin:${line}: line too long, skipped\n`),
  );
  flush();
  if (note) warn(`stdin: ${note}`);
}
