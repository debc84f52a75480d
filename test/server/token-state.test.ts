import { SCIM_PATCH_SCHEMA } from '../../api-client/contract';
import { TestClock, startServer } from '../support/server';
import { uniqueName } from '../support/fixtures';

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server;
const clock = new TestClock();
beforeAll(async () => {
  server = await startServer({ clock });
});
afterAll(() => server.stop());

async function authenticates(secret: string): Promise<boolean> {
  const res = await fetch(`${server.url}/v1/whoami`, { headers: { authorization: `Bearer ${secret}` } });
  await res.arrayBuffer();
  return res.status === 200;
}

describe("a listed token's state says what authentication will do", () => {
  test('a person deactivated through SCIM: personal tokens list as owner_inactive until reactivated', async () => {
    const admin = server.client;
    const user = await admin.createUser({ email: `${uniqueName('lee')}@example.com`, name: 'Lee', role: 'member' });
    const token = await admin.createUserToken(user.id, { name: 'laptop' });
    expect(token.state).toBe('active');
    const setActive = (active: boolean) =>
      fetch(`${server.url}/scim/v2/Users/${user.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ schemas: [SCIM_PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: active }] }),
      }).then((r) => r.status);

    expect(await setActive(false)).toBe(200);
    expect(await authenticates(token.token)).toBe(false);
    expect((await admin.listUserTokens(user.id)).items.map((t) => t.state)).toEqual(['owner_inactive']);
    expect((await admin.getUserToken(user.id, token.id)).state).toBe('owner_inactive');

    expect(await setActive(true)).toBe(200);
    expect(await authenticates(token.token)).toBe(true);
    expect((await admin.listUserTokens(user.id)).items.map((t) => t.state)).toEqual(['active']);
  });

  test('a disabled or expired service account: its tokens list as owner_inactive', async () => {
    const admin = server.client;
    const account = await admin.createServiceAccount({ name: uniqueName('bot'), expires_at: new Date(clock.now().getTime() + 3600_000).toISOString() });
    await admin.createRoleBinding({ service_account_id: account.id, role: 'member' });
    const token = await admin.createServiceAccountToken(account.id, { name: 'ci' });
    await admin.updateServiceAccount(account.id, { disabled: true });
    expect(await authenticates(token.token)).toBe(false);
    expect((await admin.getServiceAccountToken(account.id, token.id)).state).toBe('owner_inactive');
    await admin.updateServiceAccount(account.id, { disabled: false });
    expect((await admin.getServiceAccountToken(account.id, token.id)).state).toBe('active');
    clock.advance(3600_000 + 1000);
    expect(await authenticates(token.token)).toBe(false);
    expect((await admin.listServiceAccountTokens(account.id)).items.map((t) => t.state)).toEqual(['owner_inactive']);
    // The token's own refusals come first: a disabled token says so.
    await admin.updateServiceAccountToken(account.id, token.id, { disabled: true });
    expect((await admin.getServiceAccountToken(account.id, token.id)).state).toBe('disabled');
  });
});
