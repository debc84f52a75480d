// adoptExisting against the real server in this process: what a re-run does when the object it
// is about to create already exists under the declared unique name.
import { type ResourceDefinition, type State, adoptExisting, complete, planChange, resources } from '../../provider/resources';
import { accountWithRole, uniqueName } from '../support/fixtures';
import { resourceContext } from '../support/resource-context';
import { TestClock, type TestServer, startServer } from '../support/server';

const definition = (typeName: string) => resources.find((d) => d.typeName === typeName)!;
const serviceAccount = definition('warden_service_account');
const roleBinding = definition('warden_role_binding');
const token = definition('warden_token');
const clock = new TestClock();

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ clock });
});
afterAll(() => server.stop());

/** The plan of creating `config`, as the provider would hand it to create. */
async function plannedCreate(def: ResourceDefinition, config: Record<string, unknown>): Promise<State> {
  return (await planChange(def, resourceContext(server), null, complete(def.attributes, config as State))).planned;
}

test('nothing under the name: undefined, and nothing is made', async () => {
  const name = uniqueName('absent');
  const ctx = resourceContext(server);
  expect(await adoptExisting(serviceAccount, ctx, await plannedCreate(serviceAccount, { name }))).toBeUndefined();
  expect((await server.client.listServiceAccounts({ name })).items).toEqual([]);
  expect(ctx.warnings).toEqual([]);
});

test('a service account of that name is taken over and brought to the declared values, with a warning', async () => {
  const existing = await server.client.createServiceAccount({ name: uniqueName('adopt'), description: 'by hand' });
  const ctx = resourceContext(server);
  const adopted = await adoptExisting(serviceAccount, ctx, await plannedCreate(serviceAccount, { name: existing.name, description: 'declared', teams: ['platform'] }));
  expect(adopted).toMatchObject({ id: existing.id, description: 'declared', teams: ['platform'] });
  expect(await server.client.getServiceAccount(existing.id)).toMatchObject({ description: 'declared', teams: ['public', 'platform'] });
  expect(ctx.warnings).toEqual([`Adopted the existing warden_service_account ${existing.id}`]);
});

test('a role binding (no update) is taken over as it is', async () => {
  const { account } = await accountWithRole(server.client, 'editor');
  const [binding] = (await server.client.listRoleBindings({ service_account_id: account.id })).items;
  const adopted = await adoptExisting(roleBinding, resourceContext(server), await plannedCreate(roleBinding, { service_account_id: account.id, role: 'editor' }));
  expect(adopted).toMatchObject({ id: binding!.id, role: 'editor', service_account_id: account.id });
});

test('a token is taken over by rotating it: a new secret, the previous one valid for overlap_seconds', async () => {
  const account = await server.client.createServiceAccount({ name: uniqueName('adopt-token') });
  const existing = await server.client.createServiceAccountToken(account.id, { name: 'deploy', expires_in_days: 30 });
  const adopted = await adoptExisting(
    token,
    resourceContext(server),
    await plannedCreate(token, { service_account_id: account.id, name: 'deploy', expires_in_days: 30, overlap_seconds: 60 }),
  );
  expect(adopted).toMatchObject({ id: existing.id, status: 'active' });
  expect(adopted!.token).toEqual(expect.any(String));
  expect(adopted!.token).not.toBe(existing.token);
  await expect(server.clientFor(adopted!.token as string).whoami()).resolves.toMatchObject({ token_id: existing.id });
  await expect(server.clientFor(existing.token).whoami()).resolves.toMatchObject({ token_id: existing.id });
  clock.advance(61_000);
  await expect(server.clientFor(existing.token).whoami()).rejects.toMatchObject({ status: 401 });
});

test('a token whose forcing attributes differ is refused, naming the first of them', async () => {
  const account = await server.client.createServiceAccount({ name: uniqueName('adopt-refused') });
  const existing = await server.client.createServiceAccountToken(account.id, { name: 'deploy', scopes: ['api'] });
  const planned = await plannedCreate(token, { service_account_id: account.id, name: 'deploy', scopes: ['scim'] });
  await expect(adoptExisting(token, resourceContext(server), planned)).rejects.toMatchObject({
    name: 'ResourceError',
    message: `Cannot adopt the existing warden_token ${account.id}/${existing.id}`,
    problem: { path: ['scopes'] },
  });
  expect((await server.client.getServiceAccountToken(account.id, existing.id)).token_hint).toBe(existing.token_hint);
});
