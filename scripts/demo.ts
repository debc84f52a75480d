// `npm run demo [-- --once] [-- --engine terraform|tofu]`: the reference server, the real provider and
// the CDKTF GitOps example, end to end.
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { App } from 'cdktf';
import { WardenClient } from '../api-client';
import { buildApp } from '../server/app';
import { generateSecret } from '../server/domain/secrets';
import { openStore } from '../server/store';
import { dotenv, parseOutputs, select, writePrivate } from '../ci-secrets';
import { GitopsStack, TEAMS } from '../examples/cdktf-gitops/stack';
import { TerraformWorkspace } from '../test/support/terraform';
import { ensureToolchain, locate } from './toolchain';

const ROOT = resolve(__dirname, '..');
// WARDEN_DEMO_DIR lets tests run the demo without touching the checkout's .warden/demo.
const DEMO_DIR = resolve(process.env.WARDEN_DEMO_DIR ?? join(ROOT, '.warden', 'demo'));
const { values: args } = parseArgs({ options: { once: { type: 'boolean', default: false }, engine: { type: 'string' } } });
const once = args.once;

/** The engine asked for; else the user's terraform; else OpenTofu, built by the toolchain if need be. */
function chooseEngine(): 'terraform' | 'tofu' {
  if (args.engine === 'terraform' || args.engine === 'tofu') return args.engine;
  if (args.engine !== undefined) throw new Error(`--engine must be terraform or tofu, not ${JSON.stringify(args.engine)}`);
  return locate('terraform') ? 'terraform' : 'tofu';
}

let step = 0;
async function progress<T>(title: string, work: () => Promise<T>): Promise<T> {
  step += 1;
  const started = Date.now();
  process.stdout.write(`[${step}] ${title} ... `);
  const result = await work();
  process.stdout.write(`done (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  return result;
}
const say = (line: string) => process.stdout.write(`    ${line}\n`);
/** Paths in the checkout are shown relative to it, others in full. */
const show = (path: string) => (path.startsWith(ROOT + '/') ? relative(ROOT, path) : path);

function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

async function main(): Promise<void> {
  const engine = chooseEngine();
  const { path: binary, version } = ensureToolchain([engine], say)[0]!;
  rmSync(DEMO_DIR, { recursive: true, force: true });
  mkdirSync(DEMO_DIR, { recursive: true });

  const adminToken = generateSecret();
  const { app, url } = await progress('Start the reference server (embedded SQLite store)', async () => {
    const store = await openStore({ dataDir: join(DEMO_DIR, 'data') });
    const server = await buildApp({ store, bootstrapToken: adminToken, logger: false });
    server.addHook('onClose', () => store.close());
    const port = (await portFree(8080)) ? 8080 : 0;
    await server.listen({ host: '127.0.0.1', port });
    return { app: server, url: `http://127.0.0.1:${(server.server.address() as { port: number }).port}` };
  });
  const adminTokenFile = join(DEMO_DIR, 'admin-token');
  writePrivate(adminTokenFile, `${adminToken}\n`);
  say(`listening on ${url}; admin token in ${show(adminTokenFile)} (mode 0600)`);
  const client = new WardenClient({ endpoint: url, token: adminToken });

  const projects = await progress('Create one project per team', async () => {
    const ids: Record<string, string> = {};
    for (const { team, projectVariable } of TEAMS) ids[projectVariable] = (await client.createProject({ name: team })).id;
    return ids;
  });

  const stackDir = await progress('Synthesize examples/cdktf-gitops', async () => {
    const outdir = join(DEMO_DIR, 'cdktf.out');
    const cdktf = new App({ outdir });
    new GitopsStack(cdktf, 'warden', { statePath: join(DEMO_DIR, 'terraform.warden.tfstate') });
    cdktf.synth();
    return join(outdir, 'stacks', 'warden');
  });

  // The same runner as the end-to-end tests: the engine's output is kept, not shown, and shown on failure (the engine redacts sensitive values).
  const projectVars = Object.fromEntries(Object.entries(projects).map(([name, id]) => [`TF_VAR_${name}`, id]));
  const terraform = await progress(
    'Install the Terraform provider into a local filesystem mirror',
    async () => new TerraformWorkspace(engine, url, adminToken, projectVars, stackDir),
  );
  say(`TF_CLI_CONFIG_FILE=${show(terraform.cliConfig)}`);
  await progress(`${engine} ${version} init (offline, from the mirror)`, () => terraform.init());
  await progress(`${engine} apply`, () => terraform.apply());

  await progress('Read back what was created (through the API)', async () => {
    for await (const account of client.paginate('listServiceAccounts', {})) {
      const bindings = [];
      for await (const b of client.paginate('listRoleBindings', { service_account_id: account.id })) bindings.push(`${b.role}@${b.project_id ? 'project' : 'org'}`);
      // A handful of tokens per account: the first page holds them all.
      const tokens = (await client.listServiceAccountTokens(account.id, {})).items.map((t) => `${t.name} ${t.token_hint}… expires ${t.expires_at?.slice(0, 10) ?? 'never'}`);
      say(`${account.user_name}  roles: ${bindings.join(', ')}  tokens: ${tokens.join('; ')}`);
    }
  });

  const ciEnv = join(DEMO_DIR, 'ci.env');
  await progress('Write the CI tokens to a 0600 dotenv file (as examples/ci-secrets does)', async () => {
    // Kept in memory: the outputs hold the secrets.
    const outputs = parseOutputs((await terraform.ok(['output', '-json'])).stdout);
    writePrivate(
      ciEnv,
      dotenv(
        select(
          outputs,
          TEAMS.map(({ team }) => ({ output: `${team}_deployer_token`, key: `${team.toUpperCase()}_WARDEN_TOKEN` })),
        ),
      ),
    );
  });
  say(`${show(ciEnv)} (mode 0600; the secrets were never printed)`);

  const { code } = await progress(`${engine} plan again`, () => terraform.run(['plan', '-detailed-exitcode', '-input=false', '-no-color']));
  if (code !== 0) throw new Error('the second plan is not empty: the provider did not converge');
  say('No changes. Your infrastructure matches the configuration.');

  if (once) {
    await progress(`${engine} destroy`, () => terraform.destroy());
    await progress('Check through the API that nothing is left', async () => {
      const left = (await client.listServiceAccounts({})).items.length;
      if (left !== 0) throw new Error(`${left} service accounts are left after destroy`);
    });
    await client.close();
    await app.close();
    rmSync(DEMO_DIR, { recursive: true, force: true });
    process.stdout.write('Demo complete.\n');
    return;
  }
  process.stdout.write(
    `\nWarden is running at ${url}. Try:\n  WARDEN_ENDPOINT=${url} WARDEN_TOKEN=$(cat ${show(adminTokenFile)}) ${binary} -chdir=${show(stackDir)} plan\nPress Ctrl-C to stop.\n`,
  );
  await new Promise<void>((res) => process.once('SIGINT', res));
  await client.close();
  await app.close();
  process.stdout.write('\nStopped. State and files stay in .warden/demo until the next run.\n');
}

main().catch((err: unknown) => {
  process.stdout.write('failed\n');
  process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
