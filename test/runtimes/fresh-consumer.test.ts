// The package as a user on this Node.js gets it: `npm pack`, then `npm install` of the tarball into
// an empty project from the registry (building better-sqlite3 against this Node's headers), then
// its server serving, its provider installed and run by the real terraform on this Node, and its
// client and Pulumi entry points loading. `npm run test:runtimes` runs this on Node 22 and 24 too.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { generateSecret } from '../../server/domain/secrets';
import { type ProcessServer, ROOT, startServerProcess } from '../support/server';
import { PROVIDER_BLOCK } from '../support/terraform';
import { toolPath } from '../../scripts/toolchain';

jest.setTimeout(600_000);

const exec = promisify(execFile);
/** This Node first on PATH; node-gyp builds against its own headers, never downloaded ones. */
const env = {
  ...process.env,
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
  npm_config_nodedir: dirname(dirname(process.execPath)),
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

describe(`warden-iac installed from its tarball on Node.js ${process.version}`, () => {
  let project: string;
  let pkg: string;
  let server: ProcessServer | undefined;

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'warden-consumer-'));
    const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], { cwd: ROOT, env });
    const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('['))) as [{ filename: string }];
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    await exec('npm', ['install', '--no-save', '--prefer-offline', join(project, filename)], { cwd: project, env });
    pkg = join(project, 'node_modules', 'warden-iac');
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(project, { recursive: true, force: true });
  });

  test('its server serves from the embedded store, with better-sqlite3 built for this Node', async () => {
    server = await startServerProcess({ WARDEN_BOOTSTRAP_TOKEN: generateSecret() }, [join(pkg, 'dist', 'server', 'cli.js')]);
    await expect(server.client.whoami()).resolves.toMatchObject({ user_type: 'user' });
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  });

  test('its client and its Pulumi entry point load from the package exports', async () => {
    const script = `const { WardenClient } = require('warden-iac/api-client'); const pulumi = require('warden-iac/pulumi/providers');
process.stdout.write(JSON.stringify({ client: typeof WardenClient, providers: Object.keys(pulumi).sort(), node: process.version }));`;
    // @pulumi/pulumi is an optional peer: the providers module must load without it.
    const { stdout } = await exec(process.execPath, ['-e', script], { cwd: project, env });
    expect(JSON.parse(stdout)).toEqual({
      client: 'function',
      providers: ['federatedCredentialProvider', 'roleBindingProvider', 'serviceAccountProvider', 'tokenProvider'],
      node: process.version,
    });
  });

  test("its secret-scanner rules resolve by the package's subpaths, as the docs configure them", async () => {
    const script = `for (const f of ['gitleaks.toml', 'secretlint-rule-warden.js', 'github-secret-scanning.json']) require.resolve('warden-iac/scanners/' + f);
process.stdout.write(String(require('warden-iac/scanners/secretlint-rule-warden.js').creator.meta.id));`;
    const { stdout } = await exec(process.execPath, ['-e', script], { cwd: project, env });
    expect(stdout).toBe('warden-iac/secretlint-rule-warden');
  });

  test('its provider, installed by `warden-terraform install`, applies and destroys on this Node', async () => {
    const dir = join(project, 'tf');
    const { stdout } = await exec(process.execPath, [join(pkg, 'dist', 'provider', 'terraform', 'install.js'), 'install', '--dir', join(dir, '.warden')], { cwd: project, env });
    const cliConfig = /^TF_CLI_CONFIG_FILE=(.+)$/m.exec(stdout)![1]!;
    writeFileSync(
      join(dir, 'main.tf'),
      `${PROVIDER_BLOCK}
resource "warden_service_account" "bot" {
  name = "consumer-bot"
}
resource "warden_token" "bot" {
  service_account_id = warden_service_account.bot.id
  name               = "ci"
  expires_in_days    = 7
}
`,
    );
    const tfEnv = { ...env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', WARDEN_ENDPOINT: server!.url, WARDEN_TOKEN: server!.adminToken };
    const terraform = (...args: string[]) => exec(toolPath('terraform'), [...args, '-no-color'], { cwd: dir, env: tfEnv });
    await terraform('init', '-input=false');
    await terraform('apply', '-auto-approve', '-input=false');
    expect((await server!.client.listServiceAccounts({})).items.map((a) => a.name)).toEqual(['consumer-bot']);
    await terraform('destroy', '-auto-approve', '-input=false');
    expect((await server!.client.listServiceAccounts({})).items).toEqual([]);
    // The server buffers its log lines; stopping it flushes them.
    await server!.stop();
    expect(server!.logs()).toContain(` node/${process.version}"`);
    server = undefined;
  });
});
