import { ERRORS, type ScimPatch, type ScimUser, type ScimUserInput, SCIM_LIST_SCHEMA, SCIM_USER_SCHEMA } from '../../api-client/contract';
import { refuse } from '../errors';
import { applyScimPatch } from './scim-patch';
import type { Param } from '../store';
import { audit } from './audit';
import { type Ctx, bool, etagOf } from './context';
import { refuseRemovingLastAdmin } from './last-admin';
import { revokeAllOf } from './token-secrets';
import { type UserRow, findUser, insertUser } from './users';

export function scimUserOf(r: UserRow, baseUrl: string): ScimUser {
  return {
    schemas: [SCIM_USER_SCHEMA],
    id: r.id,
    ...(r.external_id ? { externalId: r.external_id } : {}),
    userName: r.email,
    displayName: r.name,
    name: { formatted: r.name },
    emails: [{ value: r.email, primary: true }],
    active: bool(r.active),
    meta: { resourceType: 'User', created: r.created_at, lastModified: r.updated_at, location: `${baseUrl}/scim/v2/Users/${r.id}`, version: `W/${etagOf(r.version)}` },
  };
}

async function scimFind(ctx: Ctx, id: string, ifMatch?: string): Promise<UserRow> {
  let row: UserRow;
  try {
    row = await findUser(ctx.db, id);
  } catch {
    throw refuse(ERRORS.SCIM_NOT_FOUND, `User ${id} not found`);
  }
  if (ifMatch !== undefined && !ifMatchAccepts(ifMatch, etagOf(row.version))) {
    throw refuse(ERRORS.SCIM_PRECONDITION_FAILED, id);
  }
  return row;
}

/**
 * SCIM versions are weak entity tags (RFC 7644 3.14) and identity providers send them back in
 * If-Match as they got them, so the comparison ignores the `W/` prefix; `*` matches any.
 */
function ifMatchAccepts(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** Only the filter IdPs send in practice: `userName eq "..."` (and `externalId eq`). */
function parseFilter(filter: string | undefined): [string, Param[]][] {
  if (!filter) return [];
  const m = /^\s*(userName|externalId)\s+eq\s+"([^"]*)"\s*$/i.exec(filter);
  if (!m) throw refuse(ERRORS.SCIM_INVALID_FILTER);
  return m[1]!.toLowerCase() === 'username' ? [['email = ?', [m[2]!.toLowerCase()]]] : [['external_id = ?', [m[2]!]]];
}

export async function scimList(ctx: Ctx, q: { filter?: string | undefined; startIndex: number; count: number }, baseUrl: string) {
  const where = parseFilter(q.filter);
  const clause = where.length ? ` WHERE ${where.map(([c]) => c).join(' AND ')}` : '';
  const params = where.flatMap(([, p]) => p);
  const total = await ctx.db.get<{ n: number }>(`SELECT CAST(COUNT(*) AS INTEGER) AS n FROM users${clause}`, params);
  const rows = await ctx.db.all<UserRow>(`SELECT * FROM users${clause} ORDER BY id LIMIT ? OFFSET ?`, [...params, q.count, q.startIndex - 1]);
  return {
    schemas: [SCIM_LIST_SCHEMA],
    totalResults: Number(total?.n ?? 0),
    startIndex: q.startIndex,
    itemsPerPage: rows.length,
    Resources: rows.map((r) => scimUserOf(r, baseUrl)),
  };
}

export async function scimGet(ctx: Ctx, id: string, baseUrl: string): Promise<ScimUser> {
  return scimUserOf(await scimFind(ctx, id), baseUrl);
}

function displayNameOf(input: ScimUserInput): string {
  return input.displayName ?? input.name?.formatted ?? ([input.name?.givenName, input.name?.familyName].filter(Boolean).join(' ') || input.userName);
}

export async function scimCreate(ctx: Ctx, input: ScimUserInput, baseUrl: string): Promise<ScimUser> {
  if (await ctx.db.get('SELECT id FROM users WHERE email = ?', [input.userName.toLowerCase()])) {
    throw refuse(ERRORS.SCIM_UNIQUENESS, input.userName);
  }
  const id = await insertUser(
    ctx.db,
    { email: input.userName, name: displayNameOf(input), passwordHash: null, active: input.active ?? true, externalId: input.externalId ?? null },
    ctx.clock.now().toISOString(),
  );
  await audit(ctx, 'scim.user.create', 'user', id);
  return scimGet(ctx, id, baseUrl);
}

async function write(ctx: Ctx, row: UserRow, changes: { email: string; name: string; active: boolean; externalId: string | null }): Promise<void> {
  const clash = await ctx.db.get<{ id: string }>('SELECT id FROM users WHERE email = ? AND id <> ?', [changes.email.toLowerCase(), row.id]);
  if (clash) throw refuse(ERRORS.SCIM_UNIQUENESS, changes.email);
  if (!changes.active && bool(row.active)) await refuseRemovingLastAdmin(ctx, { type: 'user', id: row.id });
  await ctx.db.run('UPDATE users SET email = ?, name = ?, active = ?, external_id = ?, updated_at = ?, version = version + 1 WHERE id = ?', [
    changes.email.toLowerCase(),
    changes.name,
    changes.active ? 1 : 0,
    changes.externalId,
    ctx.clock.now().toISOString(),
    row.id,
  ]);
  if (!changes.active) {
    // A deactivated person's tokens and sessions stop working with the account.
    await revokeAllOf(ctx, 'user', row.id, 'session');
  }
}

export async function scimReplace(ctx: Ctx, id: string, input: ScimUserInput, baseUrl: string, ifMatch?: string): Promise<ScimUser> {
  const row = await scimFind(ctx, id, ifMatch);
  await write(ctx, row, { email: input.userName, name: displayNameOf(input), active: input.active ?? true, externalId: input.externalId ?? null });
  await audit(ctx, 'scim.user.replace', 'user', id);
  return scimGet(ctx, id, baseUrl);
}

export async function scimPatch(ctx: Ctx, id: string, patch: ScimPatch, baseUrl: string, ifMatch?: string): Promise<ScimUser> {
  const row = await scimFind(ctx, id, ifMatch);
  const next = applyScimPatch({ email: row.email, name: row.name, active: bool(row.active), externalId: row.external_id }, patch.Operations);
  await write(ctx, row, next);
  await audit(ctx, 'scim.user.patch', 'user', id);
  return scimGet(ctx, id, baseUrl);
}

export async function scimDelete(ctx: Ctx, id: string, ifMatch?: string): Promise<void> {
  await scimFind(ctx, id, ifMatch);
  await refuseRemovingLastAdmin(ctx, { type: 'user', id });
  await revokeAllOf(ctx, 'user', id);
  await ctx.db.run("DELETE FROM role_bindings WHERE principal_type = 'user' AND principal_id = ?", [id]);
  await ctx.db.run('DELETE FROM users WHERE id = ?', [id]);
  await audit(ctx, 'scim.user.delete', 'user', id);
}
