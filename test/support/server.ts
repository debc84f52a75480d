import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WardenClient } from '../../api-client';
import { type AppOptions, buildApp } from '../../server/app';
import type { Clock } from '../../server/domain/clock';
import { generateSecret } from '../../server/domain/secrets';
import { type Store, openStore } from '../../server/store';

export const ROOT = resolve(__dirname, '..', '..');

export interface TestServer {
  url: string;
  adminToken: string;
  /** A client authenticated as the bootstrap admin. */
  client: WardenClient;
  clientFor(token: string): WardenClient;
  /** Everything the server logged (JSON lines). */
  logs(): string;
  dataDir: string | undefined;
  stop(): Promise<void>;
}

export interface InProcessOptions extends Partial<Omit<AppOptions, 'store' | 'logger'>> {
  databaseUrl?: string;
  clock?: Clock;
}

/** A mutable clock for tests where time decides behaviour. */
export class TestClock implements Clock {
  constructor(private current = new Date()) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** The real server, in this process, on 127.0.0.1 with a random port: SQLite in a temp dir or PostgreSQL. */
export async function startServer(options: InProcessOptions = {}): Promise<TestServer & { app: FastifyInstance; store: Store }> {
  const dataDir = options.databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'warden-test-'));
  const store = await openStore(options.databaseUrl ? { databaseUrl: options.databaseUrl } : { dataDir: dataDir! });
  let logs = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs += chunk.toString();
      done();
    },
  });
  const adminToken = options.bootstrapToken ?? generateSecret();
  const app = await buildApp({ ...options, store, bootstrapToken: adminToken, logger: { level: 'info', stream: sink } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const clients: WardenClient[] = [];
  const clientFor = (token: string) => {
    const c = new WardenClient({ endpoint: url, token, retry: { retries: 0 } });
    clients.push(c);
    return c;
  };
  return {
    url,
    adminToken,
    app,
    store,
    client: clientFor(adminToken),
    clientFor,
    logs: () => logs,
    dataDir,
    stop: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await app.close();
      await store.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ProcessServer extends TestServer {
  child: ChildProcess;
  /** Restarts on the same data after a crash or stop. */
  restart(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * The real server as its own process (`warden-server`), for crash and multi-process tests, on this Node.js: the checkout's sources through tsx, or
 * `entry`, the script of an installed package (`node_modules/warden-iac/dist/server/cli.js`). It binds port 0 and says which port it got; a
 * restart binds that same port again, so clients made before the crash (a Terraform workspace's endpoint) reach the restarted server.
 */
export async function startServerProcess(env: Record<string, string> = {}, entry: string[] = ['--import', 'tsx', join(ROOT, 'server', 'cli.ts')]): Promise<ProcessServer> {
  const dataDir = env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'warden-proc-'));
  const adminToken = env.WARDEN_BOOTSTRAP_TOKEN ?? generateSecret();
  let logs = '';
  let child!: ChildProcess;
  let url = '';
  const launch = async () => {
    const port = url ? { WARDEN_PORT: new URL(url).port } : {};
    child = spawn(process.execPath, entry, {
      cwd: ROOT,
      env: { ...process.env, WARDEN_PORT: '0', WARDEN_HOST: '127.0.0.1', WARDEN_BOOTSTRAP_TOKEN: adminToken, ...(dataDir ? { WARDEN_DATA_DIR: dataDir } : {}), ...env, ...port },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    url = await new Promise<string>((resolveUrl, reject) => {
      const onData = (d: Buffer) => {
        logs += d.toString();
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(logs.slice(-4000));
        if (m) resolveUrl(m[1]!);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
      child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${logs}`)));
    });
  };
  await launch();
  const clients: WardenClient[] = [];
  let admin: { url: string; client: WardenClient } | undefined;
  const server: ProcessServer = {
    get url() {
      return url;
    },
    adminToken,
    get client() {
      if (admin?.url !== url) admin = { url, client: server.clientFor(adminToken) };
      return admin.client;
    },
    clientFor: (token) => {
      const c = new WardenClient({ endpoint: url, token, retry: { retries: 0 } });
      clients.push(c);
      return c;
    },
    logs: () => logs,
    dataDir,
    get child() {
      return child;
    },
    kill: async (signal) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
    restart: async () => {
      await server.kill('SIGKILL');
      await launch();
    },
    stop: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await server.kill('SIGTERM');
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}
