// Certificates for the TLS tests, made with openssl as an operator would: a CA, a server certificate for
// 127.0.0.1 and localhost, and a client certificate, both signed by that CA. A second CA signs only a
// client certificate the servers do not trust, so a test can show a wrong --cacert or --cert is refused.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsFiles {
  dir: string;
  ca: string;
  /** A CA the servers do not trust, and a client certificate it signed. */
  otherCa: string;
  strangerCert: string;
  strangerKey: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

async function selfSignedCa(dir: string, name: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', `/CN=slotscope test ${name}`, '-keyout', key, '-out', cert]);
  return { cert, key };
}

/** A key and a certificate signed by the CA; `ext` is the X.509 v3 extensions section. */
async function signed(dir: string, name: string, ca: { cert: string; key: string }, ext: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, ext);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', `/CN=${name}`, '-keyout', key, '-out', csr]);
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '2', '-sha256', '-extfile', extFile, '-out', cert]);
  return { cert, key };
}

export async function makeTlsFiles(): Promise<TlsFiles> {
  const dir = mkdtempSync(join(tmpdir(), 'slotscope-tls-'));
  const ca = await selfSignedCa(dir, 'ca');
  const other = await selfSignedCa(dir, 'other-ca');
  // The cluster bus connects node to node with the server certificate: it serves as a client one too.
  const server = await signed(dir, 'server', ca, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  const client = await signed(dir, 'client', ca, 'extendedKeyUsage=clientAuth\n');
  const stranger = await signed(dir, 'stranger', other, 'extendedKeyUsage=clientAuth\n');
  return { dir, ca: ca.cert, otherCa: other.cert, strangerCert: stranger.cert, strangerKey: stranger.key, serverCert: server.cert, serverKey: server.key, clientCert: client.cert, clientKey: client.key };
}
