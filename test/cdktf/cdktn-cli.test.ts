// The CDK Terrain CLI's own path, offline, on the Node 22 it needs (cdktn-cli requires 22.19+):
// `cdktn synth`, then `cdktn deploy --auto-approve --skip-provider-lock` of examples/cdktn-gitops
// through the installed provider against the real server and `cdktn destroy`, on each engine
// (OpenTofu the way cdktn runs it, with TERRAFORM_BINARY_NAME=tofu); and the example's
// cdktf.json `targetVersions` reaching the app's validators and the CLI's binary check.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { install } from '../../provider/terraform/install';
import { toolPath } from '../../scripts/toolchain';
import { runCommand } from '../support/run';
import { type TestServer, startServer } from '../support/server';
import { ENGINES, type Engine } from '../support/terraform';
import { TEAMS, expectDeployed, expectDestroyed, teamProjectVariables } from './gitops-example';

jest.setTimeout(240_000);

const ROOT = resolve(__dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'cdktn-gitops');
const CLI = join(ROOT, 'node_modules', 'cdktn-cli', 'bin', 'cdktn');
const { version: CDKTN_VERSION } = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'cdktn', 'package.json'), 'utf8')) as { version: string };
const { version: WARDEN_VERSION } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

interface Run {
  code: number | null;
  output: string;
}

let server: TestServer;
let teamVars: Record<string, string>;
const projects: string[] = [];

beforeAll(async () => {
  server = await startServer();
  teamVars = await teamProjectVariables(server);
});
afterAll(async () => {
  await server?.stop();
  for (const dir of projects) rmSync(dir, { recursive: true, force: true });
});

interface Project {
  dir: string;
  /** The Terraform CLI configuration pointing at the provider's filesystem mirror. */
  cliConfig: string;
}

/**
 * A fresh project per run (runs sharing a cdktf.out mix the engines' lock files): the example's
 * files linked so that their imports resolve, in an ignored directory inside the repository (so
 * `npx tsx` finds the repository's tsx), with its own cdktf.json, state and HOME.
 */
function project(name: string, options: { cdktfJson?: Record<string, unknown>; main?: string } = {}): Project {
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'test-artifacts', `cdktn-${name}-`));
  projects.push(dir);
  writeFileSync(join(dir, 'cdktf.json'), JSON.stringify(options.cdktfJson ?? exampleConfig(), null, 2));
  symlinkSync(join(EXAMPLE, 'stack.ts'), join(dir, 'stack.ts'));
  if (options.main) writeFileSync(join(dir, 'main.ts'), options.main);
  else symlinkSync(join(EXAMPLE, 'main.ts'), join(dir, 'main.ts'));
  return { dir, cliConfig: install(join(dir, '.warden')).cliConfig };
}

const exampleConfig = () => JSON.parse(readFileSync(join(EXAMPLE, 'cdktf.json'), 'utf8')) as Record<string, unknown>;

/** The CLI on Node 22, which is also first on PATH: for `npx tsx` (the app) and for the provider Terraform starts. */
function cdktn({ dir, cliConfig }: Project, args: string[], engine: Engine): Promise<Run> {
  const node = toolPath('node22');
  const env: NodeJS.ProcessEnv = {
    PATH: [dirname(node), dirname(toolPath(engine)), process.env.PATH ?? ''].join(delimiter),
    TERRAFORM_BINARY_NAME: engine,
    HOME: dir,
    CHECKPOINT_DISABLE: '1',
    DISABLE_VERSION_CHECK: '1',
    CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1',
    TF_CLI_CONFIG_FILE: cliConfig,
    WARDEN_ENDPOINT: server.url,
    WARDEN_TOKEN: server.adminToken,
    ...teamVars,
  };
  return runCommand(node, [CLI, ...args], { cwd: dir, env });
}

describe('cdktn synth of examples/cdktn-gitops', () => {
  let synth: Project;
  let run: Run;
  const stackJson = () => JSON.parse(readFileSync(join(synth.dir, 'cdktf.out', 'stacks', 'warden', 'cdk.tf.json'), 'utf8')) as unknown;
  beforeAll(async () => {
    // The example plus an ephemeral token (Terraform 1.10+, OpenTofu 1.11+): cdktn refuses it
    // under its default targets, so this synth passes only if cdktf.json's targetVersions reached the app.
    synth = project('synth', {
      main: `import { App } from 'cdktn';
import { EphemeralWardenToken } from '../../cdktn';
import { GitopsStack } from './stack';

const app = new App();
const stack = new GitopsStack(app, 'warden');
new EphemeralWardenToken(stack, 'run_token', { serviceAccountId: stack.identities[0]!.serviceAccount.id, expiresInDays: 1 });
app.synth();
`,
    });
    run = await cdktn(synth, ['synth'], ENGINES[0]!);
  });

  test('synthesizes the stack with cdktn: the identities, sensitive token outputs, the pinned provider', () => {
    expect({ code: run.code, tail: run.output.slice(-2000) }).toEqual({ code: 0, tail: expect.stringContaining('Generated Terraform code for the stacks: warden') });
    const doc = stackJson() as {
      '//': { metadata: { version: string } };
      resource: Record<string, Record<string, unknown>>;
      output: Record<string, { sensitive?: boolean }>;
      terraform: { required_providers: unknown };
    };
    // The synthesizer's own stamp: cdktn's, not cdktf's.
    expect(doc['//'].metadata.version).toBe(CDKTN_VERSION);
    expect(Object.keys(doc.resource.warden_service_account!)).toHaveLength(TEAMS.length);
    expect(Object.keys(doc.resource.warden_role_binding!)).toHaveLength(2 * TEAMS.length);
    for (const team of TEAMS) expect(doc.output[`${team}_deployer_token`]!.sensitive).toBe(true);
    expect(doc.terraform.required_providers).toEqual({ warden: { source: 'registry.terraform.io/warden/warden', version: WARDEN_VERSION } });
  });

  test('the ephemeral token passed the targetVersions check and is synthesized as an ephemeral block', () => {
    const doc = stackJson() as { ephemeral?: Record<string, Record<string, Record<string, unknown>>> };
    expect(doc.ephemeral?.warden_token?.run_token).toEqual(
      expect.objectContaining({ expires_in_days: 1, service_account_id: expect.stringMatching(/^\$\{warden_service_account\..+\.id\}$/) }),
    );
  });
});

describe.each(ENGINES)('cdktn deploy of examples/cdktn-gitops on %s', (engine) => {
  let deploy: Project;
  beforeAll(() => (deploy = project(`deploy-${engine}`)));

  test('deploys without a TTY or a registry, showing hints but no secret', async () => {
    await expectDeployed(server, await cdktn(deploy, ['deploy', '--auto-approve', '--skip-provider-lock'], engine));
  });

  test('destroys everything it deployed', async () => {
    await expectDestroyed(server, await cdktn(deploy, ['destroy', '--auto-approve', '--skip-provider-lock'], engine));
  });
});

test('with validateInstalledBinary, cdktn deploy refuses an engine outside the declared targetVersions and changes nothing', async () => {
  const engine = ENGINES[0]!;
  const product = engine === 'tofu' ? 'opentofu' : 'terraform';
  const config = exampleConfig();
  expect(config.validateInstalledBinary).toBe(true);
  // Declares only releases older than any engine Warden supports.
  const refused = project('refuse', { cdktfJson: { ...config, targetVersions: { [product]: '<1.11.0' } } });
  const { code, output } = await cdktn(refused, ['deploy', '--auto-approve', '--skip-provider-lock'], engine);
  expect(code).not.toBe(0);
  expect(output).toMatch(new RegExp(`outside the project's declared targetVersions\\.${product} range "<1\\.11\\.0"`));
  expect((await server.client.listServiceAccounts({})).items).toEqual([]);
});
