// End to end: examples/cdktf-gitops synthesized, applied by the real terraform through the real
// provider against the real server; the second plan is empty; destroy leaves nothing on the server.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { NotFoundError } from '../../api-client';
import { parseOutputs } from '../../ci-secrets';
import { GitopsStack, TEAMS } from '../../examples/cdktf-gitops/stack';
import { type TestServer, startServer } from '../support/server';
import { ENGINES, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(180_000);

describe.each(ENGINES)('examples/cdktf-gitops through %s and the provider', (engine) => {
  let server: TestServer;
  let terraform: TerraformWorkspace;
  let synthDir: string;

  beforeAll(async () => {
    server = await startServer();
    const projects: Record<string, string> = {};
    for (const { team, projectVariable } of TEAMS) projects[`TF_VAR_${projectVariable}`] = (await server.client.createProject({ name: team })).id;
    terraform = new TerraformWorkspace(engine, server.url, server.adminToken, projects);
    synthDir = mkdtempSync(join(tmpdir(), 'warden-cdktf-synth-'));
    const app = new App({ outdir: synthDir });
    new GitopsStack(app, 'warden', { statePath: join(terraform.dir, 'terraform.tfstate') });
    app.synth();
    copyFileSync(join(synthDir, 'stacks', 'warden', 'cdk.tf.json'), join(terraform.dir, 'cdk.tf.json'));
    await terraform.init();
  });
  afterAll(async () => {
    await server?.stop();
    for (const dir of [synthDir, terraform?.dir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('apply creates each team identity with its bindings and a working token', async () => {
    await terraform.apply();
    const accounts = (await server.client.listServiceAccounts({})).items;
    expect(accounts.map((a) => a.name).sort()).toEqual(TEAMS.map(({ team }) => `${team}-deployer`).sort());
    const outputs = parseOutputs(JSON.stringify(await terraform.outputs()));
    for (const { team, role } of TEAMS) {
      const account = accounts.find((a) => a.name === `${team}-deployer`)!;
      expect(account.teams).toContain(team);
      const bindings = (await server.client.listRoleBindings({ service_account_id: account.id })).items;
      const projectId = (await server.client.listProjects({})).items.find((p) => p.name === team)!.id;
      expect(bindings.map((b) => `${b.role}@${b.project_id ?? 'org'}`).sort()).toEqual([`${role}@${projectId}`, 'member@org'].sort());
      const secret = outputs.get(`${team}_deployer_token`)!;
      const hint = outputs.get(`${team}_deployer_token_hint`)!;
      expect(secret.startsWith(hint)).toBe(true);
      expect(await server.clientFor(secret).whoami()).toEqual(expect.objectContaining({ user_type: 'service', id: account.id }));
    }
  });

  test('the tokens are sensitive outputs: hidden by terraform output and absent from the server log', async () => {
    const { stdout } = await terraform.ok(['output', '-no-color']);
    for (const { team } of TEAMS) expect(stdout).toContain(`${team}_deployer_token = <sensitive>`);
    const outputs = await terraform.outputs();
    for (const { team } of TEAMS) expect(outputs[`${team}_deployer_token`]!.sensitive).toBe(true);
    for (const { team } of TEAMS) expect(server.logs()).not.toContain(String(outputs[`${team}_deployer_token`]!.value));
  });

  test('a second plan shows no changes', async () => {
    await terraform.plan(0);
  });

  test('destroy leaves no service account, binding or live token on the server', async () => {
    const accounts = (await server.client.listServiceAccounts({})).items;
    await terraform.destroy();
    expect((await server.client.listServiceAccounts({})).items).toEqual([]);
    expect((await server.client.listRoleBindings({})).items).toEqual([]);
    for (const account of accounts) {
      await expect(server.client.listServiceAccountTokens(account.id, {})).rejects.toBeInstanceOf(NotFoundError);
    }
  });
});
