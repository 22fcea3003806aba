// A server's refusal put as the user's fix, in one line: no password given, a wrong one, or an ACL user
// without a command slotscope needs. The server's own text is matched, never printed with secrets.
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
