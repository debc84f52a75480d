/**
 * `npm run bench:terraform`: terraform-provider-warden next to its peers, with the same counts, side
 * by side in one run, on Terraform and on OpenTofu: a provider written in Go on
 * terraform-plugin-framework (hashicorp/random, built by the toolchain; `random_id` does no I/O)
 * and the engine's floor, the built-in `terraform_data` (no plugin at all). Steps: apply, plan
 * with everything in state, destroy. Also start-up to the handshake line: the Go provider, a bare
 * `node`, and Warden's provider with and without Node's compile cache on each Node.js of the
 * matrix (`-- --startup` measures only that). `-- --baseline DIR` adds another build of the
 * provider (a copy of dist/terraform-provider from an earlier commit) to every step and start-up,
 * so a change is measured before/after in one run; BENCH_ROUNDS repeats the steps and reports
 * medians; BENCH_COUNT sets the count (default 200 of each of the three types). Not a test: it asserts nothing; figures are
 * ratios.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:http2';
import { connect as tlsConnect } from 'node:tls';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureToolchain, toolPath } from '../scripts/toolchain';
import { RANDOM_PROVIDER } from '../scripts/toolchain/tools';
import { SOURCES, platform } from '../provider/terraform/install';
import { selfSignedCertificate } from '../provider/terraform/protocol/certificate';
import { startServerProcess } from '../test/support/server';
import { ENGINES, type Engine, TerraformWorkspace } from '../test/support/terraform';

const COUNT = Number(process.env.BENCH_COUNT ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const ROOT = resolve(__dirname, '..');
const BUILT = join(ROOT, 'dist', 'terraform-provider');
const BASELINE = (() => {
  const at = process.argv.indexOf('--baseline');
  if (at < 0) return undefined;
  const dir = resolve(process.argv[at + 1] ?? '');
  if (!existsSync(join(dir, 'terraform-provider-warden'))) throw new Error(`--baseline needs a directory holding a built terraform-provider-warden, not ${dir}`);
  return dir;
})();

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

/** Replaces the provider in a workspace's mirror (laid out from dist) by the baseline build, before init. */
function withBaseline(ws: TerraformWorkspace, baseline: string): TerraformWorkspace {
  const mirror = join(ws.dir, '.warden', 'mirror');
  for (const source of SOURCES) {
    const versions = join(mirror, source);
    for (const version of readdirSync(versions)) {
      const dir = join(versions, version, platform());
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      for (const file of readdirSync(baseline))
        copyFileSync(join(baseline, file), join(dir, file === 'terraform-provider-warden' ? `terraform-provider-warden_v${version}` : file));
    }
  }
  return ws;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

interface Start {
  /** Milliseconds from spawn to the handshake line. */
  handshake: number;
  /** ... to the answer of a first call made as Terraform makes it (mutual TLS, gRPC), when asked. */
  answer?: number;
}

/** Calls `path` with an empty message on the plugin at `line` (its handshake), as go-plugin's client would. */
async function firstCall(line: string, path: string): Promise<void> {
  const [, , network, address, , der] = line.trim().split('|');
  const ca = `-----BEGIN CERTIFICATE-----\n${Buffer.from(der!, 'base64').toString('base64')}\n-----END CERTIFICATE-----\n`;
  const tlsOptions = { ca, cert: CLIENT.certPem, key: CLIENT.keyPem, servername: 'localhost', ALPNProtocols: ['h2'] };
  // go-plugin's own servers listen on a unix socket; ours on TCP.
  const session = connect('https://localhost', {
    createConnection: () =>
      tlsConnect(network === 'unix' ? { ...tlsOptions, path: address! } : { ...tlsOptions, host: address!.split(':')[0]!, port: Number(address!.split(':')[1]) }),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      session.once('error', reject);
      const call = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
      call.once('error', reject);
      call.once('trailers', (trailers) => (trailers['grpc-status'] === '0' ? resolve() : reject(new Error(`${path}: grpc-status ${String(trailers['grpc-status'])}`))));
      call.resume();
      call.end(Buffer.alloc(5));
    });
  } finally {
    session.destroy();
  }
}

/** One start: to the handshake line, and with `rpc` to that call's answer. */
async function startOnce(command: string, args: string[], env: NodeJS.ProcessEnv, rpc?: string): Promise<Start> {
  const start = performance.now();
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise((r) => child.once('exit', r));
  const line = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n') || !rpc) resolve(out);
    });
  });
  const handshake = performance.now() - start;
  const answer = rpc ? await firstCall(line, rpc).then(() => performance.now() - start) : undefined;
  // Let the provider write its compile cache (it flushes right after the handshake).
  await new Promise((r) => setTimeout(r, 150));
  child.kill();
  await exited;
  return { handshake, ...(answer === undefined ? {} : { answer }) };
}

// As Terraform launches it: the magic cookie and a client certificate, so AutoMTLS runs.
const CLIENT = selfSignedCertificate();
const HANDSHAKE_ENV = {
  TF_PLUGIN_MAGIC_COOKIE: 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2',
  PLUGIN_PROTOCOL_VERSIONS: '6',
  PLUGIN_CLIENT_CERT: CLIENT.certPem,
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Start-up on each Node.js of the matrix: the Go provider, a bare `node -e`, the provider without
 * Node's compile cache, and with it (warmed by a first start), and the baseline build if given.
 * Each is timed to its handshake line and to the answer of a first GetMetadata over mutual TLS
 * (what Terraform waits for). The variants take turns, run after run, so that the machine's noise
 * falls on all of them alike.
 */
async function startups(cookie: NodeJS.ProcessEnv, runs = 15): Promise<string> {
  const provider = join(BUILT, 'terraform-provider-warden');
  const nodes: [string, string][] = [
    [`${process.version} (this Node)`, process.execPath],
    ...ensureToolchain(['node22', 'node24']).map((n): [string, string] => [`v${n.version}`, n.path]),
  ];
  const metadata = '/tfplugin6.Provider/GetMetadata';
  const rows = [
    'Each cell: to the handshake line / to the answer of a first GetMetadata, in ms.',
    '',
    `| Node.js | Go provider (hashicorp/random ${RANDOM_PROVIDER.version}) | bare \`node -e\` | provider, no compile cache | provider, compile cache | cached / Go |${BASELINE ? ' baseline, compile cache | this build / baseline |' : ''}`,
    `|---|---|---|---|---|---|${BASELINE ? '---|---|' : ''}`,
  ];
  for (const [label, node] of nodes) {
    const cacheHome = mkdtempSync(join(tmpdir(), 'warden-bench-cache-'));
    const baselineCacheHome = mkdtempSync(join(tmpdir(), 'warden-bench-cache-'));
    const variants: Record<string, () => Promise<Start>> = {
      go: () => startOnce(toolPath('terraform-provider-random'), [], { ...cookie, PLUGIN_PROTOCOL_VERSIONS: '5' }, '/tfplugin5.Provider/GetMetadata'),
      bare: () => startOnce(node, ['-e', 'process.stdout.write("x")'], {}),
      plain: () => startOnce(node, [provider], { ...cookie, NODE_DISABLE_COMPILE_CACHE: '1' }, metadata),
      cached: () => startOnce(node, [provider], { ...cookie, XDG_CACHE_HOME: cacheHome }, metadata),
      ...(BASELINE ? { baseline: () => startOnce(node, [join(BASELINE, 'terraform-provider-warden')], { ...cookie, XDG_CACHE_HOME: baselineCacheHome }, metadata) } : {}),
    };
    const keys = Object.keys(variants);
    const starts: Record<string, Start[]> = Object.fromEntries(keys.map((k) => [k, []]));
    for (const key of keys) await variants[key]!();
    for (let i = 0; i < runs; i++) for (const key of keys) starts[key]!.push(await variants[key]!());
    for (const dir of [cacheHome, baselineCacheHome]) rmSync(dir, { recursive: true, force: true });
    const at = (key: string, field: keyof Start) => median(starts[key]!.map((s) => s[field] ?? NaN));
    const cell = (key: string) => (key === 'bare' ? at(key, 'handshake').toFixed(0) : `${at(key, 'handshake').toFixed(0)} / ${at(key, 'answer').toFixed(0)}`);
    const ratio = (key: string, to: string) => `**${(at(key, 'handshake') / at(to, 'handshake')).toFixed(2)}** / ${(at(key, 'answer') / at(to, 'answer')).toFixed(2)}`;
    const cells = [label, cell('go'), cell('bare'), cell('plain'), cell('cached'), ratio('cached', 'go'), ...(BASELINE ? [cell('baseline'), ratio('cached', 'baseline')] : [])];
    rows.push(`| ${cells.join(' | ')} |`);
  }
  return rows.join('\n') + '\n';
}

async function main(): Promise<void> {
  if (process.argv.includes('--startup')) {
    process.stdout.write(`Start-up, median of 15 runs taken in turns.\n\n${await startups(HANDSHAKE_ENV)}`);
    return;
  }
  // BENCH_SERVER_DATA_DIR puts the server's SQLite file elsewhere (a tmpfs, say), to see what its
  // synchronous commits cost.
  const dataDir = process.env.BENCH_SERVER_DATA_DIR ? mkdtempSync(join(process.env.BENCH_SERVER_DATA_DIR, 'warden-bench-')) : undefined;
  const server = await startServerProcess({ WARDEN_LOG_LEVEL: 'info', ...(dataDir ? { WARDEN_DATA_DIR: dataDir } : {}) });
  const out = process.stdout;
  try {
    for (const engine of ENGINES) out.write(await sideBySide(engine, server.url, server.adminToken));
  } finally {
    await server.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  out.write(`\nStart-up, median of 15 runs taken in turns.\n\n${await startups(HANDSHAKE_ENV)}`);
}

/** apply, plan, destroy: the floor, the Go peer and Warden (and the baseline), each step in turn, on one engine. */
async function sideBySide(engine: Engine, endpoint: string, token: string): Promise<string> {
  // The peers' configurations name no Warden provider, so the engine starts none for them.
  const floor = new TerraformWorkspace(engine, endpoint, token);
  writeFileSync(join(floor.dir, 'main.tf'), floorConfig);
  const go = withGoPeer(new TerraformWorkspace(engine, endpoint, token));
  writeFileSync(join(go.dir, 'main.tf'), goPeerConfig);
  const warden = new TerraformWorkspace(engine, endpoint, token).write(wardenConfig);
  const baseline = BASELINE ? withBaseline(new TerraformWorkspace(engine, endpoint, token).write(wardenConfig.replaceAll('bench-', 'baseline-')), BASELINE) : undefined;
  const workspaces = [floor, go, warden, ...(baseline ? [baseline] : [])];
  try {
    for (const ws of workspaces) await ws.init();
    // Each round is apply, plan and destroy on every workspace in turn; a step's figure is the
    // median of its rounds (the ratio, too, is taken per round), against the machine's noise.
    const steps = [
      ['apply', (w: TerraformWorkspace) => w.apply()],
      ['plan (all in state)', (w: TerraformWorkspace) => w.plan(0)],
      ['destroy', (w: TerraformWorkspace) => w.destroy()],
    ] as const;
    const seconds = steps.map(() => workspaces.map(() => [] as number[]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, [, run]] of steps.entries()) for (const [j, ws] of workspaces.entries()) seconds[i]![j]!.push(await timed(() => run(ws)));
    }
    const rows = steps.map(([step], i) => {
      const [f, g, w, b] = seconds[i]!;
      const ratio = (xs: number[]) => median(xs.map((x, r) => x / g![r]!)).toFixed(2);
      const cells = [median(f!).toFixed(1), median(g!).toFixed(1), median(w!).toFixed(1), `**${ratio(w!)}**`, median(w!.map((x, r) => x / f![r]!)).toFixed(2)];
      if (b) cells.push(median(b).toFixed(1), ratio(b), median(w!.map((x, r) => x / b[r]!)).toFixed(2));
      return `| ${step} | ${cells.join(' | ')} |`;
    });
    return [
      `\n${engine}: ${COUNT} service accounts + ${COUNT} role bindings + ${COUNT} tokens (${3 * COUNT} resources) vs ${3 * COUNT} random_id (Go, terraform-plugin-framework) vs ${3 * COUNT} terraform_data; median of ${ROUNDS} round(s)\n`,
      `| step | terraform_data (s) | random_id, Go (s) | warden (s) | warden / Go | warden / terraform_data |${baseline ? ' baseline (s) | baseline / Go | warden / baseline |' : ''}`,
      `|---|---|---|---|---|---|${baseline ? '---|---|---|' : ''}`,
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
