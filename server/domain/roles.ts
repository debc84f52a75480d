import { ERRORS, type Page, type Permission, type Role, type RoleCreate, type RolePatch } from '../../api-client/contract';
import { errors, refuse } from '../errors';
import type { Queryable } from '../store';
import { UniqueViolation } from '../store';
import { audit } from './audit';
import { type Ctx, bool, etagOf, json, requireIfMatch } from './context';
import { type PageRequest } from './paging';
import { BUILT_IN_ROLES, requirePermission } from './rbac';

interface RoleRow {
  name: string;
  description: string;
  permissions: string;
  built_in: number;
  created_at: string;
  updated_at: string;
  version: number;
}

const roleOf = (r: RoleRow): Role => ({
  name: r.name,
  description: r.description,
  permissions: json<Permission[]>(r.permissions),
  built_in: bool(r.built_in),
  created_at: r.created_at,
  updated_at: r.updated_at,
  etag: etagOf(r.version),
});

/** Built-in roles are rows too, so bindings can reference every role the same way. */
export async function seedBuiltInRoles(db: Queryable, now: string): Promise<void> {
  for (const [name, role] of Object.entries(BUILT_IN_ROLES)) {
    const existing = await db.get<RoleRow>('SELECT * FROM roles WHERE name = ?', [name]);
    const permissions = JSON.stringify(role.permissions);
    if (!existing) {
      await db.run('INSERT INTO roles (name, description, permissions, built_in, created_at, updated_at, version) VALUES (?, ?, ?, 1, ?, ?, 1)', [
        name,
        role.description,
        permissions,
        now,
        now,
      ]);
    } else if (existing.permissions !== permissions || existing.description !== role.description) {
      await db.run('UPDATE roles SET description = ?, permissions = ?, updated_at = ?, version = version + 1 WHERE name = ?', [role.description, permissions, now, name]);
    }
  }
}

export async function findRole(db: Queryable, name: string): Promise<Role | undefined> {
  const row = await db.get<RoleRow>('SELECT * FROM roles WHERE name = ?', [name]);
  return row && roleOf(row);
}

async function requireRole(ctx: Ctx, name: string): Promise<Role> {
  const role = await findRole(ctx.db, name);
  if (!role) throw errors.notFound('Role', name);
  return role;
}

export async function listRoles(ctx: Ctx, req: PageRequest): Promise<Page<Role>> {
  requirePermission(ctx.principal, 'roles:read', null);
  const after = req.page_token ? Buffer.from(req.page_token, 'base64url').toString('utf8') : '';
  const rows = await ctx.db.all<RoleRow>('SELECT * FROM roles WHERE name > ? ORDER BY name LIMIT ?', [after, req.limit + 1]);
  const items = rows.slice(0, req.limit);
  const last = items.at(-1);
  return { items: items.map(roleOf), next_page_token: rows.length > req.limit && last ? Buffer.from(last.name).toString('base64url') : null };
}

export async function getRole(ctx: Ctx, name: string): Promise<Role> {
  requirePermission(ctx.principal, 'roles:read', null);
  return requireRole(ctx, name);
}

export async function createRole(ctx: Ctx, input: Required<RoleCreate>): Promise<Role> {
  requirePermission(ctx.principal, 'roles:write', null);
  const now = ctx.clock.now().toISOString();
  try {
    await ctx.db.run('INSERT INTO roles (name, description, permissions, built_in, created_at, updated_at, version) VALUES (?, ?, ?, 0, ?, ?, 1)', [
      input.name,
      input.description,
      JSON.stringify([...new Set(input.permissions)]),
      now,
      now,
    ]);
  } catch (err) {
    if (err instanceof UniqueViolation) throw errors.nameTaken(`role named "${input.name}"`);
    throw err;
  }
  await audit(ctx, 'role.create', 'role', input.name);
  return requireRole(ctx, input.name);
}

function refuseBuiltIn(role: Role): void {
  if (role.built_in) throw refuse(ERRORS.BUILT_IN_ROLE, role.name);
}

export async function updateRole(ctx: Ctx, name: string, patch: RolePatch, ifMatch: string | undefined): Promise<Role> {
  requirePermission(ctx.principal, 'roles:write', null);
  const role = await requireRole(ctx, name);
  refuseBuiltIn(role);
  requireIfMatch(ifMatch, role.etag);
  await ctx.db.run('UPDATE roles SET description = ?, permissions = ?, updated_at = ?, version = version + 1 WHERE name = ?', [
    patch.description ?? role.description,
    JSON.stringify([...new Set(patch.permissions ?? role.permissions)]),
    ctx.clock.now().toISOString(),
    name,
  ]);
  await audit(ctx, 'role.update', 'role', name);
  return requireRole(ctx, name);
}

export async function deleteRole(ctx: Ctx, name: string): Promise<void> {
  requirePermission(ctx.principal, 'roles:write', null);
  const role = await requireRole(ctx, name);
  refuseBuiltIn(role);
  const bound = await ctx.db.get<{ id: string }>('SELECT id FROM role_bindings WHERE role = ? LIMIT 1', [name]);
  if (bound) throw errors.roleInUse(name, bound.id);
  await ctx.db.run('DELETE FROM roles WHERE name = ?', [name]);
  await audit(ctx, 'role.delete', 'role', name);
}
