// The construct assertions, written once and run for each library (constructs.test.ts for cdktf,
// cdktn-constructs.test.ts for CDK Terrain) against that library's build of the same construct code.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type * as Cdktf from 'cdktf';
import type * as Warden from '../../constructs';
import type * as Gitops from '../../examples/cdktf-gitops/stack';

export interface Flavour {
  /**
   * The library, typed as cdktf's. cdktn has the same API, but TypeScript sees separate
   * declarations (the reason each library gets its own build, see cdktn-consumer.test.ts), so its
   * modules are passed as cdktf's here and the assertions run against cdktn's own objects.
   */
  lib: typeof Cdktf;
  /** Warden's constructs built for the library: constructs/ or cdktn/. */
  warden: typeof Warden;
  /** The library's GitOps example: examples/cdktf-gitops or examples/cdktn-gitops. */
  example: typeof Gitops & { dir: string };
}

export function describeConstructs({ lib, warden, example }: Flavour): void {
  const { Testing, TerraformStack, TerraformVariable } = lib;
  const { DataWardenRole, DataWardenServiceAccount, FederatedCredential, MachineIdentity, RoleBinding, ServiceAccount, Token, WardenProvider } = warden;
  const { GitopsStack, TEAMS } = example;
  type MachineIdentityConfig = Warden.MachineIdentityConfig;

  const { version } = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };

  const synth = (build: (stack: Cdktf.TerraformStack) => void) =>
    Testing.synthScope((scope) => {
      new WardenProvider(scope, 'warden', { endpoint: 'http://127.0.0.1:1' });
      build(scope as Cdktf.TerraformStack);
    });

  function validationErrors(config: MachineIdentityConfig): string[] {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    new WardenProvider(stack, 'warden', {});
    new MachineIdentity(stack, 'ci', config);
    try {
      app.synth();
      return [];
    } catch (err) {
      return String((err as Error).message).split('\n');
    }
  }

  describe('generated bindings', () => {
    test('ServiceAccount synthesizes warden_service_account with snake_case attributes', () => {
      const out = synth((s) => new ServiceAccount(s, 'sa', { name: 'deployer', displayName: 'Deployer', teams: ['payments'], projectId: 'p1' }));
      expect(out).toHaveResourceWithProperties(ServiceAccount, { name: 'deployer', display_name: 'Deployer', teams: ['payments'], project_id: 'p1' });
    });

    test('RoleBinding synthesizes warden_role_binding', () => {
      const out = synth((s) => new RoleBinding(s, 'rb', { serviceAccountId: 'sa1', role: 'editor', projectId: 'p1' }));
      expect(out).toHaveResourceWithProperties(RoleBinding, { service_account_id: 'sa1', role: 'editor', project_id: 'p1' });
    });

    test('Token synthesizes warden_token with rotation settings', () => {
      const out = synth(
        (s) => new Token(s, 't', { serviceAccountId: 'sa1', name: 'ci', expiresInDays: 30, rotateBeforeDays: 7, overlapSeconds: 60, rotationTriggers: { g: '1' } }),
      );
      expect(out).toHaveResourceWithProperties(Token, { name: 'ci', expires_in_days: 30, rotate_before_days: 7, overlap_seconds: 60, rotation_triggers: { g: '1' } });
    });

    test('FederatedCredential synthesizes warden_federated_credential; WardenProvider takes the keyless settings', () => {
      const out = synth((s) => {
        new WardenProvider(s, 'keyless', { alias: 'keyless', oidcTokenFile: '/var/run/secrets/warden/token', serviceAccount: 'gitops-deployer' });
        new FederatedCredential(s, 'gh', {
          serviceAccountId: 'sa1',
          name: 'github-main',
          issuer: 'https://token.actions.githubusercontent.com',
          audience: 'warden',
          subject: 'repo:acme/infra:ref:refs/heads/main',
          claims: { repository: 'acme/infra' },
          maxTokenLifetimeSeconds: 900,
        });
      });
      expect(out).toHaveResourceWithProperties(FederatedCredential, {
        service_account_id: 'sa1',
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'repo:acme/infra:ref:refs/heads/main',
        claims: { repository: 'acme/infra' },
        max_token_lifetime_seconds: 900,
      });
      expect(JSON.parse(out).provider.warden).toEqual(
        expect.arrayContaining([expect.objectContaining({ alias: 'keyless', oidc_token_file: '/var/run/secrets/warden/token', service_account: 'gitops-deployer' })]),
      );
    });

    test('WardenProvider is the warden/warden provider, pinned to the version shipped with the bindings', () => {
      const out = synth(() => undefined);
      expect(out).toHaveProviderWithProperties(WardenProvider, { endpoint: 'http://127.0.0.1:1' });
      expect((JSON.parse(out) as { terraform: unknown }).terraform).toEqual({ required_providers: { warden: { source: 'registry.terraform.io/warden/warden', version } } });
    });

    test('the sensitive computed `token` attribute can be referenced (the generator keeps its getter)', () => {
      let token!: Warden.Token;
      synth((s) => (token = new Token(s, 't', { serviceAccountId: 'sa1', name: 'ci' })));
      expect(token.token).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    });

    test('DataWardenServiceAccount and DataWardenRole synthesize the data sources', () => {
      const out = synth((s) => {
        const sa = new DataWardenServiceAccount(s, 'sa', { name: 'deployer', projectId: 'p1' });
        const role = new DataWardenRole(s, 'role', { name: 'editor' });
        new RoleBinding(s, 'rb', { serviceAccountId: sa.id, role: role.name });
      });
      expect(out).toHaveDataSourceWithProperties(DataWardenServiceAccount, { name: 'deployer', project_id: 'p1' });
      expect(out).toHaveDataSourceWithProperties(DataWardenRole, { name: 'editor' });
      expect(out).toHaveResourceWithProperties(RoleBinding, { service_account_id: '${data.warden_service_account.sa.id}', role: '${data.warden_role.role.name}' });
    });
  });

  describe('MachineIdentity', () => {
    const config: MachineIdentityConfig = {
      name: 'payments-deployer',
      teams: ['payments'],
      roles: [{ role: 'editor', projectId: 'proj1' }, { role: 'member' }],
      token: { expiresInDays: 30, rotateBeforeDays: 5, overlapSeconds: 120 },
    };

    test('creates the account, a binding per role at its scope, and a rotating token', () => {
      const out = synth((s) => new MachineIdentity(s, 'payments', config));
      expect(out).toHaveResourceWithProperties(ServiceAccount, { name: 'payments-deployer', teams: ['payments'] });
      expect(out).toHaveResourceWithProperties(RoleBinding, { role: 'editor', project_id: 'proj1' });
      const bindings = Object.values((JSON.parse(out) as { resource: Record<string, Record<string, Record<string, unknown>>> }).resource.warden_role_binding!);
      expect(bindings.find((b) => b.role === 'member')).not.toHaveProperty('project_id');
      expect(out).toHaveResourceWithProperties(Token, { name: 'ci', scopes: ['api'], expires_in_days: 30, rotate_before_days: 5, overlap_seconds: 120 });
    });

    test('the token is a sensitive output; its hint is not', () => {
      const outputs = (JSON.parse(synth((s) => new MachineIdentity(s, 'payments', config))) as { output: Record<string, { sensitive?: boolean; value: string }> }).output;
      expect(outputs.payments_token).toEqual(expect.objectContaining({ sensitive: true, value: expect.stringMatching(/^\$\{warden_token\..*\.token\}$/) }));
      expect(outputs.payments_token_hint!.sensitive).toBeUndefined();
      expect(outputs.payments_token_hint!.value).toMatch(/\.token_hint\}$/);
    });

    test('token defaults: "ci", api scope, 90 days, rotated 14 days before expiry, one hour of overlap', () => {
      const out = synth((s) => new MachineIdentity(s, 'ops', { name: 'ops' }));
      expect(out).toHaveResourceWithProperties(Token, { name: 'ci', scopes: ['api'], expires_in_days: 90, rotate_before_days: 14, overlap_seconds: 3600 });
    });

    test('a short lifetime gets a rotation window shorter than itself', () => {
      const out = synth((s) => new MachineIdentity(s, 'ops', { name: 'ops', token: { expiresInDays: 7 } }));
      expect(out).toHaveResourceWithProperties(Token, { expires_in_days: 7, rotate_before_days: 6 });
      expect(validationErrors({ name: 'ops', token: { expiresInDays: 1 } })).toEqual([]);
    });

    test('tokenOutputName names the outputs; provider is passed to every resource', () => {
      const doc = JSON.parse(
        synth((s) => {
          const eu = new WardenProvider(s, 'eu', { alias: 'eu', endpoint: 'http://127.0.0.1:2' });
          new MachineIdentity(s, 'x', { name: 'deployer', roles: [{ role: 'member' }], tokenOutputName: 'ci_token', provider: eu });
        }),
      ) as { output: Record<string, unknown>; resource: Record<string, Record<string, { provider?: string }>> };
      expect(Object.keys(doc.output).sort()).toEqual(['ci_token', 'ci_token_hint']);
      const providers = Object.values(doc.resource).flatMap((byName) => Object.values(byName).map((r) => r.provider));
      expect(providers).toEqual(['warden.eu', 'warden.eu', 'warden.eu']);
    });

    test('allowedCidrs bind the account and the token, and maxUnusedDays limits the token', () => {
      const out = synth((s) => new MachineIdentity(s, 'net', { name: 'net', allowedCidrs: ['10.0.0.0/8'], token: { allowedCidrs: ['10.1.0.0/16'], maxUnusedDays: 30 } }));
      expect(out).toHaveResourceWithProperties(ServiceAccount, { name: 'net', allowed_cidrs: ['10.0.0.0/8'] });
      expect(out).toHaveResourceWithProperties(Token, { allowed_cidrs: ['10.1.0.0/16'], max_unused_days: 30 });
    });

    test('token: false creates no token and no output', () => {
      const doc = JSON.parse(synth((s) => new MachineIdentity(s, 'ro', { name: 'reader', token: false }))) as Record<string, Record<string, unknown>>;
      expect(doc.resource!.warden_token).toBeUndefined();
      expect(doc.output).toBeUndefined();
    });

    test('valid props pass validation', () => {
      expect(validationErrors(config)).toEqual([]);
    });

    test.each<[string, Partial<MachineIdentityConfig>, string]>([
      ['a bad name', { name: 'Payments Deployer' }, 'MachineIdentity: name: must be 1-63 characters of a-z, 0-9, "-" or "_", starting with a letter'],
      ['a bad team', { teams: ['ok', '!x'] }, 'MachineIdentity: teams[1]: must be a team name'],
      ['an empty role', { roles: [{ role: '' }] }, 'MachineIdentity: roles[0].role: Too small'],
      ['an empty projectId', { roles: [{ role: 'editor', projectId: '' }] }, 'MachineIdentity: roles[0].projectId: Too small'],
      ['a duplicate binding', { roles: [{ role: 'editor' }, { role: 'editor' }] }, 'MachineIdentity: roles[1]: repeats role "editor" at the same scope; remove the duplicate'],
      ['a lifetime out of range', { token: { expiresInDays: 0 } }, 'MachineIdentity: token.expiresInDays: Too small: expected number to be >=1'],
      [
        'a rotation window as long as the lifetime',
        { token: { expiresInDays: 10, rotateBeforeDays: 10 } },
        'MachineIdentity: token.rotateBeforeDays: 10 must be less than token.expiresInDays (10)',
      ],
      ['an overlap over 7 days', { token: { overlapSeconds: 700000 } }, 'MachineIdentity: token.overlapSeconds: Too big: expected number to be <=604800'],
      ['a bad token name', { token: { name: '1ci' } }, 'MachineIdentity: token.name: must be 1-63 characters'],
      ['an unknown scope', { token: { scopes: ['admin'] } }, 'MachineIdentity: token.scopes[0]:'],
      ['a CIDR with host bits set', { allowedCidrs: ['10.1.2.3/8'] }, 'MachineIdentity: allowedCidrs[0]: has host bits set'],
      ['a token CIDR without a prefix', { token: { allowedCidrs: ['10.0.0.1'] } }, 'MachineIdentity: token.allowedCidrs[0]: must be a CIDR block'],
      ['a zero maxUnusedDays', { token: { maxUnusedDays: 0 } }, 'MachineIdentity: token.maxUnusedDays: Too small'],
    ])('%s fails synth with a message naming the prop', (_case, override, message) => {
      const errors = validationErrors({ ...config, ...override });
      expect(errors.join('\n')).toContain(message);
    });

    test('values from references and variables are left to Terraform, which knows them at apply', () => {
      const app = Testing.app();
      const stack = new TerraformStack(app, 'test');
      new WardenProvider(stack, 'warden', {});
      const project = new TerraformVariable(stack, 'project', { type: 'string' });
      const days = new TerraformVariable(stack, 'days', { type: 'number' });
      new MachineIdentity(stack, 'ci', {
        name: 'deployer',
        roles: [{ role: 'editor', projectId: project.stringValue }],
        token: { expiresInDays: days.numberValue, rotateBeforeDays: 3 },
      });
      expect(() => app.synth()).not.toThrow();
    });

    test('every problem is reported at once', () => {
      const errors = validationErrors({ name: 'X', roles: [{ role: '' }], token: { expiresInDays: 0 } }).join('\n');
      expect(errors).toContain('MachineIdentity: name:');
      expect(errors).toContain('MachineIdentity: roles[0].role:');
      expect(errors).toContain('MachineIdentity: token.expiresInDays:');
    });
  });

  describe(example.dir, () => {
    test('synthesizes one identity per team with project-scoped bindings and sensitive token outputs', () => {
      const app = Testing.app();
      const stack = new GitopsStack(app, 'warden');
      const out = Testing.synth(stack);
      const doc = JSON.parse(out) as {
        resource: Record<string, Record<string, Record<string, unknown>>>;
        output: Record<string, { sensitive?: boolean }>;
        variable: Record<string, unknown>;
      };
      expect(Object.keys(doc.resource.warden_service_account!)).toHaveLength(TEAMS.length);
      for (const { team, projectVariable } of TEAMS) {
        expect(doc.variable).toHaveProperty(projectVariable);
        expect(out).toHaveResourceWithProperties(RoleBinding, { project_id: `\${var.${projectVariable}}` });
        expect(doc.output[`${team}_deployer_token`]!.sensitive).toBe(true);
      }
      expect(() => app.synth()).not.toThrow();
    });
  });
}
