/**
 * `npm run bench:terraform`: terraform-provider-warden next to Terraform's floor, the built-in
 * `terraform_data` resource (no plugin at all), with the same counts, side by side in one run:
 * apply, plan with everything in state, destroy. Also the provider's start-up time to its
 * handshake next to a bare `node` start. Not a test: it asserts nothing; figures are ratios.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
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

/** Milliseconds from spawn to the first stdout bytes (the handshake line), median of `runs`. */
async function startup(args: string[], env: NodeJS.ProcessEnv, runs = 15): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((r) => child.stdout.once('data', () => r()));
    times.push(performance.now() - start);
    child.kill();
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

async function main(): Promise<void> {
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

    // As Terraform launches it: the magic cookie and a client certificate, so AutoMTLS runs.
    const cookie = {
      TF_PLUGIN_MAGIC_COOKIE: 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2',
      PLUGIN_PROTOCOL_VERSIONS: '6',
      PLUGIN_CLIENT_CERT: selfSignedCertificate().certPem,
    };
    const bare = await startup(['-e', 'process.stdout.write("x")'], {});
    const provider = await startup([join(ROOT, 'dist', 'terraform-provider', 'terraform-provider-warden')], cookie);

    const out = process.stdout;
    out.write(`\n${COUNT} service accounts + ${COUNT} role bindings + ${COUNT} tokens (${3 * COUNT} resources) vs ${3 * COUNT} terraform_data\n\n`);
    out.write('| step | terraform_data (s) | warden (s) | ratio |\n|---|---|---|---|\n');
    for (const [step, f, w] of rows) out.write(`| ${step} | ${f.toFixed(1)} | ${w.toFixed(1)} | **${(w / f).toFixed(2)}** |\n`);
    out.write(`\n| start-up to first stdout line (median of 15) | ms |\n|---|---|\n| bare \`node -e\` | ${bare.toFixed(0)} |\n| terraform-provider-warden (handshake) | ${provider.toFixed(0)} |\n| provider's own cost | **${(provider - bare).toFixed(0)}** |\n`);
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:terraform: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
