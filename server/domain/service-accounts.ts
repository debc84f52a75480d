import { randomUUID } from 'node:crypto';
import { type Page, type ServiceAccount, type ServiceAccountCreate, type ServiceAccountPatch, TEAMS } from '../../api-client/contract';
import { errors } from '../errors';
import { type Param, UniqueViolation } from '../store';
import { audit } from './audit';
import { type Ctx, bool, etagOf, json, requireIfMatch } from './context';
import { newId } from './ids';
import { type PageRequest, pageOf, visibleIn } from './paging';
import { refuseRemovingLastAdmin } from './last-admin';
import { requireProjectField } from './projects';
import { requirePermission } from './rbac';
import { revokeAllOf } from './token-secrets';

export interface ServiceAccountRow {
  id: string;
  uid: string;
  name: string;
  display_name: string;
  description: string;
  project_id: string | null;
  disabled: number;
  expires_at: string | null;
  teams: string;
  allowed_cidrs: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export const serviceAccountOf = (r: ServiceAccountRow): ServiceAccount => ({
  id: r.id,
  uid: r.uid,
  name: r.name,
  display_name: r.display_name,
  description: r.description,
  user_name: `${r.name}@service`,
  user_type: 'service',
  project_id: r.project_id,
  disabled: bool(r.disabled),
  expires_at: r.expires_at,
  teams: json<string[]>(r.teams),
  allowed_cidrs: json<string[]>(r.allowed_cidrs),
  created_at: r.created_at,
  updated_at: r.updated_at,
  etag: etagOf(r.version),
});

/** Every account belongs to the `public` team, listed first. */
const withPublic = (teams: string[]): string[] => [TEAMS.always, ...new Set(teams.filter((t) => t.toLowerCase() !== TEAMS.always))];
const scopeKey = (projectId: string | null) => projectId ?? '';
const nameTaken = (name: string, projectId: string | null) =>
  errors.nameTaken(`service account named "${name}"`, projectId === null ? 'in the organization' : `in project "${projectId}"`, 'choose another name or adopt the existing one');

function futureOrNull(ctx: Ctx, expiresAt: string | null | undefined): void {
  if (expiresAt && Date.parse(expiresAt) <= ctx.clock.now().getTime()) throw errors.field('expires_at', 'must be in the future');
}

export async function findServiceAccount(ctx: Pick<Ctx, 'db'>, id: string): Promise<ServiceAccountRow> {
  const row = await ctx.db.get<ServiceAccountRow>('SELECT * FROM service_accounts WHERE id = ?', [id]);
  if (!row) throw errors.notFound('Service account', id);
  return row;
}

/** Reads need `service_accounts:read` at the account's scope; unknown and invisible look the same. */
export async function readableServiceAccount(ctx: Ctx, id: string): Promise<ServiceAccountRow> {
  const row = await findServiceAccount(ctx, id);
  requirePermission(ctx.principal, 'service_accounts:read', row.project_id);
  return row;
}

export async function listServiceAccounts(ctx: Ctx, query: PageRequest & { project_id?: string | undefined; name?: string | undefined }): Promise<Page<ServiceAccount>> {
  const visible = visibleIn(ctx.principal, 'service_accounts:read', 'project_id');
  const where: [string, Param[]][] = [...visible];
  if (query.project_id !== undefined) where.push(['project_id = ?', [query.project_id]]);
  if (query.name !== undefined) where.push(['name = ?', [query.name]]);
  return pageOf(ctx.db, 'service_accounts', where, query, serviceAccountOf);
}

export async function getServiceAccount(ctx: Ctx, id: string): Promise<ServiceAccount> {
  return serviceAccountOf(await readableServiceAccount(ctx, id));
}

export async function createServiceAccount(ctx: Ctx, input: ServiceAccountCreate & { project_id: string | null }): Promise<ServiceAccount> {
  requirePermission(ctx.principal, 'service_accounts:write', input.project_id);
  await requireProjectField(ctx, input.project_id);
  futureOrNull(ctx, input.expires_at);
  const now = ctx.clock.now().toISOString();
  const id = newId('sa');
  try {
    await ctx.db.run(
      `INSERT INTO service_accounts (id, uid, name, display_name, description, project_id, scope_key, disabled, expires_at, teams, allowed_cidrs, created_at, updated_at, version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
      [
        id,
        randomUUID(),
        input.name,
        input.display_name ?? input.name,
        input.description ?? '',
        input.project_id,
        scopeKey(input.project_id),
        input.disabled ? 1 : 0,
        input.expires_at ?? null,
        JSON.stringify(withPublic(input.teams ?? [])),
        JSON.stringify(input.allowed_cidrs ?? []),
        now,
        now,
      ],
    );
  } catch (err) {
    if (err instanceof UniqueViolation) throw nameTaken(input.name, input.project_id);
    throw err;
  }
  await audit(ctx, 'service_account.create', 'service_account', id);
  return serviceAccountOf(await findServiceAccount(ctx, id));
}

export async function updateServiceAccount(ctx: Ctx, id: string, patch: ServiceAccountPatch, ifMatch: string | undefined): Promise<ServiceAccount> {
  const row = await readableServiceAccount(ctx, id);
  requirePermission(ctx.principal, 'service_accounts:write', row.project_id);
  requireIfMatch(ifMatch, etagOf(row.version));
  if (patch.expires_at !== undefined) futureOrNull(ctx, patch.expires_at);
  if (patch.disabled === true && !bool(row.disabled)) await refuseRemovingLastAdmin(ctx, { type: 'service_account', id });
  const name = patch.name ?? row.name;
  try {
    await ctx.db.run(
      `UPDATE service_accounts SET name = ?, display_name = ?, description = ?, disabled = ?, expires_at = ?, teams = ?, allowed_cidrs = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
      [
        name,
        patch.display_name ?? row.display_name,
        patch.description ?? row.description,
        (patch.disabled ?? bool(row.disabled)) ? 1 : 0,
        patch.expires_at !== undefined ? patch.expires_at : row.expires_at,
        patch.teams ? JSON.stringify(withPublic(patch.teams)) : row.teams,
        patch.allowed_cidrs ? JSON.stringify(patch.allowed_cidrs) : row.allowed_cidrs,
        ctx.clock.now().toISOString(),
        id,
      ],
    );
  } catch (err) {
    if (err instanceof UniqueViolation) throw nameTaken(name, row.project_id);
    throw err;
  }
  const action =
    patch.disabled === true && !bool(row.disabled)
      ? 'service_account.disable'
      : patch.disabled === false && bool(row.disabled)
        ? 'service_account.enable'
        : 'service_account.update';
  await audit(ctx, action, 'service_account', id);
  return serviceAccountOf(await findServiceAccount(ctx, id));
}

/** Deleting an account revokes every token and removes every binding, in one transaction. */
export async function deleteServiceAccount(ctx: Ctx, id: string): Promise<void> {
  const row = await readableServiceAccount(ctx, id);
  requirePermission(ctx.principal, 'service_accounts:write', row.project_id);
  await refuseRemovingLastAdmin(ctx, { type: 'service_account', id });
  await revokeAllOf(ctx, 'service_account', id);
  await ctx.db.run("DELETE FROM role_bindings WHERE principal_type = 'service_account' AND principal_id = ?", [id]);
  await ctx.db.run('DELETE FROM federated_credentials WHERE service_account_id = ?', [id]);
  await ctx.db.run('DELETE FROM service_accounts WHERE id = ?', [id]);
  await audit(ctx, 'service_account.delete', 'service_account', id);
}
