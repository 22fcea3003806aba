// `--redact-keys`: key text shown as stable keyed hashes. Every literal segment of a pattern becomes
// `<h:` + the first 8 hex digits of HMAC-SHA256(secret, segment) + `>`, so the same word gives the same hash
// across runs and reports (they can be diffed and still group by entity) while the words themselves never
// leave. Separators, hash-tag braces and class placeholders (<id>, <uuid>, ...) stay: they are shape.
// Redaction is presentation: slots, counts and patterns are computed from the real keys, then redacted.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../ingest/input-error.js';
import { keyPattern, printable, redactPattern, redactTokens } from './key-pattern.js';
import { memoize } from './memoize.js';

/**
 * The key when none is given. It is public, so hashes made with it only group: a dictionary of likely
 * words hashed with it finds them again. Give a secret of your own against that.
 */
export const DEFAULT_REDACT_SECRET = 'slotscope-redact-keys/1';

/** 32 bits: 4 hex digits would already collide among a few hundred distinct words (birthday bound). */
const HASH_HEX_DIGITS = 8;
/** Hashed under the secret, it tells secrets apart (summaries hashed with another one cannot merge) and reveals none. */
const CHECK_TEXT = 'slotscope-redact-keys/check';

/** Input text quoted in a skip reason (JSON.stringify or sdscatrepr style, `\"` inside). */
const QUOTED = /"(?:[^"\\]|\\.)*"/g;

export interface RedactionSource {
  /** A file holding the secret (one line; a trailing newline is not part of it). */
  secretFile?: string;
  /** The secret itself, e.g. from SLOTSCOPE_REDACT_SECRET. */
  secret?: string;
}

/** Marks a redacted report or plan: `default` when the hashes came from the public default secret. */
export interface Redaction {
  secret: 'default' | 'given';
}

export class KeyRedactor {
  /** Whether the secret was given, rather than the public default. */
  readonly secretGiven: boolean;
  /** HMAC-SHA256(secret, a fixed text), 16 hex digits: the same for one secret, and no clue to it. */
  readonly check: string;
  private readonly hashWord: (segment: string) => string;

  constructor(secret: string = DEFAULT_REDACT_SECRET) {
    this.secretGiven = secret !== DEFAULT_REDACT_SECRET;
    this.check = createHmac('sha256', secret).update(CHECK_TEXT).digest('hex').slice(0, 16);
    // Hashed as shown: non-printable bytes as \xhh, so a word hashes alike in every pattern that holds it.
    this.hashWord = memoize(50_000, (segment) => `<h:${createHmac('sha256', secret).update(printable(segment)).digest('hex').slice(0, HASH_HEX_DIGITS)}>`);
  }

  /** A key pattern (`customer:<id>:orders`) with its literal words hashed. */
  pattern(pattern: string): string {
    return redactPattern(pattern, this.hashWord);
  }

  /** A key's own text (latin1), shown as its redacted pattern: ids become their class. */
  key(key: string): string {
    return this.pattern(keyPattern(key));
  }

  /** A pattern's tokens, each redacted as it reads in pattern(): they join to the redacted pattern. */
  tokens(tokens: readonly string[]): string[] {
    return redactTokens(tokens, this.hashWord);
  }

  /** Raw key text whose every segment matters (an entity such as `{user:42}`): each one hashed. */
  text(text: string): string {
    return redactPattern(text, this.hashWord, false);
  }

  /** A command example (`mset "a" ? "b" ?`): keys are its only quoted arguments, shown as `<key>`. */
  example(command: string): string {
    return command.replace(QUOTED, '<key>');
  }

  /** A skip reason: quoted input text becomes `"…"`; a quote never closed hides the rest of the reason. */
  reason(reason: string): string {
    const out = reason.replace(QUOTED, '\u0000');
    const lone = out.indexOf('"');
    return (lone < 0 ? out : out.slice(0, lone) + '\u0000').replace(/\u0000/g, '"…"');
  }
}

/**
 * The redactor the options ask for, or null without --redact-keys. The secret comes from the file, else
 * from `secret` (SLOTSCOPE_REDACT_SECRET), else the public default.
 */
export function keyRedactor(redactKeys: boolean, source: RedactionSource): KeyRedactor | null {
  if (!redactKeys) {
    if (source.secretFile !== undefined) throw new InputError('--redact-secret-file needs --redact-keys');
    return null;
  }
  if (source.secretFile !== undefined) {
    let secret: string;
    try {
      secret = readFileSync(source.secretFile, 'utf8').replace(/\r?\n$/, '');
    } catch {
      throw new InputError('cannot read the redaction secret', source.secretFile);
    }
    if (secret === '') throw new InputError('the redaction secret is empty', source.secretFile);
    return new KeyRedactor(secret);
  }
  return new KeyRedactor(source.secret || DEFAULT_REDACT_SECRET);
}
