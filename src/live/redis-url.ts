// A node given as text: a redis:// or rediss:// URL, or HOST:PORT as redis-cli takes it. The password
// may come from a flag, a file, the URL or REDISCLI_AUTH (as for redis-cli); it is never echoed.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { InputError } from '../ingest/input-error.js';
import type { RedisEndpoint } from './connection-endpoint.js';

// analyze-live.ts (src/analyze) still imports these from here.
export { address, type RedisEndpoint } from './connection-endpoint.js';

export const DEFAULT_PORT = 6379;

/**
 * Text for stderr with the password of any redis:// or rediss:// URL in it hidden: a URL given where a
 * file was expected comes back in the error that names it.
 */
export function hidePasswords(text: string): string {
  return text.replace(/(rediss?:\/\/[^:@/\s]*:)[^@/\s]+@/gi, '$1***@');
}

/** A URL's node, user and password; no other source of credentials. */
function urlEndpoint(url: string): RedisEndpoint {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(`not a redis URL (expected redis://HOST:PORT or rediss://HOST:PORT)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new InputError(`unsupported URL scheme ${u.protocol} (expected redis:// or rediss://)`);
  const ep: RedisEndpoint = { host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(u.port || DEFAULT_PORT), tls: u.protocol === 'rediss:' };
  if (u.username) ep.username = decodeUserinfo(u.username, 'user name');
  if (u.password) ep.password = decodeUserinfo(u.password, 'password');
  return ep;
}

/** `%40` -> `@`; a stray `%` is the user's to fix, and the text is not echoed (it may be the password). */
function decodeUserinfo(text: string, what: 'user name' | 'password'): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new InputError(`the URL's ${what} has a bad %-escape (write a literal % as %25)`);
  }
}

/** HOST:PORT, [IPv6]:PORT, or HOST alone (port 6379); a bare IPv6 address needs its brackets only with a port. */
function hostPort(text: string): RedisEndpoint {
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  const colon = text.indexOf(':');
  const [host, port] = bracketed ? [bracketed[1], bracketed[2]] : colon < 0 || isIP(text) === 6 ? [text, undefined] : [text.slice(0, colon), text.slice(colon + 1)];
  const n = port === undefined ? DEFAULT_PORT : Number(port);
  // Not echoed with an @: user:password@host without a scheme holds a password.
  const badHost = host === '' || /[\s/@[\]]/.test(host) || (host.includes(':') && isIP(host) !== 6);
  if (badHost || port === '' || !Number.isInteger(n) || n < 1 || n > 65535) throw new InputError(`not a node address${text.includes('@') ? '' : `: ${JSON.stringify(text)}`} (expected HOST:PORT, redis://HOST:PORT or rediss://HOST:PORT)`);
  return { host, port: n, tls: false };
}

/** A URL (credentials and all) or a plain HOST:PORT. */
export function parseAddress(text: string): RedisEndpoint {
  return text.includes('://') ? urlEndpoint(text) : hostPort(text);
}

export function readPasswordFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch {
    throw new InputError('cannot read the password file', file);
  }
}

export interface Credentials {
  user?: string;
  /** -a: given on the command line. */
  password?: string;
  passwordFile?: string;
}

/** The endpoint with its credentials, as redis-cli ranks them: a flag or file, then the URL's, then REDISCLI_AUTH. */
export function withCredentials(ep: RedisEndpoint, c: Credentials): RedisEndpoint {
  const password = c.password ?? (c.passwordFile !== undefined ? readPasswordFile(c.passwordFile) : undefined) ?? ep.password ?? (process.env.REDISCLI_AUTH || undefined);
  const username = c.user ?? ep.username;
  return { ...ep, ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}

/** A redis:// or rediss:// URL; the password from the file when one is named, else the URL, else REDISCLI_AUTH. */
export function parseRedisUrl(url: string, passwordFile?: string): RedisEndpoint {
  return withCredentials(urlEndpoint(url), { passwordFile });
}
