// The export's model and renderers on a fixed estate (no server): the cases the live estate
// cannot easily hold (an expired token, a role the reader cannot see, names that collide).
import type { FederatedCredential, Project, Role, RoleBinding, ServiceAccount, Token } from '../../api-client';
import { type EstateReader, ExportScopeError, hclString, identifier, readEstate, renderCdk, renderHcl, renderPulumi } from '../../provider/export';

const T = '2026-01-01T00:00:00.000Z';
const account = (id: string, name: string, project_id: string | null = null): ServiceAccount => ({
  id,
  uid: `u-${id}`,
  name,
  display_name: name,
  description: '',
  user_name: `${name}@service`,
  user_type: 'service',
  project_id,
  disabled: false,
  expires_at: null,
  teams: ['public'],
  allowed_cidrs: [],
  created_at: T,
  updated_at: T,
  etag: 'e',
});
const token = (id: string, owner_id: string, name: string, extra: Partial<Token> = {}): Token => ({
  id,
  name,
  owner_type: 'service_account',
  owner_id,
  token_hint: 'wdn_abcd',
  scopes: ['api'],
  expires_at: '2026-01-31T00:00:00.000Z',
  max_expires_at: null,
  extended: false,
  max_age_days: null,
  allowed_cidrs: [],
  max_unused_days: null,
  unused_expires_at: null,
  disabled: false,
  state: 'active',
  revoked_at: null,
  overlap_ends_at: null,
  created_at: T,
  last_used_at: null,
  etag: 'e',
  ...extra,
});
const binding = (id: string, sa: string, role: string, project_id: string | null = null): RoleBinding => ({ id, service_account_id: sa, role, project_id, created_at: T });

function reader(): EstateReader {
  const projects = [
    { id: 'p1', name: 'a-b' },
    { id: 'p2', name: 'a_b' },
  ] as Project[];
  const roles = [
    { name: 'editor', built_in: true },
    { name: 'ops', built_in: false },
  ] as Role[];
  const accounts = [account('s1', 'bot'), account('s2', 'bot', 'p1'), account('s3', 'bot', 'p2'), account('s4', 'delete')];
  const bindings = [binding('b1', 's1', 'ops'), binding('b2', 's1', 'secret-role'), binding('b3', 's2', 'editor', 'p1')];
  const credentials: FederatedCredential[] = [
    {
      id: 'fc1',
      service_account_id: 's1',
      name: 'gh',
      issuer: 'https://token.actions.githubusercontent.com',
      audience: 'warden',
      subject: 'repo:acme/app:*',
      claims: { job_workflow_ref: 'acme/app/.github/workflows/${x}.yml' },
      max_token_lifetime_seconds: 900,
      created_at: T,
    },
  ];
  const tokens = [
    token('t1', 's1', 'ci', { allowed_cidrs: ['10.0.0.0/8'], max_unused_days: 30 }),
    token('t2', 's1', 'old', { state: 'expired' }),
    token('t3', 's4', 'x', { expires_at: null }),
  ];
  return {
    projects: async () => projects,
    roles: async () => roles,
    serviceAccounts: async () => accounts,
    roleBindings: async (id) => bindings.filter((b) => b.service_account_id === id),
    tokens: async (id) => tokens.filter((t) => t.owner_id === id),
    federatedCredentials: async (id) => credentials.filter((c) => c.service_account_id === id),
  };
}

test('identifiers are lower case with "_" for anything else, and never start with a digit', () => {
  expect([identifier('Payments-Deployer'), identifier('9lives'), identifier('a..b')]).toEqual(['payments_deployer', '_9lives', 'a_b']);
});

test('HCL strings escape quotes, backslashes, newlines and both template introducers', () => {
  expect(hclString('a "b" \\ ${x} %{y}\n$')).toBe('"a \\"b\\" \\\\ $${x} %%{y}\\n$"');
});

test('names that collide get _2, in a stable order; projects whose names collide too', async () => {
  const model = await readEstate(reader());
  expect(model.projects.map((p) => p.key)).toEqual(['a_b', 'a_b_2']);
  expect(model.accounts.map((a) => a.key)).toEqual(['bot', 'delete', 'a_b_bot', 'a_b_2_bot']);
});

test('an expired token and a binding of an invisible role are listed as not exported, with why', async () => {
  const model = await readEstate(reader());
  expect(model.unsupported).toEqual([
    { kind: 'role_binding', id: 'b2', name: 'bot: secret-role', reason: 'its role "secret-role" is not visible to this token' },
    { kind: 'token', id: 's1/t2', name: 'bot/old', reason: 'expired: declaring it would make the first plan replace it' },
  ]);
  for (const text of [renderHcl(model), renderPulumi(model)['program.ts'], renderCdk(model)]) expect(text).toMatch(/bot\/old \(s1\/t2\):\s*(#|\/\/)?\s*expired/);
});

test('a relative lifetime is named in the comment; a never-expiring token has no expiry attribute', async () => {
  const hcl = renderHcl(await readEstate(reader()));
  expect(hcl).toContain('# Secret not exported (hint wdn_abcd); expires at 2026-01-31T00:00:00.000Z (30 days after creation).');
  expect(hcl).toMatch(/resource "warden_token" "delete_x" \{\n {2}service_account_id = warden_service_account\.delete\.id\n {2}name {15}= "x"\n {2}scopes {13}= \["api"\]\n\}/);
});

test('network bindings, inactivity expiry and federated credentials are declared, imported by their ids', async () => {
  const model = await readEstate(reader());
  const hcl = renderHcl(model);
  expect(hcl).toContain('  allowed_cidrs      = ["10.0.0.0/8"]\n  max_unused_days    = 30\n');
  expect(hcl).toContain(
    'resource "warden_federated_credential" "bot_gh" {\n  service_account_id         = warden_service_account.bot.id\n  name                       = "gh"\n  issuer                     = "https://token.actions.githubusercontent.com"\n  audience                   = "warden"\n  subject                    = "repo:acme/app:*"\n  claims                     = { "job_workflow_ref" = "acme/app/.github/workflows/$${x}.yml" }\n  max_token_lifetime_seconds = 900\n}\n',
  );
  expect(hcl).toContain('import {\n  to = warden_federated_credential.bot_gh\n  id = "s1/fc1"\n}\n');
  const program = renderPulumi(model)['program.ts'];
  expect(program).toContain('new FederatedCredential("bot_gh", {');
  expect(program).toContain('claims: { "job_workflow_ref": "acme/app/.github/workflows/${x}.yml" },');
  expect(program).toMatch(/allowedCidrs: \["10\.0\.0\.0\/8"\],\n\s+maxUnusedDays: 30,/);
  const cdk = renderCdk(model);
  expect(cdk).toContain('claims: { "job_workflow_ref": "acme/app/.github/workflows/$${x}.yml" },');
  expect(cdk).toContain('.importFrom("s1/fc1");');
});

test('a reserved word as an account name stays valid TypeScript: resources live in maps', async () => {
  const program = renderPulumi(await readEstate(reader()))['program.ts'];
  expect(program).toContain('    delete: new ServiceAccount("delete", {');
  expect(program).toContain('serviceAccountId: accounts.delete.id,');
});

test.each([
  [{ project: 'zzz' }, 'project', /--project "zzz": no project has this id or name \(known: a-b, a_b\)/],
  [{ name: 'a/b' }, 'name', /--name "a\/b" is not a name pattern/],
  [{ accountIds: ['s9'] }, 'accountIds', /no service account has id "s9"/],
])('scope %j is refused, naming the option', async (scope, option, message) => {
  const err = await readEstate(reader(), scope).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ExportScopeError);
  expect(err).toMatchObject({ option, code: 'WARDEN_EXPORT_ERR_SCOPE', message: expect.stringMatching(message) });
});

test('--name patterns: "*" is any run of characters, otherwise exact', async () => {
  expect((await readEstate(reader(), { name: 'b*' })).accounts.map((a) => a.key)).toEqual(['bot', 'a_b_bot', 'a_b_2_bot']);
  expect((await readEstate(reader(), { name: 'bo' })).accounts).toEqual([]);
  // Keys are stable for a given scope: alone, project "a_b" collides with nothing.
  const alone = await readEstate(reader(), { project: 'a_b' });
  expect(alone.accounts.map((a) => [a.key, a.account.id])).toEqual([['a_b_bot', 's3']]);
});
