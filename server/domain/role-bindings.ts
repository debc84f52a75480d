import type { Page, Permission, RoleBinding } from '../../api-client/contract';
import { errors } from '../errors';
import { type Param, type Queryable, UniqueViolation } from '../store';
import { audit } from './audit';
import type { Ctx } from './context';
import { json } from './context';
import { newId } from './ids';
import { type PageRequest, pageOf, visibleIn } from './paging';
import { refuseRemovingLastAdmin } from './last-admin';
import { requireProjectField } from './projects';
import { type Binding, holds, requirePermission, scopeText } from './rbac';
import { findRole } from './roles';

interface BindingRow {
  id: string;
  principal_type: 'service_account' | 'user';
  principal_id: string;
  role: string;
  project_id: string | null;
  created_at: string;
}

const bindingOf = (r: BindingRow): RoleBinding => ({
  id: r.id,
  service_account_id: r.principal_id,
  role: r.role,
  project_id: r.project_id,
  created_at: r.created_at,
});

/** The effective bindings of a principal, with each role's permissions resolved. */
export async function bindingsOf(db: Queryable, principalType: 'service_account' | 'user', principalId: string): Promise<Binding[]> {
  const rows = await db.all<BindingRow & { permissions: string }>(
    'SELECT b.id, b.role, b.project_id, b.created_at, r.permissions FROM role_bindings b JOIN roles r ON r.name = b.role WHERE b.principal_type = ? AND b.principal_id = ?',
    [principalType, principalId],
  );
  return rows.map((r) => ({ id: r.id, role: r.role, project_id: r.project_id, created_at: r.created_at, permissions: json<Permission[]>(r.permissions) }));
}

/**
 * Grants `role` at a scope. No escalation: the caller must hold every permission of the role at
 * that scope itself, besides `role_bindings:write`.
 */
export async function grantRole(ctx: Ctx, principalType: 'service_account' | 'user', principalId: string, roleName: string, projectId: string | null): Promise<string> {
  requirePermission(ctx.principal, 'role_bindings:write', projectId);
  const role = await findRole(ctx.db, roleName);
  if (!role) throw errors.field('role', `role "${roleName}" does not exist; see GET /v1/roles`);
  const missing = role.permissions.filter((p) => !holds(ctx.principal, p, projectId));
  if (missing.length > 0) throw errors.escalation(roleName, missing);
  const existing = await ctx.db.get<{ id: string }>('SELECT id FROM role_bindings WHERE principal_type = ? AND principal_id = ? AND role = ? AND scope_key = ?', [
    principalType,
    principalId,
    roleName,
    projectId ?? '',
  ]);
  const bound = (existingId?: string) => errors.bindingExists(roleName, scopeText(projectId), existingId);
  if (existing) throw bound(existing.id);
  const id = newId('rb');
  try {
    await ctx.db.run('INSERT INTO role_bindings (id, principal_type, principal_id, role, project_id, scope_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      id,
      principalType,
      principalId,
      roleName,
      projectId,
      projectId ?? '',
      ctx.clock.now().toISOString(),
    ]);
  } catch (err) {
    // A concurrent request won the race; PostgreSQL has aborted this transaction, so no lookup.
    if (err instanceof UniqueViolation) throw bound();
    throw err;
  }
  await audit(ctx, 'role_binding.create', 'role_binding', id);
  return id;
}

async function findBinding(ctx: Ctx, id: string): Promise<BindingRow> {
  const row = await ctx.db.get<BindingRow>("SELECT * FROM role_bindings WHERE id = ? AND principal_type = 'service_account'", [id]);
  if (!row) throw errors.notFound('Role binding', id);
  requirePermission(ctx.principal, 'role_bindings:read', row.project_id);
  return row;
}

export async function createRoleBinding(ctx: Ctx, input: { service_account_id: string; role: string; project_id: string | null }): Promise<RoleBinding> {
  const account = await ctx.db.get<{ project_id: string | null }>('SELECT project_id FROM service_accounts WHERE id = ?', [input.service_account_id]);
  if (!account) throw errors.field('service_account_id', `service account "${input.service_account_id}" does not exist`);
  await requireProjectField(ctx, input.project_id);
  if (account.project_id !== null && input.project_id !== account.project_id) {
    throw errors.field('project_id', `the service account belongs to project "${account.project_id}" and can be bound only inside it`);
  }
  const id = await grantRole(ctx, 'service_account', input.service_account_id, input.role, input.project_id);
  return findBinding(ctx, id).then(bindingOf);
}

export async function listRoleBindings(ctx: Ctx, query: PageRequest & { service_account_id?: string | undefined; project_id?: string | undefined }): Promise<Page<RoleBinding>> {
  const visible = visibleIn(ctx.principal, 'role_bindings:read', 'project_id');
  const where: [string, Param[]][] = [["principal_type = 'service_account'", []], ...visible];
  if (query.service_account_id !== undefined) where.push(['principal_id = ?', [query.service_account_id]]);
  if (query.project_id !== undefined) where.push(['project_id = ?', [query.project_id]]);
  return pageOf(ctx.db, 'role_bindings', where, query, bindingOf);
}

export async function getRoleBinding(ctx: Ctx, id: string): Promise<RoleBinding> {
  return bindingOf(await findBinding(ctx, id));
}

export async function deleteRoleBinding(ctx: Ctx, id: string): Promise<void> {
  const row = await findBinding(ctx, id);
  requirePermission(ctx.principal, 'role_bindings:write', row.project_id);
  if (row.role === 'admin' && row.project_id === null) await refuseRemovingLastAdmin(ctx, { type: row.principal_type, id: row.principal_id });
  await ctx.db.run('DELETE FROM role_bindings WHERE id = ?', [id]);
  await audit(ctx, 'role_binding.delete', 'role_binding', id);
}
