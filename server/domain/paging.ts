import type { Page } from '../../api-client/contract';
import { errors } from '../errors';
import { type Principal, projectsWith } from './rbac';
import type { Permission } from '../../api-client/contract';
import type { Param, Queryable } from '../store';

export interface PageRequest {
  limit: number;
  page_token?: string | undefined;
}

/** Page tokens are the opaque (base64url) id of the last item returned. */
function cursorOf(token: string | undefined): string | null {
  if (token === undefined) return null;
  const id = Buffer.from(token, 'base64url').toString('utf8');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw errors.field('page_token', 'is not a page token this server issued');
  return id;
}

/**
 * Keyset pagination over `id` (ids sort by creation time). `where` is a list of SQL conditions
 * with their parameters; newest-first lists pass `descending`.
 */
export async function pageOf<R extends { id: string }, T>(
  db: Queryable,
  table: string,
  where: [string, Param[]][],
  req: PageRequest,
  map: (row: R) => T,
  descending = false,
): Promise<Page<T>> {
  const cursor = cursorOf(req.page_token);
  const conditions = [...where];
  if (cursor !== null) conditions.push([descending ? 'id < ?' : 'id > ?', [cursor]]);
  const sql = `SELECT * FROM ${table}${conditions.length ? ` WHERE ${conditions.map(([c]) => c).join(' AND ')}` : ''} ORDER BY id ${descending ? 'DESC' : 'ASC'} LIMIT ?`;
  const rows = await db.all<R>(sql, [...conditions.flatMap(([, p]) => p), req.limit + 1]);
  const more = rows.length > req.limit;
  const items = rows.slice(0, req.limit);
  const last = items.at(-1);
  return { items: items.map(map), next_page_token: more && last ? Buffer.from(last.id).toString('base64url') : null };
}

/**
 * The rows of a list the principal may see: those in projects where it holds `permission`
 * (all of them when it holds it organization-wide). Holding it nowhere is 403, not an empty
 * list, so a missing binding shows as such rather than as "nothing there".
 */
export function visibleIn(principal: Principal, permission: Permission, column: string): [string, Param[]][] {
  const visible = projectsWith(principal, permission);
  if (visible === 'all') return [];
  if (visible.size === 0) throw errors.forbidden(permission, 'at organization scope or in at least one project');
  return [[`${column} IN (${[...visible].map(() => '?').join(', ')})`, [...visible]]];
}
