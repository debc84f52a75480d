import type { WardenClient } from '../../api-client';

let n = 0;
/** Unique, valid names per test run. */
export const uniqueName = (prefix: string) => `${prefix}-${process.pid}-${++n}`;

/** A service account bound to `role` at organization scope, with an API token; returns its secret too. */
export async function accountWithRole(admin: WardenClient, role: string, projectId: string | null = null) {
  const account = await admin.createServiceAccount({ name: uniqueName(role), project_id: projectId });
  await admin.createRoleBinding({ service_account_id: account.id, role, project_id: projectId });
  const token = await admin.createServiceAccountToken(account.id, { name: 'main' });
  return { account, token, secret: token.token };
}
