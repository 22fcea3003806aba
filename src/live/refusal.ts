// A server's refusal put as the user's fix, in one line: no password given, a wrong one, an ACL user
// without a command slotscope needs, or a TLS handshake that failed. The server's own text is matched, never printed with secrets.
import { InputError } from '../ingest/input-error.js';
import { address, type RedisEndpoint, safeMessage } from './connection-endpoint.js';

export const NEEDS_PASSWORD = 'the server needs a password: put it in the URL, REDISCLI_AUTH or --password-file';

export function refusal(ep: RedisEndpoint, serverText: string): string | undefined {
  if (/NOAUTH|Authentication required/i.test(serverText)) return ep.password === undefined ? NEEDS_PASSWORD : 'authentication failed (check the user and password)';
  if (/WRONGPASS|invalid password|invalid username/i.test(serverText)) return 'authentication failed (check the user and password)';
  const user = ep.username ?? 'default';
  // Redis 7: "NOPERM this user has no permissions to run the 'cluster|nodes' command".
  const noperm = /NOPERM[^']*'([^']+)' command/.exec(serverText);
  if (noperm) return `the ACL user '${user}' may not run ${noperm[1].replace('|', ' ').toUpperCase()}, which slotscope needs: grant it (ACL SETUSER ${user} +${noperm[1]})`;
  // A command allowed on keys the user may not touch: 7.0 "...access one of the keys used as arguments", 7.2 "...access a key".
  if (/NOPERM[^\n]*access (?:one of the keys|a key)/.test(serverText)) return `the ACL user '${user}' may not read the keys, which slotscope needs: grant it (ACL SETUSER ${user} %R~*)`;
  return tlsRefusal(ep, serverText);
}

/** Node's TLS failures (OpenSSL's words) as the flag that fixes them. */
function tlsRefusal(ep: RedisEndpoint, text: string): string | undefined {
  if (/alert certificate required|alert number 116/.test(text)) return 'the server asks for a client certificate (tls-auth-clients): give --cert and --key';
  if (/alert (?:unknown ca|bad certificate|certificate unknown)/.test(text)) return 'the server does not trust the client certificate: give one (--cert, --key) signed by a CA it trusts (tls-ca-cert-file)';
  const untrusted = /self[- ]signed certificate[^.)]*|unable to (?:get local issuer certificate|verify the first certificate)|certificate has expired|certificate is not yet valid/.exec(text);
  if (untrusted) return `the server's certificate is not trusted (${untrusted[0]}): give its CA with --cacert, or --insecure`;
  const altnames = /Host: (.*?)\.? is not in the cert's altnames: ([^)\n]*)/.exec(text);
  if (altnames) return `the server's certificate is not for ${altnames[1]} (it names ${altnames[2]}): connect by one of those names, give one with --sni, or --insecure`;
  if (/ECONNRESET/.test(text)) return ep.tls ? 'the server closed the TLS connection (a plain port, or a client certificate it does not trust?)' : 'the server closed the connection (a TLS port? add --tls or use rediss://)';
  if (ep.tls && /ETIMEDOUT|wrong version number|packet length too long/.test(text)) return 'no TLS answer (a plain port? drop --tls or use redis://)';
  return undefined;
}

/** A command's reply; a refusal becomes the user's one line naming the node (anything else stays a fault). */
export async function unlessRefused<T>(ep: RedisEndpoint, node: { host: string; port: number }, command: Promise<T>): Promise<T> {
  try {
    return await command;
  } catch (err) {
    const why = refusal(ep, safeMessage(err, ep));
    throw why ? new InputError(`${address(node)}: ${why}`) : err;
  }
}
