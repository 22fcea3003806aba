// How to reach a Redis deployment: a node's address, its credentials and TLS settings, and what ioredis
// and a plain TLS socket need of them. The password is never part of a message: nodes are named host:port.
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { ClusterOptions, RedisOptions } from 'ioredis';

/** TLS beyond on/off: what redis-cli's --cacert, --cert, --key, --sni and --insecure give. */
export interface TlsSettings {
  /** PEM CA certificate(s) the server's certificate must chain to (else Node's default CAs). */
  ca?: Buffer;
  /** PEM client certificate and its key, for a server that asks for one (tls-auth-clients). */
  cert?: Buffer;
  key?: Buffer;
  /** The name sent as SNI and checked against the certificate, for every node (else the node's host name). */
  servername?: string;
  /** Accept any certificate (redis-cli --insecure). */
  insecure?: boolean;
}

export interface RedisEndpoint {
  host: string;
  port: number;
  tls: boolean;
  tlsSettings?: TlsSettings;
  username?: string;
  password?: string;
}

export const address = (n: { host: string; port: number }): string => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`);

/**
 * Node's TLS options for a connection to `host` with the endpoint's settings. SNI is never an IP address
 * (RFC 6066; Node warns): an IP is checked against the certificate's IP names without it.
 */
export function tlsOptions(ep: RedisEndpoint, host?: string): ConnectionOptions | undefined {
  if (!ep.tls) return undefined;
  const t = ep.tlsSettings ?? {};
  const servername = t.servername ?? (host && !isIP(host) ? host : undefined);
  return {
    ...(t.ca ? { ca: t.ca } : {}),
    ...(t.cert ? { cert: t.cert } : {}),
    ...(t.key ? { key: t.key } : {}),
    ...(servername ? { servername } : {}),
    // Unset, Node decides (and honours NODE_TLS_REJECT_UNAUTHORIZED=0).
    ...(t.insecure ? { rejectUnauthorized: false } : {}),
  };
}

/** ioredis options for an endpoint (or another node with the same credentials). */
export function clientOptions(ep: RedisEndpoint, node: { host: string; port: number } = ep) {
  return {
    host: node.host,
    port: node.port,
    username: ep.username,
    password: ep.password,
    tls: tlsOptions(ep, node.host),
    lazyConnect: true,
    // ioredis's ready check runs INFO and, for a user without it, prints its own warning: our PING checks.
    enableReadyCheck: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  } satisfies RedisOptions;
}

/**
 * ioredis Cluster options: every node the cluster announces is reached at its announced address with the
 * endpoint's credentials and TLS (redisOptions applies to each node), so no natMap is needed. Without --sni,
 * each node's certificate is checked against the address it announces.
 */
export function clusterOptions(ep: RedisEndpoint): ClusterOptions {
  return { redisOptions: { username: ep.username, password: ep.password, tls: tlsOptions(ep) } };
}

/** An error's message with the password taken out, should a library have echoed it. */
export function safeMessage(err: unknown, ep: RedisEndpoint): string {
  const msg = err instanceof Error ? err.message : String(err);
  return ep.password ? msg.split(ep.password).join('***') : msg;
}
