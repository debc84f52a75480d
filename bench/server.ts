/**
 * `npm run bench:server`: the reference server's throughput and latency next to a bare node:http
 * hello-world, measured side by side in one run (figures are ratios; the machine is noisy);
 * authentication with 1,000 to 1,000,000 tokens in the store; one and two server processes on one
 * PostgreSQL (list and create throughput, revocation seen by the other process under load); memory
 * over a mixed load. Not a test: it asserts nothing. Results go to stdout as Markdown tables.
 */
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WardenClient } from '../api-client';
import { generateSecret } from '../server/domain/secrets';
import { openStore } from '../server/store';
import { freePort } from '../test/support/ports';
import { startPostgres } from '../test/support/postgres';

const ROOT = resolve(__dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const MIXED_SECONDS = Number(process.env.BENCH_MIXED_SECONDS ?? 60);
const CONNECTIONS = 50;

interface Proc {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

function spawnAndWaitForUrl(args: string[], env: Record<string, string>, pattern: RegExp): Promise<Proc> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolveProc, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) resolveProc({ url: m[1]!, child, stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

const bare = () =>
  spawnAndWaitForUrl(
    [
      '-e',
      "const s=require('http').createServer((q,r)=>{r.setHeader('content-type','application/json');r.end('{\"hello\":\"world\"}')});s.listen(0,'127.0.0.1',()=>console.log('listening at http://127.0.0.1:'+s.address().port))",
    ],
    {},
    /listening at (http:\/\/127\.0\.0\.1:\d+)/,
  );

/**
 * The server as users run it (default log level), its logs discarded; ready when /readyz answers.
 * `store` is a data directory (SQLite) or a postgres:// URL.
 */
async function warden(store: string, token: string): Promise<Proc> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts'], {
    cwd: ROOT,
    env: { ...process.env, WARDEN_PORT: String(port), ...(store.startsWith('postgres://') ? { DATABASE_URL: store } : { WARDEN_DATA_DIR: store }), WARDEN_BOOTSTRAP_TOKEN: token },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      if (i > 200 || child.exitCode !== null) throw new Error('warden-server did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { url, child, stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) };
}

async function load(url: string, path: string, token?: string, options: { warmUp?: boolean; create?: boolean } = {}) {
  const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(options.create ? { 'content-type': 'application/json' } : {}) };
  // Creates need a fresh name each: autocannon builds every request through setupRequest.
  const requests: autocannon.Request[] | undefined = options.create
    ? [{ method: 'POST', setupRequest: (req) => ({ ...req, body: JSON.stringify({ name: `c-${randomBytes(6).toString('hex')}` }) }) }]
    : undefined;
  const opts = { url: url + path, connections: CONNECTIONS, headers, ...(requests ? { requests } : {}) };
  if (options.warmUp !== false) await autocannon({ ...opts, duration: 2 });
  const r = await autocannon({ ...opts, duration: SECONDS });
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * One and two server processes on one PostgreSQL: list and create throughput of one process alone,
 * then of each of two loaded at once; and, with both under load, how long after a revocation on one
 * process the other refuses the token (PostgreSQL-backed processes keep no authentication cache).
 */
async function sharedPostgres(admin: string): Promise<string[]> {
  const pg = await startPostgres();
  const procs: Proc[] = [];
  try {
    const url = await pg.createDatabase('bench');
    const a = await warden(url, admin);
    procs.push(a);
    const b = await warden(url, admin);
    procs.push(b);
    const clientA = new WardenClient({ endpoint: a.url, token: admin, retry: { retries: 0 } });
    const clientB = new WardenClient({ endpoint: b.url, token: admin, retry: { retries: 0 } });
    for (let i = 0; i < 20; i++) await clientA.createServiceAccount({ name: `listed-${i}` });
    const rows = ['| PostgreSQL, shared | 1 process req/s | 2 processes, each req/s | 2 processes, total req/s | total / 1 process |', '|---|---|---|---|---|'];
    for (const [label, path, create] of [
      ['GET /v1/service-accounts?limit=20', '/v1/service-accounts?limit=20', false],
      ['POST /v1/service-accounts', '/v1/service-accounts', true],
    ] as const) {
      const one = await load(a.url, path, admin, { create });
      const [x, y] = await Promise.all([load(a.url, path, admin, { create }), load(b.url, path, admin, { create })]);
      rows.push(`| ${label} | ${one.rps.toFixed(0)} | ${x.rps.toFixed(0)} / ${y.rps.toFixed(0)} | ${(x.rps + y.rps).toFixed(0)} | **${((x.rps + y.rps) / one.rps).toFixed(2)}** |`);
    }

    const owner = await clientA.createServiceAccount({ name: 'revoked-owner' });
    await clientA.createRoleBinding({ service_account_id: owner.id, role: 'member' });
    const background = Promise.all([load(a.url, '/v1/whoami', admin, { warmUp: false }), load(b.url, '/v1/whoami', admin, { warmUp: false })]);
    const visible: number[] = [];
    const started = Date.now();
    while (Date.now() - started < (SECONDS - 2) * 1000 && visible.length < 20) {
      const t = await clientA.createServiceAccountToken(owner.id, { name: `r${visible.length}` });
      if ((await fetch(`${b.url}/v1/whoami`, { headers: { authorization: `Bearer ${t.token}` } })).status !== 200) throw new Error('a fresh token is refused by the other process');
      await clientA.revokeServiceAccountToken(owner.id, t.id);
      const revokedAt = performance.now();
      while ((await fetch(`${b.url}/v1/whoami`, { headers: { authorization: `Bearer ${t.token}` } })).status === 200);
      visible.push(performance.now() - revokedAt);
    }
    await background;
    rows.push('', '| revocation on one process, refused by the other (both under whoami load) | ms |', '|---|---|');
    rows.push(`| median of ${visible.length} | ${median(visible).toFixed(1)} |`, `| worst | ${Math.max(...visible).toFixed(1)} |`);
    await clientA.close();
    await clientB.close();
    return rows;
  } finally {
    await Promise.all(procs.map((p) => (p.child.exitCode === null ? p.stop() : undefined)));
    await pg.stop();
  }
}

/** Token rows that look like real ones (random digests), written straight into the store file. */
async function seedTokens(dataDir: string, count: number): Promise<void> {
  const store = await openStore({ dataDir });
  await store.close();
  const db = new Database(join(dataDir, 'warden.db'));
  const now = new Date().toISOString();
  db.prepare(
    "INSERT INTO service_accounts (id, uid, name, display_name, description, project_id, scope_key, disabled, expires_at, teams, created_at, updated_at, version) VALUES ('sa_seed', 'seed', 'seed', 'seed', '', NULL, '', 0, NULL, '[\"public\"]', ?, ?, 1)",
  ).run(now, now);
  const insert = db.prepare(
    "INSERT INTO tokens (id, kind, owner_type, owner_id, name, digest, hint, scopes, expires_at, extended, disabled, created_at, version) VALUES (?, 'api', 'service_account', 'sa_seed', ?, ?, 'wdn_xxxx', '[\"api\"]', NULL, 0, 0, ?, 1)",
  );
  db.transaction(() => {
    for (let i = 0; i < count; i++) insert.run(`tok_seed${i}`, `seed-${i}`, randomBytes(32).toString('base64url'), now);
  })();
  db.close();
}

async function memoryOf(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/warden_process_resident_memory_bytes (\d+)/.exec(text)?.[1] ?? NaN) / 2 ** 20;
}

async function mixed(url: string, admin: string) {
  const client = new WardenClient({ endpoint: url, token: admin, retry: { retries: 0 }, connections: CONNECTIONS });
  const account = await client.createServiceAccount({ name: 'mixed-owner' });
  await client.createRoleBinding({ service_account_id: account.id, role: 'member' });
  const live: { id: string; secret: string }[] = [];
  let ops = 0;
  let errors = 0;
  let n = 0;
  const deadline = Date.now() + MIXED_SECONDS * 1000;
  const memStart = await memoryOf(url);
  const worker = async () => {
    while (Date.now() < deadline) {
      const pick = n++ % 10;
      try {
        if (pick < 2) {
          const t = await client.createServiceAccountToken(account.id, { name: `t${n}` });
          live.push({ id: t.id, secret: t.token });
        } else if (pick < 3) await client.createServiceAccount({ name: `mixed-${n}` });
        else if (pick < 5) await client.listServiceAccounts({ limit: 20 });
        else if (pick < 9 && live.length > 0) {
          const t = live[n % live.length]!;
          const res = await fetch(`${url}/v1/whoami`, { headers: { authorization: `Bearer ${t.secret}` } });
          await res.arrayBuffer();
          // A token revoked by another worker a moment ago is refused: that is correct, not an error.
          if (res.status !== 200 && live.some((l) => l.id === t.id)) errors++;
        } else if (live.length > 5) {
          const t = live.splice(n % live.length, 1)[0]!;
          await client.revokeServiceAccountToken(account.id, t.id);
        }
        ops++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const memEnd = await memoryOf(url);
  await client.close();
  return { ops, opsPerSecond: ops / MIXED_SECONDS, errors, memStart, memEnd };
}

async function main() {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'warden-bench-'));
    dirs.push(d);
    return d;
  };
  const rows: string[] = [];
  const procs: Proc[] = [];
  try {
    const admin = generateSecret();
    const b = await bare();
    procs.push(b);
    const dir = tempDir();
    const w = await warden(dir, admin);
    procs.push(w);
    const client = new WardenClient({ endpoint: w.url, token: admin });
    const sa = await client.createServiceAccount({ name: 'bench' });
    await client.createRoleBinding({ service_account_id: sa.id, role: 'member' });
    for (let i = 0; i < 20; i++) await client.createServiceAccount({ name: `listed-${i}` });
    const { token } = await client.createServiceAccountToken(sa.id, { name: 'bench' });
    await client.close();

    const baseline = await load(b.url, '/');
    const who = await load(w.url, '/v1/whoami', token);
    const list = await load(w.url, '/v1/service-accounts?limit=20', token);
    rows.push('| endpoint | req/s | p99 (ms) | errors | ratio to bare |', '|---|---|---|---|---|');
    rows.push(`| bare node:http hello-world | ${baseline.rps.toFixed(0)} | ${baseline.p99} | ${baseline.errors} | 1.00 |`);
    rows.push(`| GET /v1/whoami (token) | ${who.rps.toFixed(0)} | ${who.p99} | ${who.errors} | ${(who.rps / baseline.rps).toFixed(2)} |`);
    rows.push(`| GET /v1/service-accounts?limit=20 (token) | ${list.rps.toFixed(0)} | ${list.p99} | ${list.errors} | ${(list.rps / baseline.rps).toFixed(2)} |`);

    // Authentication cost against the number of tokens in the store.
    const sizes = [1_000, 100_000, 1_000_000];
    const byStore: { size: number; rps: number; p99: number }[] = [];
    for (const size of sizes) {
      const d = tempDir();
      await seedTokens(d, size);
      const s = await warden(d, admin);
      procs.push(s);
      const r = await load(s.url, '/v1/whoami', admin);
      byStore.push({ size, rps: r.rps, p99: r.p99 });
      await s.stop();
    }
    rows.push('', '| tokens in store | whoami req/s | p99 (ms) | ratio to 1k |', '|---|---|---|---|');
    for (const r of byStore) rows.push(`| ${r.size.toLocaleString('en')} | ${r.rps.toFixed(0)} | ${r.p99} | ${(r.rps / byStore[0]!.rps).toFixed(2)} |`);

    rows.push('', ...(await sharedPostgres(admin)));

    const m = await mixed(w.url, admin);
    rows.push('', `| mixed load (${MIXED_SECONDS} s, ${CONNECTIONS} concurrent) | value |`, '|---|---|');
    rows.push(
      `| operations | ${m.ops} (${m.opsPerSecond.toFixed(0)}/s) |`,
      `| errors | ${m.errors} |`,
      `| server RSS at start / end (MiB) | ${m.memStart.toFixed(0)} / ${m.memEnd.toFixed(0)} |`,
    );
    console.log(rows.join('\n'));
  } finally {
    await Promise.all(procs.map((p) => (p.child.exitCode === null ? p.stop() : undefined)));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
