// Key patterns: `user:42:profile` -> `user:<id>:profile`, so one pattern covers one kind of entity.
// Keys are split on the usual separators; each part is classified (integer, uuid, hex, date, email, long
// random string) and variable parts are replaced by their class. Parts joined by '-' or '_' are split
// again only when that reveals a variable part (`order-123` -> `order-<id>`, `daily_report` stays).
// Braces are kept, so an existing hash tag stays visible: `{user:42}:cart` -> `{user:<id>}:cart`.

import { memoize } from './memoize.js';

const DOT = /(\.)/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Hex that mixes digits and letters: a short one (`3fa`, `c01d9`) is an id like any other, a long one a hash.
const HEX_ID = /^(?=.*\d)(?=.*[a-f])[0-9a-f]{3,15}$/i;
const HEX = /^(?=.*\d)(?=.*[a-f])[0-9a-f]{16,}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[tT _]\d{2}(?::?\d{2}){0,2})?$|^\d{8}$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;
// Long and mixing letters with digits: tokens, session ids, base64/base62 ids.
const RANDOM = /^(?=.*\d)(?=.*[a-zA-Z])[A-Za-z0-9+/=_-]{16,}$/;

export type TokenClass = 'id' | 'uuid' | 'hex' | 'date' | 'email' | 'str';

export function classifyToken(token: string): TokenClass | null {
  if (token === '') return null;
  // One scan tells the usual id, without a regex, and the usual word: every class but an integer needs a
  // digit, a '-' (a uuid) or an '@' (an email), so a token with none of them is no class.
  let digits = 0;
  let marks = 0;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c === 0x2d || c === 0x40) marks++;
  }
  if (digits === token.length || (digits > 0 && digits === token.length - 1 && marks === 1 && token.charCodeAt(0) === 0x2d)) return 'id';
  if (digits === 0 && marks === 0) return null;
  return classifyRecurring(token);
}

// Words (`user`, `balance`) recur on every key of their entity: their class is looked up, not re-tested.
const classifyRecurring = memoize(50_000, classifyByRegex);

function classifyByRegex(token: string): TokenClass | null {
  // Integers never get here (classifyToken tells them first).
  if (HEX_ID.test(token)) return 'id';
  if (UUID.test(token)) return 'uuid';
  if (DATE.test(token)) return 'date';
  if (HEX.test(token)) return 'hex';
  if (EMAIL.test(token)) return 'email';
  if (RANDOM.test(token)) return 'str';
  return null;
}

/**
 * A key split into tokens: `raw` holds the key's own text, `pattern` the same tokens with variable parts
 * replaced by their class and literal ones printable (\xhh), so a pattern is the same text in every
 * report, plan and lookup; separators are tokens of their own. raw.join('') is the key.
 */
export interface Tokens {
  raw: string[];
  pattern: string[];
}

/** Each class's placeholder, one string each (a template per token allocated one per key). */
const PLACEHOLDER: Record<TokenClass, string> = { id: '<id>', uuid: '<uuid>', hex: '<hex>', date: '<date>', email: '<email>', str: '<str>' };

/** Whether a part has a '-' or '_' (/[-_]/, by char codes). */
function hasDashOrUnderscore(part: string): boolean {
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    if (c === 0x2d || c === 0x5f) return true;
  }
  return false;
}

/** One part between separators; `whole` is its class, already known. */
function pushPart(part: string, whole: TokenClass | null, out: Tokens): void {
  if (whole) {
    out.raw.push(part);
    out.pattern.push(PLACEHOLDER[whole]);
    return;
  }
  if (!hasDashOrUnderscore(part)) {
    out.raw.push(part);
    out.pattern.push(printable(part));
    return;
  }
  // `order-123` -> `order-<id>`, but `daily_report` stays one literal token.
  const pieces = part.split(/([-_])/);
  if (!pieces.some((p, i) => i % 2 === 0 && classifyToken(p))) {
    out.raw.push(part);
    out.pattern.push(printable(part));
    return;
  }
  for (const [i, p] of pieces.entries()) {
    if (p === '') continue;
    const c = i % 2 === 0 ? classifyToken(p) : null;
    out.raw.push(p);
    out.pattern.push(c ? PLACEHOLDER[c] : printable(p));
  }
}

/** Whether a char code is one of the separators `: / | # { }`. */
const isSeparator = (c: number): boolean => c === 0x3a || c === 0x2f || c === 0x7c || c === 0x23 || c === 0x7b || c === 0x7d;

/** Tokens of a key given as a string (binary keys: latin1, one char per byte). */
export function tokenize(key: string): Tokens {
  const out: Tokens = { raw: [], pattern: [] };
  let from = 0;
  for (let i = 0; i <= key.length; i++) {
    const c = i < key.length ? key.charCodeAt(i) : -1;
    if (c !== -1 && !isSeparator(c)) continue;
    if (i > from) addPart(key.slice(from, i), out);
    if (c !== -1) {
      out.raw.push(key[i]);
      out.pattern.push(key[i]);
    }
    from = i + 1;
  }
  return out;
}

function addPart(part: string, out: Tokens): void {
  const whole = classifyToken(part);
  if (whole || !part.includes('.')) {
    pushPart(part, whole, out);
    return;
  }
  // '.' splits only after the whole part was not recognised, so an email or a dotted id stays whole.
  const dotted = part.split(DOT);
  for (let j = 0; j < dotted.length; j++) {
    if (j % 2 === 1) {
      out.raw.push(dotted[j]);
      out.pattern.push(dotted[j]);
    } else if (dotted[j] !== '') pushPart(dotted[j], classifyToken(dotted[j]), out);
  }
}

/** Non-printable bytes as \xhh, so a pattern prints on one line and no key byte reaches a terminal raw. */
export function printable(s: string): string {
  if (!needsEscape(s)) return s;
  return s.replace(/[\x00-\x1f\x7f-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Whether a string has a char printable() escapes (/[\x00-\x1f\x7f-\xff]/, by char codes: it runs on every literal token). */
function needsEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f) return true;
  }
  return false;
}

/** A key's tokens with its pattern joined (`user:<id>:profile`), as findings and the plan's proposer both need. */
export interface KeyTokens extends Tokens {
  /** pattern.join(''): the key's pattern. */
  joined: string;
}

/** tokenize() with the joined pattern, remembered for the last `limit` keys or so (memoize()). */
export function memoizedKeyTokens(limit: number): (key: string) => KeyTokens {
  return memoize(limit, (key: string): KeyTokens => {
    const t = tokenize(key);
    // Held by the hundred thousand (the planner's memory): exact-size copies of the pushed arrays, which
    // keep room to grow (a five-token key's array was 152 bytes, its copy 56), and every field in the
    // literal, so no property is added later into an array of its own.
    return { raw: t.raw.slice(), pattern: t.pattern.slice(), joined: t.pattern.join('') };
  });
}

/**
 * tokenize(), once per key for everyone: a sampled cross-slot line's keys are patterned for its findings and
 * tokenised again, on the same line, for the plan summary's proposer. A few thousand keys cover a line; a
 * larger memory only held the sample's keys (200,000 of them were ~35 MiB of heap) for no speed.
 * The planner, which tokenises every cross-slot occurrence, keeps a larger one of its own (PlanCollector).
 */
export const keyTokens = memoizedKeyTokens(4096);

/** The pattern of a key given as a string (binary keys: latin1, one char per byte). */
export function keyPattern(key: string): string {
  // Keys are short; the regexes run per distinct key or sampled occurrence, never on every line of analyze.
  return keyTokens(key).joined;
}

/** The placeholders keyPattern() writes, which redaction keeps: they show a key's shape, not its bytes. */
const CLASS_PLACEHOLDERS: Record<TokenClass, true> = { id: true, uuid: true, hex: true, date: true, email: true, str: true };

/** The class placeholder (`<id>`) starting at index i of a pattern, or ''. */
function placeholderAt(pattern: string, i: number): string {
  if (pattern.charCodeAt(i) !== 0x3c) return '';
  const close = pattern.indexOf('>', i + 2);
  if (close < 0) return '';
  const name = pattern.slice(i + 1, close);
  return Object.hasOwn(CLASS_PLACEHOLDERS, name) ? pattern.slice(i, close + 1) : '';
}

/**
 * A pattern with every literal segment replaced by `hash(segment)`: separators, dots and class placeholders
 * stay, so `{user:<id>}:cart` keeps its shape and hash tag. As in tokenize(), '-' and '_' separate only next
 * to a placeholder (`order-<id>`); `daily_report` is one segment. With `classes` false, text that reads like
 * a placeholder is a literal too (for raw key text, such as an entity's value).
 */
export function redactPattern(pattern: string, hash: (segment: string) => string, classes = true): string {
  let out = '';
  let from = 0;
  for (let i = 0; i <= pattern.length; i++) {
    const c = i < pattern.length ? pattern.charCodeAt(i) : -1;
    if (c !== -1 && c !== 0x2e && !isSeparator(c)) continue;
    if (i > from) out += redactPart(pattern.slice(from, i), hash, classes);
    if (c !== -1) out += pattern[i];
    from = i + 1;
  }
  return out;
}

/**
 * A pattern's tokens (tokenize()'s `pattern`) redacted one by one, joining to redactPattern() of the joined
 * pattern: a '-' or '_' token stays when its part (between separators and dots) holds a placeholder, as
 * redactPart() keeps it there. A placeholder never spans tokens (its name has no '-' or '_').
 */
export function redactTokens(tokens: readonly string[], hash: (segment: string) => string): string[] {
  const out = tokens.map((t) => redactPattern(t, hash));
  for (let from = 0; from < tokens.length; ) {
    let to = from;
    while (to < tokens.length && !isBoundary(tokens[to])) to++;
    if (tokens.slice(from, to).some(hasPlaceholder)) for (let i = from; i < to; i++) if (tokens[i] === '-' || tokens[i] === '_') out[i] = tokens[i];
    from = to + 1;
  }
  return out;
}

/** A separator or dot token: where redactPattern() ends a part. */
const isBoundary = (t: string): boolean => t.length === 1 && (t === '.' || isSeparator(t.charCodeAt(0)));

function hasPlaceholder(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (placeholderAt(text, i) !== '') return true;
  return false;
}

/** One part between separators and dots: its placeholders kept, the literal text around them hashed. */
function redactPart(part: string, hash: (segment: string) => string, classes: boolean): string {
  let out = '';
  let literal = '';
  const flush = (): void => {
    if (literal !== '') out += hash(literal);
    literal = '';
  };
  const placeholders = classes && hasPlaceholder(part);
  for (let i = 0; i < part.length; i++) {
    const placeholder = placeholders ? placeholderAt(part, i) : '';
    if (placeholder) {
      flush();
      out += placeholder;
      i += placeholder.length - 1;
    } else if (placeholders && (part[i] === '-' || part[i] === '_')) {
      flush();
      out += part[i];
    } else literal += part[i];
  }
  flush();
  return out;
}
