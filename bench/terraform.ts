/**
 * `npm run bench:terraform`: terraform-provider-warden next to Terraform's floor, the built-in
 * `terraform_data` resource (no plugin at all), with the same counts, side by side in one run:
 * apply, plan with everything in state, destroy. Also the provider's start-up time to its
 * handshake next to a bare `node` start, on each Node.js of the matrix with and without Node's
 * compile cache (`-- --startup` measures only that). Not a test: it asserts nothing; figures are ratios.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureToolchain } from '../scripts/toolchain';
import { selfSignedCertificate } from '../provider/terraform/certificate';
import { startServerProcess } from '../test/support/server';
import { TerraformWorkspace } from '../test/support/terraform';

const COUNT = Number(process.env.BENCH_COUNT ?? 200);
const ROOT = resolve(__dirname, '..');

const wardenConfig = `provider "warden" {}
resource "warden_service_account" "sa" {
  count = ${COUNT}
  name  = "bench-\${count.index}"
}
resource "warden_role_binding" "rb" {
  count              = ${COUNT}
  service_account_id = warden_service_account.sa[count.index].id
  role               = "member"
}
resource "warden_token" "t" {
  count              = ${COUNT}
  service_account_id = warden_service_account.sa[count.index].id
  name               = "ci"
  expires_in_days    = 30
}
`;
const floorConfig = ['sa', 'rb', 't']
  .map(
    (name, i) => `resource "terraform_data" "${name}" {
  count = ${COUNT}
  input = ${i === 0 ? '"bench-${count.index}"' : `terraform_data.sa[count.index].output`}
}
`,
  )
  .join('');

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

/** Milliseconds from spawn to the first stdout bytes (the handshake line), one run. */
async function startOnce(node: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const start = performance.now();
  const child = spawn(node, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise((r) => child.once('exit', r));
  await new Promise<void>((r) => child.stdout.once('data', () => r()));
  const ms = performance.now() - start;
  // Let the provider write its compile cache (it flushes right after the handshake).
  await new Promise((r) => setTimeout(r, 150));
  child.kill();
  await exited;
  return ms;
}

// As Terraform launches it: the magic cookie and a client certificate, so AutoMTLS runs.
const HANDSHAKE_ENV = {
  TF_PLUGIN_MAGIC_COOKIE: 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2',
  PLUGIN_PROTOCOL_VERSIONS: '6',
  PLUGIN_CLIENT_CERT: selfSignedCertificate().certPem,
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Start-up on each Node.js of the matrix: a bare `node -e`, the provider without Node's compile
 * cache, and with it (warmed by a first start). The variants take turns, run after run, so that
 * the machine's noise falls on all of them alike.
 */
async function startups(cookie: NodeJS.ProcessEnv, runs = 15): Promise<string> {
  const provider = join(ROOT, 'dist', 'terraform-provider', 'terraform-provider-warden');
  const nodes: [string, string][] = [[`${process.version} (this Node)`, process.execPath], ...ensureToolchain(['node22', 'node24']).map((n): [string, string] => [`v${n.version}`, n.path])];
  const rows = ['| Node.js | bare `node -e` (ms) | provider, no compile cache (ms) | provider, compile cache (ms) | cache / no cache |', '|---|---|---|---|---|'];
  for (const [label, node] of nodes) {
    const cacheHome = mkdtempSync(join(tmpdir(), 'warden-bench-cache-'));
    const variants = {
      bare: () => startOnce(node, ['-e', 'process.stdout.write("x")'], {}),
      plain: () => startOnce(node, [provider], { ...cookie, NODE_DISABLE_COMPILE_CACHE: '1' }),
      cached: () => startOnce(node, [provider], { ...cookie, XDG_CACHE_HOME: cacheHome }),
    };
    await variants.cached();
    const times = { bare: [] as number[], plain: [] as number[], cached: [] as number[] };
    for (let i = 0; i < runs; i++) for (const key of ['bare', 'plain', 'cached'] as const) times[key].push(await variants[key]());
    rmSync(cacheHome, { recursive: true, force: true });
    const [bare, plain, cached] = [median(times.bare), median(times.plain), median(times.cached)];
    rows.push(`| ${label} | ${bare.toFixed(0)} | ${plain.toFixed(0)} | ${cached.toFixed(0)} | **${(cached / plain).toFixed(2)}** |`);
  }
  return rows.join('\n') + '\n';
}

async function main(): Promise<void> {
  if (process.argv.includes('--startup')) {
    process.stdout.write(`Start-up to the first stdout line (the handshake), median of 15 runs taken in turns:\n\n${await startups(HANDSHAKE_ENV)}`);
    return;
  }
  const server = await startServerProcess({ WARDEN_LOG_LEVEL: 'info' });
  try {
    const warden = new TerraformWorkspace('terraform', server.url, server.adminToken).write(wardenConfig);
    const floor = new TerraformWorkspace('terraform', server.url, server.adminToken).write(floorConfig);
    await warden.init();
    await floor.init();
    const rows: [string, number, number][] = [];
    for (const [step, run] of [
      ['apply', (w: TerraformWorkspace) => w.apply()],
      ['plan (all in state)', (w: TerraformWorkspace) => w.plan(0)],
      ['destroy', (w: TerraformWorkspace) => w.destroy()],
    ] as const) {
      const floorSeconds = await timed(() => run(floor));
      const wardenSeconds = await timed(() => run(warden));
      rows.push([step, floorSeconds, wardenSeconds]);
    }

    const startupTable = await startups(HANDSHAKE_ENV);

    const out = process.stdout;
    out.write(`\n${COUNT} service accounts + ${COUNT} role bindings + ${COUNT} tokens (${3 * COUNT} resources) vs ${3 * COUNT} terraform_data\n\n`);
    out.write('| step | terraform_data (s) | warden (s) | ratio |\n|---|---|---|---|\n');
    for (const [step, f, w] of rows) out.write(`| ${step} | ${f.toFixed(1)} | ${w.toFixed(1)} | **${(w / f).toFixed(2)}** |\n`);
    out.write(`\nStart-up to the first stdout line (the handshake), median of 15 runs taken in turns:\n\n${startupTable}`);
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:terraform: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
