/**
 * `npm run bench:terraform`: terraform-provider-warden next to its peers, with the same counts, side
 * by side in one run, on Terraform and on OpenTofu: a provider written in Go on
 * terraform-plugin-framework (hashicorp/random, built by the toolchain; `random_id` does no I/O)
 * and the engine's floor, the built-in `terraform_data` (no plugin at all). Steps: apply, plan
 * with everything in state, destroy. Also start-up to the handshake line: the Go provider, a bare
 * `node`, and Warden's provider with and without Node's compile cache on each Node.js of the
 * matrix (`-- --startup` measures only that). Not a test: it asserts nothing; figures are ratios.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureToolchain, toolPath } from '../scripts/toolchain';
import { RANDOM_PROVIDER } from '../scripts/toolchain/tools';
import { SOURCES, platform } from '../provider/terraform/install';
import { selfSignedCertificate } from '../provider/terraform/protocol/certificate';
import { startServerProcess } from '../test/support/server';
import { ENGINES, type Engine, TerraformWorkspace } from '../test/support/terraform';

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

const goPeerConfig = `terraform {
  required_providers {
    random = { source = "hashicorp/random" }
  }
}
${['sa', 'rb', 't']
  .map(
    (name, i) => `resource "random_id" "${name}" {
  count       = ${COUNT}
  byte_length = 8
  keepers     = { name = ${i === 0 ? '"bench-${count.index}"' : `random_id.sa[count.index].id`} }
}
`,
  )
  .join('')}`;

/**
 * Adds the Go provider to a workspace's filesystem mirror (under both registry hosts, as the
 * installer lays out Warden's) and lets the CLI configuration take every provider from there.
 */
function withGoPeer(ws: TerraformWorkspace): TerraformWorkspace {
  const mirror = join(ws.dir, '.warden', 'mirror');
  for (const source of SOURCES) {
    const dir = join(mirror, source.replace('warden/warden', 'hashicorp/random'), RANDOM_PROVIDER.version, platform());
    mkdirSync(dir, { recursive: true });
    copyFileSync(toolPath('terraform-provider-random'), join(dir, `terraform-provider-random_v${RANDOM_PROVIDER.version}`));
  }
  writeFileSync(join(ws.dir, '.warden', 'terraform.rc'), `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n`);
  return ws;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

/** Milliseconds from spawn to the first stdout bytes (the handshake line), one run. */
async function startOnce(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const start = performance.now();
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
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
  const goPeer: number[] = [];
  for (let i = 0; i < runs; i++) goPeer.push(await startOnce(toolPath('terraform-provider-random'), [], { ...cookie, PLUGIN_PROTOCOL_VERSIONS: '5' }));
  const go = median(goPeer);
  const rows = [
    `The Go provider (hashicorp/random ${RANDOM_PROVIDER.version}): ${go.toFixed(0)} ms.`,
    '',
    '| Node.js | bare `node -e` (ms) | provider, no compile cache (ms) | provider, compile cache (ms) | cache / no cache | cached / Go |',
    '|---|---|---|---|---|---|',
  ];
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
    rows.push(`| ${label} | ${bare.toFixed(0)} | ${plain.toFixed(0)} | ${cached.toFixed(0)} | ${(cached / plain).toFixed(2)} | **${(cached / go).toFixed(2)}** |`);
  }
  return rows.join('\n') + '\n';
}

async function main(): Promise<void> {
  if (process.argv.includes('--startup')) {
    process.stdout.write(`Start-up to the first stdout line (the handshake), median of 15 runs taken in turns:\n\n${await startups(HANDSHAKE_ENV)}`);
    return;
  }
  const server = await startServerProcess({ WARDEN_LOG_LEVEL: 'info' });
  const out = process.stdout;
  try {
    for (const engine of ENGINES) out.write(await sideBySide(engine, server.url, server.adminToken));
  } finally {
    await server.stop();
  }
  out.write(`\nStart-up to the first stdout line (the handshake), median of 15 runs taken in turns:\n\n${await startups(HANDSHAKE_ENV)}`);
}

/** apply, plan, destroy: the floor, the Go peer and Warden, each step in turn, on one engine. */
async function sideBySide(engine: Engine, endpoint: string, token: string): Promise<string> {
  // The peers' configurations name no Warden provider, so the engine starts none for them.
  const floor = new TerraformWorkspace(engine, endpoint, token);
  writeFileSync(join(floor.dir, 'main.tf'), floorConfig);
  const go = withGoPeer(new TerraformWorkspace(engine, endpoint, token));
  writeFileSync(join(go.dir, 'main.tf'), goPeerConfig);
  const warden = new TerraformWorkspace(engine, endpoint, token).write(wardenConfig);
  const workspaces = [floor, go, warden];
  try {
    for (const ws of workspaces) await ws.init();
    const rows: string[] = [];
    for (const [step, run] of [
      ['apply', (w: TerraformWorkspace) => w.apply()],
      ['plan (all in state)', (w: TerraformWorkspace) => w.plan(0)],
      ['destroy', (w: TerraformWorkspace) => w.destroy()],
    ] as const) {
      const [f, g, w] = [await timed(() => run(floor)), await timed(() => run(go)), await timed(() => run(warden))];
      rows.push(`| ${step} | ${f.toFixed(1)} | ${g.toFixed(1)} | ${w.toFixed(1)} | **${(w / g).toFixed(2)}** | ${(w / f).toFixed(2)} |`);
    }
    return [
      `\n${engine}: ${COUNT} service accounts + ${COUNT} role bindings + ${COUNT} tokens (${3 * COUNT} resources) vs ${3 * COUNT} random_id (Go, terraform-plugin-framework) vs ${3 * COUNT} terraform_data\n`,
      '| step | terraform_data (s) | random_id, Go (s) | warden (s) | warden / Go | warden / terraform_data |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n');
  } finally {
    for (const ws of workspaces) ws.remove();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:terraform: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
