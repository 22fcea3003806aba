// Key patterns: `user:42:profile` -> `user:<id>:profile`, so one pattern covers one kind of entity.
// Keys are split on the usual separators; each part is classified (integer, uuid, hex, date, email, long
// random string) and variable parts are replaced by their class. Parts joined by '-' or '_' are split
// again only when that reveals a variable part (`order-123` -> `order-<id>`, `daily_report` stays).
// Braces are kept, so an existing hash tag stays visible: `{user:42}:cart` -> `{user:<id>}:cart`.

// '.' splits only after a whole part was not recognised, so an email or a dotted id stays whole.
const SEPARATORS = /([:/|#{}])/;
const DOT = /(\.)/;
const INTEGER = /^-?\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^(?=.*\d)(?=.*[a-f])[0-9a-f]{8,}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[tT _]\d{2}(?::?\d{2}){0,2})?$|^\d{8}$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;
// Long and mixing letters with digits: tokens, session ids, base64/base62 ids.
const RANDOM = /^(?=.*\d)(?=.*[a-zA-Z])[A-Za-z0-9+/=_-]{16,}$/;

export type TokenClass = 'id' | 'uuid' | 'hex' | 'date' | 'email' | 'str';

export function classifyToken(token: string): TokenClass | null {
  if (token === '') return null;
  if (INTEGER.test(token)) return 'id';
  if (UUID.test(token)) return 'uuid';
  if (DATE.test(token)) return 'date';
  if (HEX.test(token)) return 'hex';
  if (EMAIL.test(token)) return 'email';
  if (RANDOM.test(token)) return 'str';
  return null;
}

function patternOfPart(part: string): string {
  const whole = classifyToken(part);
  if (whole) return `<${whole}>`;
  if (!/[-_]/.test(part)) return part;
  const pieces = part.split(/([-_])/);
  let changed = false;
  const out = pieces.map((p, i) => {
    if (i % 2 === 1) return p;
    const c = classifyToken(p);
    if (!c) return p;
    changed = true;
    return `<${c}>`;
  });
  return changed ? out.join('') : part;
}

/** The pattern of a key given as a string (binary keys: latin1, one char per byte). */
export function keyPattern(key: string): string {
  // Keys are short; the regexes run once per distinct key or example, never per line.
  const parts = key.split(SEPARATORS);
  for (let i = 0; i < parts.length; i += 2) {
    const whole = classifyToken(parts[i]);
    if (whole) parts[i] = `<${whole}>`;
    else {
      const dotted = parts[i].split(DOT);
      for (let j = 0; j < dotted.length; j += 2) dotted[j] = patternOfPart(dotted[j]);
      parts[i] = dotted.join('');
    }
  }
  return parts.join('').replace(/[\x00-\x1f\x7f-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
