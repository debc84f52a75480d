// The CDKTF CLI's own path, offline: `cdktf deploy --auto-approve --skip-provider-lock` of
// examples/cdktf-gitops through the installed provider against the real server, then `cdktf destroy`;
// on OpenTofu the way CDKTF runs it, with TERRAFORM_BINARY_NAME=tofu.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { install } from '../../provider/terraform/install';
import { toolPath } from '../../scripts/toolchain';
import { runCommand } from '../support/run';
import { type TestServer, startServer } from '../support/server';
import { ENGINES } from '../support/terraform';
import { expectDeployed, expectDestroyed, teamProjectVariables } from './gitops-example';

jest.setTimeout(240_000);

const ROOT = resolve(__dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'cdktf-gitops');

function cdktf(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return runCommand(join(ROOT, 'node_modules', '.bin', 'cdktf'), args, { cwd, env });
}

describe.each(ENGINES)('cdktf deploy of examples/cdktf-gitops on %s', (engine) => {
  let server: TestServer;
  let project: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = await startServer();
    // The project is the example itself (its files linked, so its imports resolve), in an ignored
    // directory inside the repository (so `npx tsx` finds the repository's tsx), with its own state.
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    project = mkdtempSync(join(ROOT, 'test-artifacts', 'cdktf-deploy-'));
    copyFileSync(join(EXAMPLE, 'cdktf.json'), join(project, 'cdktf.json'));
    for (const file of ['main.ts', 'stack.ts']) symlinkSync(join(EXAMPLE, file), join(project, file));
    const { cliConfig } = install(join(project, '.warden'));
    env = {
      PATH: `${dirname(toolPath(engine))}:${process.env.PATH}`,
      TERRAFORM_BINARY_NAME: engine,
      HOME: project,
      CHECKPOINT_DISABLE: '1',
      DISABLE_VERSION_CHECK: '1',
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1',
      TF_CLI_CONFIG_FILE: cliConfig,
      WARDEN_ENDPOINT: server.url,
      WARDEN_TOKEN: server.adminToken,
    };
    Object.assign(env, await teamProjectVariables(server));
  });
  afterAll(async () => {
    await server?.stop();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  test('deploys without a TTY or a registry, showing hints but no secret', async () => {
    await expectDeployed(server, await cdktf(project, ['deploy', '--auto-approve', '--skip-provider-lock'], env));
  });

  test('destroys everything it deployed', async () => {
    await expectDestroyed(server, await cdktf(project, ['destroy', '--auto-approve', '--skip-provider-lock'], env));
  });
});
