import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { onFreePort } from './ports';
import { waitFor } from './wait';

export interface Postgres {
  /** Connection URL of a fresh database (see createDatabase). */
  url: string;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A server binary (`initdb`, `postgres`): from PATH, else from the newest of Debian's
 * /usr/lib/postgresql/<version>/bin, which the postgresql package does not put on PATH.
 */
function serverBinary(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, name))) return join(dir, name);
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian) ? readdirSync(debian).filter((v) => existsSync(join(debian, v, 'bin', name))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) throw new Error(`PostgreSQL's ${name} is neither on PATH nor in ${debian}/<version>/bin: install PostgreSQL (Debian: apt-get install postgresql)`);
  return join(debian, newest, 'bin', name);
}

/** PostgreSQL refuses to run as root: as root, its binaries run as the `postgres` user. */
function asPostgres(name: string, args: string[]): [string, string[]] {
  const cmd = serverBinary(name);
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

/**
 * A throwaway PostgreSQL cluster from the machine's binaries: a temp directory, a free port on
 * 127.0.0.1, trust auth. fsync is off: these tests are about sharing, not about durability.
 */
export async function startPostgres(): Promise<Postgres> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-pg-'));
  if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const data = join(dir, 'data');
  execFileSync(...asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']), { stdio: 'ignore' });
  // PostgreSQL must be told its port: a port taken between choosing and binding is retried.
  const { child, port } = await onFreePort(async (port) => {
    const [cmd, args] = asPostgres('postgres', [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ]);
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const accepts = async () => {
      if (child.exitCode !== null) throw new Error(`PostgreSQL exited with ${child.exitCode}`);
      const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
      try {
        await c.connect();
        return true;
      } catch {
        return false;
      } finally {
        await c.end().catch(() => undefined);
      }
    };
    try {
      await waitFor('PostgreSQL to accept connections', accepts, { timeoutMs: 30_000, intervalMs: 100 });
    } catch (err) {
      child.kill('SIGTERM');
      throw new Error(`${err instanceof Error ? err.message : String(err)}:\n${log}`);
    }
    return { child, port };
  });
  const base = `postgres://postgres@127.0.0.1:${port}`;
  let n = 0;
  const createDatabase = async (name: string) => {
    const db = `${name.replace(/[^a-z0-9_]/g, '_')}_${++n}`;
    const c = new pg.Client({ connectionString: `${base}/postgres` });
    await c.connect();
    await c.query(`CREATE DATABASE ${db}`);
    await c.end();
    return `${base}/${db}`;
  };
  return {
    url: `${base}/postgres`,
    createDatabase,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        execFileSync(...asPostgres('pg_ctl', ['-D', data, 'stop', '-m', 'immediate']), { stdio: 'ignore' });
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
