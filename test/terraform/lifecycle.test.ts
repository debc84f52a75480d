import { existsSync, readdirSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { steps } from '../support/steps';
import { ENGINES, resourceOf } from '../support/terraform';

// The provider's lifecycle step by step, the way terraform-plugin-framework acceptance tests run
// (test/support/steps.ts): the real terraform binary, the real provider, the real server.

const config = (o: { description: string; project?: string; scopes?: string }) => `
provider "warden" {}

resource "warden_service_account" "ci" {
  name        = "ci-bot"
  description = "${o.description}"
  teams       = ["platform"]
  ${o.project ? `project_id = "${o.project}"` : ''}
}

resource "warden_role_binding" "ci" {
  service_account_id = warden_service_account.ci.id
  role               = "editor"
}

resource "warden_token" "ci" {
  service_account_id = warden_service_account.ci.id
  name               = "deploy"
  expires_in_days    = 30
  scopes             = ${o.scopes ?? '["api"]'}
}

data "warden_role" "editor" {
  name = "editor"
}

data "warden_service_account" "by_name" {
  name       = warden_service_account.ci.name
  project_id = warden_service_account.ci.project_id
}

output "token" {
  value     = warden_token.ci.token
  sensitive = true
}
output "user_name" { value = data.warden_service_account.by_name.user_name }
output "editor_can" { value = data.warden_role.editor.permissions }
`;

const deploys = config({ description: 'deploys' });
const webApp = config({ description: 'deploys the web app' });
const replaced = config({ description: 'deploys the web app', scopes: '["api", "scim"]' });

for (const engine of ENGINES) {
  steps(`terraform-provider-warden with the real ${engine}`, {
    engine,
    steps: [
      {
        title: 'apply creates the account, its binding and a working token',
        config: deploys,
        // The next step asserts the empty plan.
        emptyPlanAfter: false,
        async check({ tf, server, values }) {
          const sa = await values('warden_service_account.ci');
          expect(sa).toMatchObject({ name: 'ci-bot', description: 'deploys', teams: ['platform'], user_name: 'ci-bot@service', disabled: false });
          expect(await server.client.getServiceAccount(sa.id as string)).toMatchObject({ name: 'ci-bot', teams: ['public', 'platform'] });

          const outputs = await tf.outputs();
          expect(outputs.token!.sensitive).toBe(true);
          const secret = outputs.token!.value as string;
          expect(await server.clientFor(secret).whoami()).toMatchObject({ user_type: 'service', id: sa.id });
          expect(outputs.user_name!.value).toBe('ci-bot@service');
          expect(outputs.editor_can!.value).toEqual(expect.arrayContaining(['service_accounts:write', 'tokens:write']));
        },
      },
      {
        title: 'the provider runs on the Node.js that runs these tests and says so in its user agent',
        check({ server }) {
          const agents = server
            .logs()
            .split('\n')
            .filter((line) => line.includes('"ua":"terraform-provider-warden/'));
          expect(agents.length).toBeGreaterThan(0);
          for (const line of agents) expect(line).toContain(` node/${process.version}"`);
        },
      },
      {
        title: 'on Node.js 22 and later the provider keeps its compiled code in the user cache; on 20 there is none',
        check({ tf }) {
          const cache = join(tf.dir, '.cache', 'warden', 'node-compile-cache');
          const supported = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
          expect(existsSync(cache) && readdirSync(cache).length > 0).toBe(supported);
        },
      },
      {
        title: 'source "warden/warden" resolves to the engine\'s own registry host, served from the mirror',
        async check({ state }) {
          const host = engine === 'tofu' ? 'registry.opentofu.org' : 'registry.terraform.io';
          expect(resourceOf(await state(), 'warden_service_account.ci').provider_name).toBe(`${host}/warden/warden`);
        },
      },
      {
        title: 'the secret is only in sensitive values',
        async check({ tf, state }) {
          const token = resourceOf(await state(), 'warden_token.ci');
          expect(token.sensitive_values).toMatchObject({ token: true });
          const { stdout } = await tf.ok(['show', '-no-color']);
          expect(stdout).toContain('token              = (sensitive value)');
          expect(stdout).not.toContain(token.values.token as string);
        },
      },
      {
        title: 'a second plan shows no changes',
        async check({ tf }) {
          await tf.plan(0);
        },
      },
      (() => {
        let before: unknown;
        return {
          title: 'changing an updatable attribute updates in place',
          config: webApp,
          async before({ values }) {
            before = (await values('warden_service_account.ci')).id;
          },
          plan({ json }) {
            expect(json.resource_changes!.find((c) => c.address === 'warden_service_account.ci')!.change.actions).toEqual(['update']);
          },
          async check({ server, values }) {
            const sa = await values('warden_service_account.ci');
            expect(sa.id).toBe(before);
            expect((await server.client.getServiceAccount(sa.id as string)).description).toBe('deploys the web app');
          },
        };
      })(),
      {
        title: 'changing a forcing attribute replaces, and the plan says which',
        config: replaced,
        plan({ json, output }) {
          const change = json.resource_changes!.find((c) => c.address === 'warden_token.ci')!;
          expect(change.change.actions).toEqual(['delete', 'create']);
          expect(change.change.replace_paths).toEqual([['scopes']]);
          expect(output).toContain('# forces replacement');
        },
        async check({ server, values }) {
          const token = await values('warden_token.ci');
          expect(token.scopes).toEqual(['api', 'scim']);
          const live = await server.client.listServiceAccountTokens(token.service_account_id as string);
          expect(live.items.filter((t) => t.state === 'active').map((t) => t.id)).toEqual([token.id]);
        },
      },
      {
        title: 'import by id rebuilds the same state, except the unrecoverable secret',
        async check({ tf, state }) {
          const before = await state();
          const sa = resourceOf(before, 'warden_service_account.ci').values;
          const binding = resourceOf(before, 'warden_role_binding.ci').values;
          const token = resourceOf(before, 'warden_token.ci').values;
          for (const address of ['warden_service_account.ci', 'warden_role_binding.ci', 'warden_token.ci']) await tf.ok(['state', 'rm', address]);

          await tf.ok(['import', '-no-color', 'warden_service_account.ci', sa.id as string]);
          await tf.ok(['import', '-no-color', 'warden_role_binding.ci', binding.id as string]);
          await tf.ok(['import', '-no-color', 'warden_token.ci', `${sa.id as string}/${token.id as string}`]);

          const after = await state();
          expect(resourceOf(after, 'warden_service_account.ci').values).toEqual(sa);
          expect(resourceOf(after, 'warden_role_binding.ci').values).toEqual(binding);
          const imported = resourceOf(after, 'warden_token.ci').values;
          expect(imported).toMatchObject({ id: token.id, name: 'deploy', token_hint: token.token_hint, token: null });
          // Only what the server does not store (expires_in_days, overlap) is written back, without a rotation.
          const plan = await tf.planJson();
          const change = plan.resource_changes!.find((c) => c.address === 'warden_token.ci')!;
          expect(change.change.actions).toEqual(['update']);
          await tf.apply();
          expect(resourceOf(await state(), 'warden_token.ci').values.token_hint).toBe(token.token_hint);
          await tf.plan(0);
        },
      },
      {
        title: 'a bad argument is refused before anything changes, naming the attribute',
        config: config({ description: 'x' }).replace('name               = "deploy"', 'name               = "Deploy Token"'),
        expectError: ['Invalid value for "name"', 'must be 1-63 characters', /on main\.tf line \d+, in resource "warden_token" "ci":/],
        // Nothing changed: the last applied configuration still plans empty.
        async check({ tf }) {
          await tf.plan(0);
        },
      },
      {
        title: 'conflicting arguments are refused before anything changes',
        config: config({ description: 'x' }).replace('expires_in_days    = 30', 'expires_in_days = 30\n  expires_at = "2030-01-01T00:00:00Z"'),
        expectError: ['Invalid value for "expires_at"', '"expires_at" cannot be given with "expires_in_days"'],
      },
      {
        title: 'a refusal by the server reads as terraform-plugin-framework words it: the operation, what to do, the original error and the request id once, on the attribute',
        async check({ tf, server, state }) {
          tf.write(`${replaced}\nresource "warden_role_binding" "ghost" {\n  service_account_id = warden_service_account.ci.id\n  role               = "no-such-role"\n}\n`);
          const refused = await tf.run(['apply', '-auto-approve', '-input=false', '-no-color', '-target=warden_role_binding.ghost']);
          expect(refused.code).toBe(1);
          expect(refused.stderr).toContain('Error: Unable to create warden_role_binding');
          expect(refused.stderr).toContain('with warden_role_binding.ghost');
          expect(refused.stderr).toMatch(/role\s+=\s+"no-such-role"/);
          expect(refused.stderr).toMatch(/The server refused the value of\s+"role"/);
          expect(refused.stderr).toMatch(/Original error: POST\s+\/v1\/role-bindings\s+failed\s+with\s+400/);
          expect(refused.stderr).toContain('WARDEN_ERR_VALIDATION');
          expect(refused.stderr.match(/request id/gi)).toHaveLength(1);
          expect(await server.client.listRoleBindings({ service_account_id: resourceOf(await state(), 'warden_service_account.ci').values.id as string })).toMatchObject({
            items: [{ role: 'editor' }],
          });
          tf.write(replaced);
        },
      },
      {
        title: 'provider configuration errors name the setting',
        config: 'provider "warden" {\n  endpoint = "ftp://nowhere"\n}\nresource "warden_service_account" "x" {\n  name = "x"\n}\n',
        expectError: ['Invalid Warden endpoint', '"endpoint" must be an http or https URL'],
      },
    ],
    async destroyed({ server }, made) {
      const saId = made.find((m) => m.address === 'warden_service_account.ci')!.values.id as string;
      const accounts = await server.client.listServiceAccounts({ name: 'ci-bot' });
      expect(accounts.items).toEqual([]);
      expect((await server.client.listRoleBindings({ service_account_id: saId })).items).toEqual([]);
    },
  });
}
