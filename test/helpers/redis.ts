// Starts real redis-server processes for tests: free loopback ports, no persistence, a temp dir each,
// stopped by PID. Nothing here imitates Redis; tests ask the real server.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import type { TlsFiles } from './tls-certs.js';

const run = promisify(execFile);

export interface RedisServer {
  port: number;
  pid: number;
  dir: string;
  url: string;
  client(): Redis;
  stop(): Promise<void>;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

const taken = new Set<number>();

/** A free port whose cluster bus port (port + 10000) is free too. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    if (taken.has(port) || taken.has(port + 10000)) continue;
    if ((await portIsFree(port)) && (await portIsFree(port + 10000))) {
      taken.add(port);
      taken.add(port + 10000);
      return port;
    }
  }
  throw new Error('no free port pair found');
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

export interface ServerOptions {
  password?: string;
  /** TLS only (`--port 0`), clients must show a certificate of the CA (`--tls-auth-clients yes`). */
  tls?: TlsFiles;
}

/** What redis-server needs to listen on `port` with TLS only, and what ioredis needs to reach it. */
const tlsServerArgs = (port: number, t: TlsFiles): string[] => ['--port', '0', '--tls-port', String(port), '--tls-cert-file', t.serverCert, '--tls-key-file', t.serverKey, '--tls-ca-cert-file', t.ca, '--tls-auth-clients', 'yes'];
const tlsClientOptions = (t: TlsFiles) => ({ ca: readFileSync(t.ca), cert: readFileSync(t.clientCert), key: readFileSync(t.clientKey) });

/** Waits until a replica's link to its primary is up (its first sync done), so its MONITOR shows the stream. */
export async function waitForSync(replica: Pick<RedisServer, 'client'>, timeoutMs = 30000): Promise<void> {
  await waitFor('the replica to sync', async () => {
    const c = replica.client();
    try {
      return /master_link_status:up/.test(await c.info('replication')) ? true : undefined;
    } finally {
      c.disconnect();
    }
  }, timeoutMs);
}

export async function startRedis(extraArgs: string[] = [], options: ServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'slotscope-redis-'));
  const listen = options.tls ? tlsServerArgs(port, options.tls) : ['--port', String(port)];
  const child: ChildProcess = spawn('redis-server', [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', join(dir, 'redis.log'), ...extraArgs], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (!child.pid) throw new Error('redis-server did not start (is it installed? apt-get install redis-server)');
  const pid = child.pid;
  const server: RedisServer = {
    port,
    pid,
    dir,
    url: `${options.tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    client: () => {
      const c = new Redis({ port, host: '127.0.0.1', password: options.password, ...(options.tls ? { tls: tlsClientOptions(options.tls) } : {}), maxRetriesPerRequest: 1, retryStrategy: () => null });
      c.on('error', () => {}); // failures surface as rejected commands; the event would only add noise
      return c;
    },
    async stop() {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await waitFor(`redis-server on port ${port}`, async () => {
    const c = server.client();
    try {
      return (await c.ping()) === 'PONG' ? true : undefined;
    } finally {
      c.disconnect();
    }
  });
  return server;
}

export interface RedisCluster {
  nodes: RedisServer[];
  primaries: RedisServer[];
  stop(): Promise<void>;
}

/** A real cluster made by `redis-cli --cluster create`: 3 primaries get 0-5460, 5461-10922, 10923-16383. */
export async function startCluster(primaries = 3, replicas = 0, options: ServerOptions = {}): Promise<RedisCluster> {
  const count = primaries * (1 + replicas);
  const auth = options.password ? ['--requirepass', options.password, '--masterauth', options.password] : [];
  // With TLS, the cluster bus and replication use it too: nothing listens in clear.
  const tls = options.tls ? ['--tls-cluster', 'yes', '--tls-replication', 'yes'] : [];
  const cliTls = options.tls ? ['--tls', '--cacert', options.tls.ca, '--cert', options.tls.clientCert, '--key', options.tls.clientKey] : [];
  const nodes = await Promise.all(
    Array.from({ length: count }, () => startRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '3000', ...auth, ...tls], options)),
  );
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    await run('redis-cli', [...cliTls, ...(options.password ? ['-a', options.password, '--no-auth-warning'] : []), '--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: 30000 });
    for (const n of nodes) {
      await waitFor(`cluster_state:ok on ${n.port}`, async () => {
        const c = n.client();
        try {
          return (await c.cluster('INFO')).includes('cluster_state:ok') ? true : undefined;
        } finally {
          c.disconnect();
        }
      }, 30000);
    }
    // cluster_state:ok comes before every node has heard which nodes became replicas.
    for (const n of nodes) {
      await waitFor(`replica roles on ${n.port}`, async () => {
        const c = n.client();
        try {
          const text = (await c.cluster('NODES')) as string;
          return (text.match(/[ ,]slave /g) ?? []).length === primaries * replicas ? true : undefined;
        } finally {
          c.disconnect();
        }
      }, 30000);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const roles = await Promise.all(nodes.map(async (n) => {
    const c = n.client();
    try {
      return ((await c.role()) as unknown[])[0];
    } finally {
      c.disconnect();
    }
  }));
  return { nodes, primaries: nodes.filter((_, i) => roles[i] === 'master'), stop };
}

/** Waits until some client of the server runs MONITOR (CLIENT LIST shows cmd=monitor). */
export function waitForMonitor(server: RedisServer): Promise<true> {
  return waitFor('MONITOR to attach', async () => {
    const c = server.client();
    try {
      return /cmd=monitor/.test((await c.client('LIST')) as string) ? true : undefined;
    } finally {
      c.disconnect();
    }
  });
}

/**
 * Runs a real `redis-cli MONITOR` against a server, its stdout going to a file. ready resolves once MONITOR
 * answered OK; stop() sends a marker ECHO, waits until the capture holds it (so every earlier command is
 * in the file), then ends redis-cli.
 */
export async function monitorToFile(server: RedisServer, file: string): Promise<{ stop: () => Promise<void> }> {
  const child = spawn('sh', ['-c', `exec redis-cli -p ${server.port} MONITOR > '${file}'`], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor('MONITOR to answer OK', async () => (readFileSync(file, 'latin1').startsWith('OK') ? true : undefined));
  return {
    async stop() {
      const marker = `slotscope-capture-end-${process.pid}-${Date.now()}`;
      const c = server.client();
      try {
        await c.echo(marker);
      } finally {
        c.disconnect();
      }
      await waitFor('the capture to catch up', async () => (readFileSync(file, 'latin1').includes(marker) ? true : undefined));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Captures, with a real `redis-cli MONITOR`, what `traffic` sends to the server; returns the file. */
export async function captureTraffic(server: RedisServer, traffic: () => Promise<void>): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'slotscope-capture-')), 'app.monitor');
  const mon = await monitorToFile(server, file);
  await traffic();
  await mon.stop();
  return file;
}
