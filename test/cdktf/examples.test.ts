// Every example works with the real tools: the CDKTF stack through the real `cdktf synth --hcl`
// (the way off CDKTF) into HCL that Terraform and OpenTofu validate, and examples/hcl applied for real
// by each.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseOutputs } from '../../ci-secrets';
import { TEAMS } from './gitops-example';
import { type TestServer, startServer } from '../support/server';
import { ENGINES, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '..', '..');
const QUIET = { CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1', CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1' };

let server: TestServer;
let projects: Record<string, string>;
beforeAll(async () => {
  server = await startServer();
  projects = {};
  for (const team of TEAMS) projects[team] = (await server.client.createProject({ name: team })).id;
});
afterAll(() => server?.stop());

describe.each(ENGINES)('on %s', (engine) => {
  describe('examples/cdktf-gitops after `cdktf synth --hcl`', () => {
    let out: string;
    let terraform: TerraformWorkspace;
    beforeAll(async () => {
      out = mkdtempSync(join(tmpdir(), 'warden-synth-hcl-'));
      terraform = new TerraformWorkspace(engine, server.url, server.adminToken);
      await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth', '--hcl', '--output', out], {
        cwd: join(ROOT, 'examples', 'cdktf-gitops'),
        env: { ...process.env, ...QUIET, TF_CLI_CONFIG_FILE: join(terraform.dir, '.warden', 'terraform.rc') },
      });
    });
    afterAll(() => {
      for (const dir of [out, terraform?.dir]) if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('is plain HCL with the token outputs marked sensitive', () => {
      const hcl = readFileSync(join(out, 'stacks', 'warden', 'cdk.tf'), 'utf8');
      for (const team of TEAMS) {
        const start = hcl.indexOf(`output "${team}_deployer_token" {`);
        expect(start).toBeGreaterThanOrEqual(0);
        expect(hcl.slice(start, hcl.indexOf('\n}', start))).toMatch(/sensitive\s*=\s*true/);
      }
      expect(hcl).toMatch(/resource "warden_token" "payments_deployer_token_\w+" \{/);
    });

    test('the engine initializes it with the installed provider and finds it valid', async () => {
      copyFileSync(join(out, 'stacks', 'warden', 'cdk.tf'), join(terraform.dir, 'main.tf'));
      // The synthesized local backend points into the example directory; keep this run's state here.
      writeFileSync(join(terraform.dir, 'main.tf'), readFileSync(join(terraform.dir, 'main.tf'), 'utf8').replace(/backend "local" \{[^}]*\}/, ''));
      await terraform.init();
      expect((await terraform.ok(['validate', '-no-color'])).stdout).toContain('The configuration is valid.');
    });
  });

  describe('examples/hcl', () => {
    let terraform: TerraformWorkspace;
    beforeAll(async () => {
      terraform = new TerraformWorkspace(engine, server.url, server.adminToken);
      copyFileSync(join(ROOT, 'examples', 'hcl', 'main.tf'), join(terraform.dir, 'main.tf'));
      const teams = Object.fromEntries(TEAMS.map((team, i) => [team, { project_id: projects[team], role: 'editor', token_days: 30 * (i + 1) }]));
      writeFileSync(join(terraform.dir, 'terraform.tfvars.json'), JSON.stringify({ teams }));
      await terraform.init();
    });
    afterAll(() => {
      if (terraform) rmSync(terraform.dir, { recursive: true, force: true });
    });

    test('the tfvars example matches the variable the configuration declares', async () => {
      const ws = new TerraformWorkspace(engine, server.url, server.adminToken);
      try {
        copyFileSync(join(ROOT, 'examples', 'hcl', 'main.tf'), join(ws.dir, 'main.tf'));
        copyFileSync(join(ROOT, 'examples', 'hcl', 'terraform.tfvars.example'), join(ws.dir, 'terraform.tfvars'));
        await ws.init();
        expect((await ws.ok(['validate', '-no-color'])).stdout).toContain('The configuration is valid.');
        // Every team in the example is planned; the placeholders are not project ids the server knows.
        const plan = await ws.run(['plan', '-input=false', '-no-color', '-refresh=false']);
        expect(plan.stdout).toContain('warden_service_account.deployer["payments"] will be created');
      } finally {
        rmSync(ws.dir, { recursive: true, force: true });
      }
    });

    test('applies, plans no changes, hands out working tokens, and destroys cleanly', async () => {
      await terraform.apply();
      const outputs = parseOutputs(JSON.stringify(await terraform.outputs()));
      for (const team of TEAMS) {
        const me = await server.clientFor(outputs.get(`deployer_tokens.${team}`)!).whoami();
        expect(me).toEqual(expect.objectContaining({ user_type: 'service' }));
        expect(outputs.get(`deployer_tokens.${team}`)!.startsWith(outputs.get(`deployer_token_hints.${team}`)!)).toBe(true);
      }
      await terraform.plan(0);
      await terraform.destroy();
      expect((await server.client.listServiceAccounts({})).items).toEqual([]);
      expect((await server.client.listRoleBindings({})).items).toEqual([]);
    });
  });
});
