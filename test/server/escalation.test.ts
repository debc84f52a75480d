import { startServer } from '../support/server';
import { accountWithRole } from '../support/fixtures';

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

describe('no escalation: a caller grants only roles whose every permission it holds at that scope', () => {
  test.each([
    { caller: 'manager', grants: 'editor', allowed: true },
    { caller: 'manager', grants: 'member', allowed: true },
    { caller: 'manager', grants: 'manager', allowed: true },
    { caller: 'manager', grants: 'admin', allowed: false },
    { caller: 'editor', grants: 'member', allowed: false },
    { caller: 'member', grants: 'member', allowed: false },
  ])('a $caller granting $grants: allowed=$allowed', async ({ caller, grants, allowed }) => {
    const { secret } = await accountWithRole(server.client, caller);
    const target = await server.client.createServiceAccount({ name: `target-${caller}-${grants}` });
    const attempt = server.clientFor(secret).createRoleBinding({ service_account_id: target.id, role: grants });
    if (allowed) await expect(attempt).resolves.toMatchObject({ role: grants });
    else await expect(attempt).rejects.toMatchObject({ status: 403 });
    const bindings = await server.client.listRoleBindings({ service_account_id: target.id });
    expect(bindings.items).toHaveLength(allowed ? 1 : 0);
  });

  test('a manager cannot grant a custom role holding a permission it lacks', async () => {
    await server.client.createRole({ name: 'auditor-plus', permissions: ['audit:read', 'roles:write'] });
    const { secret } = await accountWithRole(server.client, 'manager');
    const target = await server.client.createServiceAccount({ name: 'target-custom' });
    await expect(server.clientFor(secret).createRoleBinding({ service_account_id: target.id, role: 'auditor-plus' })).rejects.toMatchObject({
      code: 'WARDEN_ERR_ESCALATION',
      message: expect.stringContaining('roles:write'),
    });
  });

  test('a project manager manages accounts in its project only, and cannot grant organization roles', async () => {
    const project = await server.client.createProject({ name: 'payments' });
    const other = await server.client.createProject({ name: 'search' });
    const { secret } = await accountWithRole(server.client, 'manager', project.id);
    const pm = server.clientFor(secret);
    const inside = await pm.createServiceAccount({ name: 'pay-bot', project_id: project.id });
    await expect(pm.createRoleBinding({ service_account_id: inside.id, role: 'editor', project_id: project.id })).resolves.toMatchObject({ project_id: project.id });
    await expect(pm.createServiceAccount({ name: 'search-bot', project_id: other.id })).rejects.toMatchObject({ status: 403 });
    await expect(pm.createServiceAccount({ name: 'org-bot' })).rejects.toMatchObject({ status: 403 });
    const orgAccount = await server.client.createServiceAccount({ name: 'org-target' });
    await expect(pm.createRoleBinding({ service_account_id: orgAccount.id, role: 'member' })).rejects.toMatchObject({ status: 403 });
    const visible = await pm.listServiceAccounts();
    expect(visible.items.every((a) => a.project_id === project.id)).toBe(true);
  });
});
