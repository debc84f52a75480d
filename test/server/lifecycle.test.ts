import { AuthError, ConflictError, ForbiddenError, NotFoundError, PreconditionFailedError, type WardenClient } from '../../api-client';
import { startPostgres, type Postgres } from '../support/postgres';
import { TestClock, startServer } from '../support/server';
import { uniqueName } from '../support/fixtures';

type Server = Awaited<ReturnType<typeof startServer>>;
const DAY = 24 * 3600 * 1000;

let pg: Postgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg.stop();
});

describe.each(['sqlite', 'postgres'] as const)('the whole lifecycle on %s', (kind) => {
  let server: Server;
  let admin: WardenClient;
  const clock = new TestClock();

  beforeAll(async () => {
    server = await startServer({ clock, ...(kind === 'postgres' ? { databaseUrl: await pg.createDatabase('lifecycle') } : {}) });
    admin = server.client;
  });
  afterAll(() => server.stop());

  test('projects are created, read, updated with If-Match, and deleted only when empty', async () => {
    const project = await admin.createProject({ name: uniqueName('prj'), description: 'first' });
    expect(await admin.getProject(project.id)).toEqual(project);
    const updated = await admin.updateProject(project.id, { description: 'second' }, { ifMatch: project.etag });
    expect(updated.description).toBe('second');
    await expect(admin.updateProject(project.id, { description: 'third' }, { ifMatch: project.etag })).rejects.toBeInstanceOf(PreconditionFailedError);
    const account = await admin.createServiceAccount({ name: 'in-project', project_id: project.id });
    await expect(admin.deleteProject(project.id)).rejects.toMatchObject({ code: 'WARDEN_ERR_PROJECT_IN_USE', status: 409 });
    await admin.deleteServiceAccount(account.id);
    await admin.deleteProject(project.id);
    await expect(admin.getProject(project.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  test('built-in roles are listed and immutable; custom roles cannot be deleted while bound', async () => {
    const { items } = await admin.listRoles();
    expect(
      items
        .filter((r) => r.built_in)
        .map((r) => r.name)
        .sort(),
    ).toEqual(['admin', 'editor', 'manager', 'member']);
    await expect(admin.deleteRole('admin')).rejects.toMatchObject({ code: 'WARDEN_ERR_BUILT_IN_ROLE' });
    const role = await admin.createRole({ name: uniqueName('reader'), permissions: ['service_accounts:read'] });
    const account = await admin.createServiceAccount({ name: uniqueName('sa') });
    const binding = await admin.createRoleBinding({ service_account_id: account.id, role: role.name });
    await expect(admin.deleteRole(role.name)).rejects.toMatchObject({ code: 'WARDEN_ERR_ROLE_IN_USE', existingId: binding.id });
    await admin.deleteRoleBinding(binding.id);
    const patched = await admin.updateRole(role.name, { permissions: ['service_accounts:read', 'tokens:read'] });
    expect(patched.permissions).toEqual(['service_accounts:read', 'tokens:read']);
    await admin.deleteRole(role.name);
  });

  test('a service account is a non-human user in the public team, unique per scope', async () => {
    const project = await admin.createProject({ name: uniqueName('prj') });
    const name = uniqueName('deploy');
    const org = await admin.createServiceAccount({ name, display_name: 'Deploy bot', teams: ['data', 'public'] });
    expect(org).toMatchObject({ name, user_name: `${name}@service`, user_type: 'service', project_id: null, disabled: false, teams: ['public', 'data'] });
    const scoped = await admin.createServiceAccount({ name, project_id: project.id });
    expect(scoped.project_id).toBe(project.id);
    await expect(admin.createServiceAccount({ name })).rejects.toMatchObject({ code: 'WARDEN_ERR_NAME_TAKEN', status: 409 });
    expect((await admin.listServiceAccounts({ name })).items.map((a) => a.id).sort()).toEqual([org.id, scoped.id].sort());
    expect((await admin.listServiceAccounts({ project_id: project.id })).items.map((a) => a.id)).toEqual([scoped.id]);
    const renamed = await admin.updateServiceAccount(org.id, { description: 'ships things', teams: ['ops'] });
    expect(renamed).toMatchObject({ description: 'ships things', teams: ['public', 'ops'], id: org.id });
  });

  test('role bindings: duplicates name the existing binding, project accounts stay in their project', async () => {
    const project = await admin.createProject({ name: uniqueName('prj') });
    const other = await admin.createProject({ name: uniqueName('prj') });
    const account = await admin.createServiceAccount({ name: uniqueName('sa'), project_id: project.id });
    const binding = await admin.createRoleBinding({ service_account_id: account.id, role: 'editor', project_id: project.id });
    expect(binding).toMatchObject({ service_account_id: account.id, role: 'editor', project_id: project.id });
    await expect(admin.createRoleBinding({ service_account_id: account.id, role: 'editor', project_id: project.id })).rejects.toMatchObject({
      code: 'WARDEN_ERR_BINDING_EXISTS',
      existingId: binding.id,
    });
    await expect(admin.createRoleBinding({ service_account_id: account.id, role: 'editor', project_id: other.id })).rejects.toMatchObject({
      status: 400,
      problem: { errors: [{ path: 'project_id' }] },
    });
    await expect(admin.createRoleBinding({ service_account_id: account.id, role: 'editor' })).rejects.toMatchObject({ status: 400 });
    expect((await admin.listRoleBindings({ service_account_id: account.id })).items).toEqual([binding]);
    await admin.deleteRoleBinding(binding.id);
    await expect(admin.getRoleBinding(binding.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  test('a token is shown once, works, can be disabled and enabled, and is revoked at once', async () => {
    const account = await admin.createServiceAccount({ name: uniqueName('ci') });
    await admin.createRoleBinding({ service_account_id: account.id, role: 'member' });
    const created = await admin.createServiceAccountToken(account.id, { name: 'ci', expires_in_days: 30 });
    expect(created.token).toMatch(/^wdn_[0-9A-Za-z]{36}$/);
    expect(created.token.startsWith(created.token_hint)).toBe(true);
    expect(Date.parse(created.expires_at!) - clock.now().getTime()).toBeCloseTo(30 * DAY, -4);
    const read = await admin.getServiceAccountToken(account.id, created.id);
    expect(read).not.toHaveProperty('token');
    expect(JSON.stringify(await admin.listServiceAccountTokens(account.id))).not.toContain(created.token);

    const asBot = server.clientFor(created.token);
    expect(await asBot.whoami()).toMatchObject({ user_type: 'service', id: account.id, token_id: created.id });
    await admin.updateServiceAccountToken(account.id, created.id, { disabled: true });
    await expect(asBot.whoami()).rejects.toBeInstanceOf(AuthError);
    await admin.updateServiceAccountToken(account.id, created.id, { disabled: false });
    expect((await asBot.whoami()).id).toBe(account.id);
    await admin.revokeServiceAccountToken(account.id, created.id);
    await expect(asBot.whoami()).rejects.toMatchObject({ status: 401, code: 'WARDEN_ERR_UNAUTHENTICATED' });
    expect((await admin.getServiceAccountToken(account.id, created.id)).state).toBe('revoked');
    // The name is free again once the token is revoked.
    await admin.createServiceAccountToken(account.id, { name: 'ci' });
  });

  test('regenerate with an overlap keeps the old secret working until overlap_ends_at', async () => {
    const account = await admin.createServiceAccount({ name: uniqueName('rot') });
    await admin.createRoleBinding({ service_account_id: account.id, role: 'member' });
    const first = await admin.createServiceAccountToken(account.id, { name: 'rot' });
    const second = await admin.regenerateServiceAccountToken(account.id, first.id, { overlap_seconds: 600 });
    expect(second.id).toBe(first.id);
    expect(second.token).not.toBe(first.token);
    expect(second.overlap_ends_at).not.toBeNull();
    expect((await server.clientFor(first.token).whoami()).token_id).toBe(first.id);
    expect((await server.clientFor(second.token).whoami()).token_id).toBe(first.id);
    clock.advance(601_000);
    await expect(server.clientFor(first.token).whoami()).rejects.toBeInstanceOf(AuthError);
    expect((await server.clientFor(second.token).whoami()).token_id).toBe(first.id);
    const third = await admin.regenerateServiceAccountToken(account.id, first.id, {});
    await expect(server.clientFor(second.token).whoami()).rejects.toBeInstanceOf(AuthError);
    expect((await server.clientFor(third.token).whoami()).token_id).toBe(first.id);
  });

  test('an expired or disabled account authenticates nothing; deleting it revokes its tokens', async () => {
    const account = await admin.createServiceAccount({ name: uniqueName('tmp'), expires_at: new Date(clock.now().getTime() + DAY).toISOString() });
    await admin.createRoleBinding({ service_account_id: account.id, role: 'member' });
    const { token } = await admin.createServiceAccountToken(account.id, { name: 't' });
    const bot = server.clientFor(token);
    expect((await bot.whoami()).id).toBe(account.id);
    await admin.updateServiceAccount(account.id, { disabled: true });
    await expect(bot.whoami()).rejects.toBeInstanceOf(AuthError);
    await admin.updateServiceAccount(account.id, { disabled: false });
    expect((await bot.whoami()).id).toBe(account.id);
    clock.advance(DAY + 1000);
    await expect(bot.whoami()).rejects.toBeInstanceOf(AuthError);
    await admin.updateServiceAccount(account.id, { expires_at: null });
    expect((await bot.whoami()).id).toBe(account.id);
    await admin.deleteServiceAccount(account.id);
    await expect(bot.whoami()).rejects.toBeInstanceOf(AuthError);
    await expect(admin.getServiceAccount(account.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await admin.listRoleBindings({ service_account_id: account.id })).items).toEqual([]);
  });

  test('a SCIM-only token reaches /scim/v2 and nothing else', async () => {
    const account = await admin.createServiceAccount({ name: uniqueName('idp') });
    const provisioner = await admin.createRole({ name: uniqueName('provisioner'), permissions: ['scim', 'users:read'] });
    await admin.createRoleBinding({ service_account_id: account.id, role: provisioner.name });
    const { token } = await admin.createServiceAccountToken(account.id, { name: 'scim', scopes: ['scim'] });
    await expect(server.clientFor(token).listServiceAccounts()).rejects.toMatchObject({ status: 403, code: 'WARDEN_ERR_TOKEN_SCOPE' });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
    const email = `${uniqueName('ada')}@example.com`;
    const created = await fetch(`${server.url}/scim/v2/Users`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: email, displayName: 'Ada', externalId: 'idp-1' }),
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: string; active: boolean; userName: string };
    expect(user).toMatchObject({ userName: email, active: true });
    const list = (await (await fetch(`${server.url}/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`, { headers })).json()) as { totalResults: number };
    expect(list.totalResults).toBe(1);
    const patched = await fetch(`${server.url}/scim/v2/Users/${user.id}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] }),
    });
    expect(((await patched.json()) as { active: boolean }).active).toBe(false);
    expect((await fetch(`${server.url}/scim/v2/Users/${user.id}`, { method: 'DELETE', headers })).status).toBe(204);
    expect((await fetch(`${server.url}/scim/v2/Users/${user.id}`, { headers })).status).toBe(404);
    // An API token may not use SCIM, even when its owner holds the scim permission.
    const api = await admin.createServiceAccountToken(account.id, { name: 'api' });
    expect((await fetch(`${server.url}/scim/v2/Users`, { headers: { authorization: `Bearer ${api.token}` } })).status).toBe(403);
  });

  test('people sign in with a password and own personal tokens; service accounts cannot sign in', async () => {
    const email = `${uniqueName('grace')}@example.com`;
    const user = await admin.createUser({ email, name: 'Grace', password: 'correct horse battery', role: 'member' });
    const anonymous = server.clientFor('');
    const session = await anonymous.createSession({ email, password: 'correct horse battery' });
    expect(session.user.id).toBe(user.id);
    const asGrace = server.clientFor(session.token);
    expect(await asGrace.whoami()).toMatchObject({ user_type: 'user', id: user.id, token_id: null });
    const personal = await asGrace.createUserToken(user.id, { name: 'laptop' });
    expect((await server.clientFor(personal.token).whoami()).token_id).toBe(personal.id);
    await expect(anonymous.createSession({ email, password: 'wrong password!!' })).rejects.toMatchObject({ status: 401, code: 'WARDEN_ERR_INVALID_CREDENTIALS' });
    const bot = await admin.createServiceAccount({ name: uniqueName('robot') });
    await expect(anonymous.createSession({ email: bot.user_name, password: 'whatever it is' })).rejects.toMatchObject({ status: 401, code: 'WARDEN_ERR_SERVICE_ACCOUNT_LOGIN' });
    await asGrace.deleteSession();
    await expect(asGrace.whoami()).rejects.toBeInstanceOf(AuthError);
    const refused = await admin.listAuditEvents({ action: 'session.refused', actor_id: bot.id });
    expect(refused.items).toHaveLength(1);
  });

  test('a repeated POST with the same Idempotency-Key creates once; a replayed token creation re-issues its secret', async () => {
    const name = uniqueName('idem');
    const a = await admin.createServiceAccount({ name }, { idempotencyKey: `k-${name}` });
    const b = await admin.createServiceAccount({ name }, { idempotencyKey: `k-${name}` });
    expect(b.id).toBe(a.id);
    await expect(admin.createServiceAccount({ name: `${name}-x` }, { idempotencyKey: `k-${name}` })).rejects.toMatchObject({ code: 'WARDEN_ERR_IDEMPOTENCY_MISMATCH' });
    await admin.createRoleBinding({ service_account_id: a.id, role: 'member' });
    const first = await admin.createServiceAccountToken(a.id, { name: 't' }, { idempotencyKey: `t-${name}` });
    const replay = await admin.createServiceAccountToken(a.id, { name: 't' }, { idempotencyKey: `t-${name}` });
    expect(replay.id).toBe(first.id);
    expect(replay.token).not.toBe(first.token);
    await expect(server.clientFor(first.token).whoami()).rejects.toBeInstanceOf(AuthError);
    expect((await server.clientFor(replay.token).whoami()).token_id).toBe(first.id);
    expect((await admin.listServiceAccountTokens(a.id)).items).toHaveLength(1);
    // Keys are remembered for a day: after that the same key is a new request.
    clock.advance(24 * 3600 * 1000 + 1000);
    await expect(admin.createServiceAccount({ name }, { idempotencyKey: `k-${name}` })).rejects.toMatchObject({ code: 'WARDEN_ERR_NAME_TAKEN' });
  });

  test('lists page through every item', async () => {
    const project = await admin.createProject({ name: uniqueName('paged') });
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push((await admin.createServiceAccount({ name: `p${i}`, project_id: project.id })).id);
    const first = await admin.listServiceAccounts({ project_id: project.id, limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.next_page_token).not.toBeNull();
    const all = [];
    for await (const a of admin.paginate('listServiceAccounts', { project_id: project.id, limit: 3 })) all.push(a.id);
    expect(all).toEqual(ids);
  });

  test('every change is audited with its actor and target', async () => {
    const account = await admin.createServiceAccount({ name: uniqueName('aud') });
    const events = await admin.listAuditEvents({ target_id: account.id });
    expect(events.items[0]).toMatchObject({
      action: 'service_account.create',
      outcome: 'success',
      target: { type: 'service_account', id: account.id },
      actor: { user_type: 'user' },
    });
    await expect(server.clientFor('wdn_not_a_token').whoami()).rejects.toBeInstanceOf(AuthError);
    const refused = await admin.listAuditEvents({ action: 'auth.refused' });
    expect(refused.items.length).toBeGreaterThan(0);
  });

  test('a member reads but cannot change', async () => {
    const account = await admin.createServiceAccount({ name: uniqueName('ro') });
    await admin.createRoleBinding({ service_account_id: account.id, role: 'member' });
    const { token } = await admin.createServiceAccountToken(account.id, { name: 'ro' });
    const member = server.clientFor(token);
    expect((await member.getServiceAccount(account.id)).id).toBe(account.id);
    await expect(member.createServiceAccount({ name: uniqueName('nope') })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(member.createRoleBinding({ service_account_id: account.id, role: 'admin' })).rejects.toBeInstanceOf(ForbiddenError);
  });

  test('ConflictError carries the existing id', async () => {
    const account = await admin.createServiceAccount({ name: uniqueName('dup') });
    const binding = await admin.createRoleBinding({ service_account_id: account.id, role: 'member' });
    const err = await admin.createRoleBinding({ service_account_id: account.id, role: 'member' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).existingId).toBe(binding.id);
  });
});
