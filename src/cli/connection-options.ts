// redis-cli's connection flags on every live command (capture, analyze --live, verify, record), and the
// endpoints they name. -h is the host, as in redis-cli, so these commands' help is --help only. Light
// imports only: cmd/slotscope.ts loads this for every run.
import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { InputError } from '../ingest/input-error.js';
import type { RedisEndpoint, TlsSettings } from '../live/connection-endpoint.js';
import { DEFAULT_PORT, parseAddress, withCredentials } from '../live/redis-url.js';

const TLS_FLAGS = ['cacert', 'cert', 'key', 'sni', 'insecure'] as const;
const CONNECTION_FLAGS = [['host', 'host'], ['port', 'port'], ['uri', 'uri'], ['user', 'user'], ['password', 'password'], ['passwordFile', 'password-file'], ['tls', 'tls'], ...TLS_FLAGS.map((f) => [f, f] as const)] as const;

export interface ConnectionFlags {
  host?: string;
  port?: number;
  password?: string;
  user?: string;
  uri?: string;
  passwordFile?: string;
  /** false with --no-auth-warning. */
  authWarning?: boolean;
  tls?: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
  sni?: string;
  insecure?: boolean;
}

/** The first connection flag given, by its long name: for commands that take one only in some modes. */
export function connectionFlag(o: ConnectionFlags): string | undefined {
  return CONNECTION_FLAGS.find(([key]) => o[key] !== undefined && o[key] !== false)?.[1];
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('expected a port number (1-65535)');
  return n;
}

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .helpOption('--help', 'display help for command')
    .option('-h, --host <host>', `server host (default 127.0.0.1), as redis-cli -h`)
    .option('-p, --port <port>', `server port (default ${DEFAULT_PORT})`, port)
    .option('-u, --uri <url>', 'server as redis://[USER:PASSWORD@]HOST:PORT or rediss:// (TLS)')
    .option('--user <name>', 'ACL user name')
    .option('-a, --password <password>', 'password (visible to other users in `ps`: prefer --password-file or REDISCLI_AUTH)')
    .option('--password-file <file>', 'read the password from a file (instead of -a; else the URL\'s, else REDISCLI_AUTH)')
    .option('--no-auth-warning', 'no warning about -a on the command line')
    .option('--tls', 'connect over TLS (as rediss:// URLs do)')
    .option('--cacert <file>', 'with TLS: CA certificate (PEM) to check the server against')
    .option('--cert <file>', 'with TLS: client certificate (PEM), for servers with tls-auth-clients')
    .option('--key <file>', 'with TLS: the client certificate\'s private key (PEM)')
    .option('--sni <name>', 'with TLS: server name to send and to check the certificate against')
    .option('--insecure', 'with TLS: accept any server certificate');
}


function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    throw new InputError(`cannot read the ${what}`, file);
  }
}

function tlsSettings(o: ConnectionFlags): TlsSettings | undefined {
  if (o.cert !== undefined && o.key === undefined) throw new InputError('--cert needs --key (the certificate\'s private key)');
  if (o.key !== undefined && o.cert === undefined) throw new InputError('--key needs --cert');
  const t: TlsSettings = {
    ...(o.cacert !== undefined ? { ca: readPem(o.cacert, 'CA certificate') } : {}),
    ...(o.cert !== undefined ? { cert: readPem(o.cert, 'client certificate') } : {}),
    ...(o.key !== undefined ? { key: readPem(o.key, 'client key') } : {}),
    ...(o.sni !== undefined ? { servername: o.sni } : {}),
    ...(o.insecure ? { insecure: true } : {}),
  };
  return Object.keys(t).length ? t : undefined;
}

/**
 * The nodes to connect to: the positional URLs or HOST:PORTs and -u, else -h/-p (127.0.0.1:6379 unless
 * `required` says what to ask for instead), each with the flags' credentials and TLS settings.
 */
export function endpointsFrom(o: ConnectionFlags, args: string[], warn: (message: string) => void, required?: string): RedisEndpoint[] {
  const given = [...args, ...(o.uri !== undefined ? [o.uri] : [])];
  if (given.length && (o.host !== undefined || o.port !== undefined)) throw new InputError('give the server either as -h/-p or as a URL or HOST:PORT, not both');
  if (!given.length && o.host === undefined && o.port === undefined && required) throw new InputError(required);
  if (o.password !== undefined && o.passwordFile !== undefined) throw new InputError('give the password either with -a or with --password-file, not both');
  if (o.password !== undefined && o.authWarning !== false) warn('a password given with -a is visible to other users of this machine (ps); prefer --password-file or REDISCLI_AUTH');
  const tls = tlsSettings(o);
  const endpoints = (given.length ? given.map(parseAddress) : [{ host: o.host ?? '127.0.0.1', port: o.port ?? DEFAULT_PORT, tls: false }]).map((ep) =>
    withCredentials({ ...ep, tls: ep.tls || Boolean(o.tls), ...(tls ? { tlsSettings: tls } : {}) }, { user: o.user, password: o.password, passwordFile: o.passwordFile }),
  );
  // ioredis would send no AUTH at all, and the commands would run as the default user.
  if (endpoints.some((ep) => ep.username !== undefined && ep.password === undefined)) throw new InputError('an ACL user needs its password: -a, --password-file, REDISCLI_AUTH or the URL');
  const tlsFlag = TLS_FLAGS.find((f) => o[f] !== undefined);
  if (tlsFlag && !endpoints.some((ep) => ep.tls)) throw new InputError(`--${tlsFlag} needs --tls (or a rediss:// URL)`);
  return endpoints;
}
