import type { WardenClient } from '../../api-client';
import { startServer } from '../support/server';
import { uniqueName } from '../support/fixtures';

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

async function clientBound(role: string | null, projectId: string | null = null): Promise<WardenClient> {
  const account = await server.client.createServiceAccount({ name: uniqueName('lister'), project_id: projectId });
  if (role) await server.client.createRoleBinding({ service_account_id: account.id, role, project_id: projectId });
  return server.clientFor((await server.client.createServiceAccountToken(account.id, { name: 't' })).token);
}

describe('a list needs its permission in some scope', () => {
  const lists = [
    ['listServiceAccounts', 'service_accounts:read'],
    ['listProjects', 'projects:read'],
    ['listRoleBindings', 'role_bindings:read'],
  ] as const;

  test.each(lists)('%s with the permission in no scope is 403 naming %s, not an empty list', async (list, permission) => {
    const none = await clientBound(null);
    await expect(none[list]()).rejects.toMatchObject({ status: 403, code: 'WARDEN_ERR_FORBIDDEN', message: expect.stringContaining(permission) });
  });

  test('with the permission in one project, the lists are filtered to that project', async () => {
    const project = await server.client.createProject({ name: uniqueName('prj') });
    const inside = await server.client.createServiceAccount({ name: uniqueName('in'), project_id: project.id });
    await server.client.createServiceAccount({ name: uniqueName('out') });
    const member = await clientBound('member', project.id);
    const accounts = (await member.listServiceAccounts({ limit: 500 })).items;
    expect(accounts.map((a) => a.project_id)).toEqual(accounts.map(() => project.id));
    expect(accounts.map((a) => a.id)).toContain(inside.id);
    expect((await member.listProjects()).items.map((p) => p.id)).toEqual([project.id]);
    expect((await member.listRoleBindings()).items.every((b) => b.project_id === project.id)).toBe(true);
  });
});
