import type { AuditEvent } from '../../api-client/contract';
import type { Queryable } from '../store';
import type { Ctx } from './context';
import { newId } from './ids';

export interface AuditEntry {
  action: string;
  target: { type: string; id: string | null };
  outcome: 'success' | 'failure';
}

type Actor = AuditEvent['actor'];

export async function writeAudit(db: Queryable, actor: Actor, entry: AuditEntry, requestId: string, time: Date): Promise<void> {
  await db.run(
    `INSERT INTO audit_events (id, time, actor_type, actor_id, actor_token_id, action, target_type, target_id, outcome, request_id, external_subject)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      newId('evt'),
      time.toISOString(),
      actor.user_type,
      actor.id,
      actor.token_id,
      entry.action,
      entry.target.type,
      entry.target.id,
      entry.outcome,
      requestId,
      actor.external_subject ?? null,
    ],
  );
}

/** Records a change made by the caller, in the caller's transaction. */
export function audit(ctx: Ctx, action: string, targetType: string, targetId: string | null): Promise<void> {
  const p = ctx.principal;
  const actor: Actor = p.user_type === 'anonymous' ? { user_type: 'anonymous', id: null, token_id: null } : { user_type: p.user_type, id: p.id, token_id: p.token_id };
  return writeAudit(ctx.db, actor, { action, target: { type: targetType, id: targetId }, outcome: 'success' }, ctx.requestId, ctx.clock.now());
}

interface AuditRow {
  id: string;
  time: string;
  actor_type: Actor['user_type'];
  actor_id: string | null;
  actor_token_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  outcome: 'success' | 'failure';
  request_id: string;
  external_subject?: string | null;
}

export function auditEventOf(r: AuditRow): AuditEvent {
  return {
    id: r.id,
    time: r.time,
    actor: { user_type: r.actor_type, id: r.actor_id, token_id: r.actor_token_id, ...(r.external_subject ? { external_subject: r.external_subject } : {}) },
    action: r.action,
    target: { type: r.target_type, id: r.target_id },
    outcome: r.outcome,
    request_id: r.request_id,
  };
}
export type { AuditRow };
