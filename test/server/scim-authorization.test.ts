import { SCIM_PATCH_SCHEMA, SCIM_USER_SCHEMA } from '../../api-client/contract';
import { startServer } from '../support/server';
import { uniqueName } from '../support/fixtures';

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server;
let adminId: string;

/** A fresh server per group: which admins exist decides the outcomes. */
function freshServer() {
  beforeAll(async () => {
    server = await startServer();
    adminId = (await server.client.whoami()).id;
    await server.client.createRole({ name: 'provisioner', permissions: ['scim'] });
  });
  afterAll(() => server.stop());
}

/** A service account bound to `role` (or nothing) at organization scope, with a token of `scopes`. */
async function tokenOf(role: string | null, scopes: ('api' | 'scim')[]) {
  const account = await server.client.createServiceAccount({ name: uniqueName('idp') });
  if (role) await server.client.createRoleBinding({ service_account_id: account.id, role });
  return { account, secret: (await server.client.createServiceAccountToken(account.id, { name: 'scim', scopes })).token };
}

function scim(secret: string, method: string, path: string, body?: unknown) {
  return fetch(`${server.url}/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
const deactivate = { schemas: [SCIM_PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] };

describe('SCIM needs the scim permission at organization scope and a token scoped to SCIM', () => {
  freshServer();
  test.each([
    { holder: 'an account with no binding', role: null, scopes: ['scim'] as const, status: 403, code: 'WARDEN_ERR_FORBIDDEN' },
    { holder: 'a member', role: 'member', scopes: ['scim'] as const, status: 403, code: 'WARDEN_ERR_FORBIDDEN' },
    { holder: 'an admin whose token lacks the scim scope', role: 'admin', scopes: ['api'] as const, status: 403, code: 'WARDEN_ERR_TOKEN_SCOPE' },
  ])('$holder is refused and the organization admin keeps working', async ({ role, scopes, status, code }) => {
    const { secret } = await tokenOf(role, [...scopes]);
    for (const res of [await scim(secret, 'DELETE', `/Users/${adminId}`), await scim(secret, 'PATCH', `/Users/${adminId}`, deactivate), await scim(secret, 'GET', '/Users')]) {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      expect(((await res.json()) as Record<string, { code: string }>)['urn:warden:params:scim:api:messages:2.0:Error']!.code).toBe(code);
    }
    expect((await server.client.whoami()).id).toBe(adminId);
  });

  test('a SCIM token of an account holding scim provisions people', async () => {
    const { secret } = await tokenOf('provisioner', ['scim']);
    const created = await scim(secret, 'POST', '/Users', { schemas: [SCIM_USER_SCHEMA], userName: `${uniqueName('ada')}@example.com` });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await scim(secret, 'DELETE', `/Users/${id}`)).status).toBe(204);
  });
});

describe('the last active organization admin cannot be removed by any route', () => {
  freshServer();
  test('SCIM delete, replace with active false and patch with active false answer 409 WARDEN_ERR_LAST_ADMIN', async () => {
    const { secret } = await tokenOf('provisioner', ['scim']);
    const replace = { schemas: [SCIM_USER_SCHEMA], userName: 'admin@warden.local', active: false };
    for (const res of [
      await scim(secret, 'DELETE', `/Users/${adminId}`),
      await scim(secret, 'PATCH', `/Users/${adminId}`, deactivate),
      await scim(secret, 'PUT', `/Users/${adminId}`, replace),
    ]) {
      expect(res.status).toBe(409);
      const body = (await res.json()) as Record<string, { code: string }>;
      expect(body['urn:warden:params:scim:api:messages:2.0:Error']!.code).toBe('WARDEN_ERR_LAST_ADMIN');
    }
    expect((await server.client.whoami()).id).toBe(adminId);
  });

  test('with a second admin one may go; the remaining one cannot be deleted, disabled or unbound', async () => {
    const { secret: scimSecret } = await tokenOf('provisioner', ['scim']);
    const second = await tokenOf('admin', ['api']);
    const asSecond = server.clientFor(second.secret);
    const person = (await scim(scimSecret, 'POST', '/Users', { schemas: [SCIM_USER_SCHEMA], userName: `${uniqueName('op')}@example.com` })) as Response;
    const personId = ((await person.json()) as { id: string }).id;
    expect((await scim(scimSecret, 'PATCH', `/Users/${personId}`, deactivate)).status).toBe(200);

    // The bootstrap admin steps down by deactivation through SCIM: allowed, another admin remains.
    expect((await scim(scimSecret, 'PATCH', `/Users/${adminId}`, deactivate)).status).toBe(200);
    await expect(server.client.whoami()).rejects.toMatchObject({ status: 401 });

    const binding = (await asSecond.listRoleBindings({ service_account_id: second.account.id })).items[0]!;
    await expect(asSecond.deleteRoleBinding(binding.id)).rejects.toMatchObject({ status: 409, code: 'WARDEN_ERR_LAST_ADMIN' });
    await expect(asSecond.updateServiceAccount(second.account.id, { disabled: true })).rejects.toMatchObject({ status: 409, code: 'WARDEN_ERR_LAST_ADMIN' });
    await expect(asSecond.deleteServiceAccount(second.account.id)).rejects.toMatchObject({ status: 409, code: 'WARDEN_ERR_LAST_ADMIN' });
    expect((await asSecond.whoami()).id).toBe(second.account.id);

    // Reactivated, the person is an admin again, and the service account may go.
    const replace = { schemas: [SCIM_USER_SCHEMA], userName: 'admin@warden.local', active: true };
    expect((await scim(scimSecret, 'PUT', `/Users/${adminId}`, replace)).status).toBe(200);
    await asSecond.deleteServiceAccount(second.account.id);
    expect((await server.client.whoami()).id).toBe(adminId);
  });
});
