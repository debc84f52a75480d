import { errors } from '../errors';
import type { Ctx } from './context';

export type PrincipalRef = { type: 'user' | 'service_account'; id: string };

/**
 * Refuses a change that would leave the organization without an active administrator (a person
 * or service account holding the built-in `admin` role at organization scope), whatever the
 * route: SCIM delete and deactivate, deleting or disabling a service account, unbinding.
 */
export async function refuseRemovingLastAdmin(ctx: Ctx, who: PrincipalRef): Promise<void> {
  // Locks the admin role's row (PostgreSQL) so two concurrent removals cannot each see the
  // other admin still active; SQLite transactions are serialized already.
  await ctx.db.run("UPDATE roles SET version = version WHERE name = 'admin'");
  const admins = await ctx.db.all<{ principal_type: PrincipalRef['type']; principal_id: string }>(
    `SELECT b.principal_type, b.principal_id FROM role_bindings b
       LEFT JOIN users u ON b.principal_type = 'user' AND u.id = b.principal_id
       LEFT JOIN service_accounts s ON b.principal_type = 'service_account' AND s.id = b.principal_id
     WHERE b.role = 'admin' AND b.project_id IS NULL
       AND ((b.principal_type = 'user' AND u.active = 1)
         OR (b.principal_type = 'service_account' AND s.disabled = 0 AND (s.expires_at IS NULL OR s.expires_at > ?)))
     LIMIT 2`,
    [ctx.clock.now().toISOString()],
  );
  const isAdmin = admins.some((a) => a.principal_type === who.type && a.principal_id === who.id);
  if (isAdmin && admins.length === 1) throw errors.lastAdmin(who.id);
}
