import type { AuditEvent, Page } from '../../api-client/contract';
import type { Param } from '../store';
import { type AuditRow, auditEventOf } from './audit';
import type { Ctx } from './context';
import { type PageRequest, pageOf } from './paging';
import { requirePermission } from './rbac';

export interface AuditQuery extends PageRequest {
  actor_id?: string | undefined;
  target_id?: string | undefined;
  action?: string | undefined;
  since?: string | undefined;
}

/** Newest first. */
export async function listAuditEvents(ctx: Ctx, q: AuditQuery): Promise<Page<AuditEvent>> {
  requirePermission(ctx.principal, 'audit:read', null);
  const where: [string, Param[]][] = [];
  if (q.actor_id !== undefined) where.push(['actor_id = ?', [q.actor_id]]);
  if (q.target_id !== undefined) where.push(['target_id = ?', [q.target_id]]);
  if (q.action !== undefined) where.push(['action = ?', [q.action]]);
  if (q.since !== undefined) where.push(['time >= ?', [q.since]]);
  return pageOf<AuditRow, AuditEvent>(ctx.db, 'audit_events', where, q, auditEventOf, true);
}
