// Connection flags that cannot name one server, refused in one line (exit 2) before anything connects:
// port 1 on loopback refuses every connection, so a check that let one of these through would say so.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { slotscope } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'slotscope-flags-'));
const out = join(dir, 'out');
const passwordFile = join(dir, 'pw');
writeFileSync(passwordFile, 'flag-secret-3\n');

function refused(args: string[], line: string): void {
  const r = slotscope(args);
  expect(r.status, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(`slotscope: ${line}\n`);
}

describe('connection flags that cannot name one server', () => {
  it('refuses an address that is not HOST:PORT, without echoing one that may hold a password', () => {
    for (const bad of ['foo:bar:baz', 'h:', 'h:0', 'h:65536', '[x:y]:5', '[::1']) refused(['capture', 'scan', bad, '--out', out], `not a node address: ${JSON.stringify(bad)} (expected HOST:PORT, redis://HOST:PORT or rediss://HOST:PORT)`);
    refused(['capture', 'scan', 'bob:flag-secret-3@127.0.0.1:1', '--out', out], 'not a node address (expected HOST:PORT, redis://HOST:PORT or rediss://HOST:PORT)');
  });

  it('hides the password of a URL given where a file is expected, in every command that reads files', () => {
    const url = 'redis://bob:flag-secret-3@127.0.0.1:1';
    for (const cmd of [['analyze'], ['check'], ['plan'], ['merge'], ['diff', url, url]]) {
      refused([...cmd, ...(cmd.length === 1 ? [url] : [])], 'redis://bob:***@127.0.0.1:1: no such file');
    }
  });

  it('refuses -h/-p beside a node, and -a beside --password-file', () => {
    refused(['capture', 'monitor', '127.0.0.1:1', '-p', '1', '--out', out], 'give the server either as -h/-p or as a URL or HOST:PORT, not both');
    refused(['capture', 'scan', '-h', '127.0.0.1', '-u', 'redis://127.0.0.1:1', '--out', out], 'give the server either as -h/-p or as a URL or HOST:PORT, not both');
    refused(['capture', 'scan', '-p', '1', '-a', 'flag-secret-3', '--password-file', passwordFile, '--out', out], 'give the password either with -a or with --password-file, not both');
  });

  it('refuses an ACL user without a password, which would run as the default user', () => {
    refused(['capture', 'scan', '-p', '1', '--user', 'slotscope', '--out', out], 'an ACL user needs its password: -a, --password-file, REDISCLI_AUTH or the URL');
    refused(['capture', 'scan', 'redis://slotscope@127.0.0.1:1', '--out', out], 'an ACL user needs its password: -a, --password-file, REDISCLI_AUTH or the URL');
  });

  it('refuses TLS settings without TLS, and a certificate without its key', () => {
    refused(['capture', 'scan', '-p', '1', '--cacert', passwordFile, '--out', out], '--cacert needs --tls (or a rediss:// URL)');
    refused(['capture', 'scan', '-p', '1', '--insecure', '--out', out], '--insecure needs --tls (or a rediss:// URL)');
    refused(['capture', 'scan', '-p', '1', '--tls', '--cert', passwordFile, '--out', out], "--cert needs --key (the certificate's private key)");
    refused(['capture', 'scan', '-p', '1', '--tls', '--cacert', join(dir, 'missing.crt'), '--out', out], `${join(dir, 'missing.crt')}: cannot read the CA certificate`);
  });

  it('refuses connection flags where no server is read, and verify without its cluster', () => {
    refused(['analyze', '-p', '6379', 'samples/app.monitor'], '--port is for --live (a capture is read from files)');
    refused(['analyze', '--tls', 'samples/app.monitor'], '--tls is for --live (a capture is read from files)');
    // --live with files would read only the deployment: refused, not the files silently dropped.
    for (const files of [['samples/app.monitor'], ['-n', 'app=samples/app.monitor']]) refused(['analyze', '--live', '127.0.0.1:1', ...files], '--live reads the deployment, not files: give either --live or input files (capture with `slotscope capture monitor` to analyse both)');
    const plan = join(dir, 'plan.json');
    expect(slotscope(['plan', '-f', 'json', '-o', plan, 'samples/app.monitor']).status).toBe(0);
    refused(['verify', '--plan', plan, 'samples/app.monitor'], 'verify needs the cluster to replay into: --cluster URL or HOST:PORT, or -h HOST -p PORT');
  });

  it('rejects a port that is not one, as commander does for every option', () => {
    const r = slotscope(['capture', 'scan', '-p', '70000', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("slotscope: option '-p, --port <port>' argument '70000' is invalid. expected a port number (1-65535)\n");
  });
});
