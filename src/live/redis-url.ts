// redis:// and rediss:// URLs. The password may come from the URL, REDISCLI_AUTH (as for redis-cli) or a
// file; it is never printed: messages name a node by host:port only.
import { readFileSync } from 'node:fs';
import { InputError } from '../ingest/input-error.js';

export interface RedisEndpoint {
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  password?: string;
}

export function parseRedisUrl(url: string, passwordFile?: string): RedisEndpoint {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(`not a redis URL (expected redis://HOST:PORT or rediss://HOST:PORT)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new InputError(`unsupported URL scheme ${u.protocol} (expected redis:// or rediss://)`);
  const ep: RedisEndpoint = { host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(u.port || 6379), tls: u.protocol === 'rediss:' };
  if (u.username) ep.username = decodeUserinfo(u.username, 'user name');
  if (passwordFile) {
    try {
      ep.password = readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch {
      throw new InputError('cannot read the password file', passwordFile);
    }
  } else if (u.password) ep.password = decodeUserinfo(u.password, 'password');
  else if (process.env.REDISCLI_AUTH) ep.password = process.env.REDISCLI_AUTH;
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

export const address = (n: { host: string; port: number }): string => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`);

/** ioredis options for an endpoint (or another node with the same credentials). */
export function clientOptions(ep: RedisEndpoint, node: { host: string; port: number } = ep) {
  return {
    host: node.host,
    port: node.port,
    username: ep.username,
    password: ep.password,
    tls: ep.tls ? { rejectUnauthorized: process.env.NODE_TLS_REJECT_UNAUTHORIZED !== '0' } : undefined,
    lazyConnect: true,
    // ioredis's ready check runs INFO and, for a user without it, prints its own warning: our PING checks.
    enableReadyCheck: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  };
}

/** An error's message with the password taken out, should a library have echoed it. */
export function safeMessage(err: unknown, ep: RedisEndpoint): string {
  const msg = err instanceof Error ? err.message : String(err);
  return ep.password ? msg.split(ep.password).join('***') : msg;
}
