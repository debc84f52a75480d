import { z } from 'zod';
import { Id, Timestamp } from './common';

export const AuditEvent = z.object({
  id: Id,
  time: Timestamp,
  actor: z.object({
    user_type: z.enum(['user', 'service', 'anonymous']),
    id: Id.nullable(),
    token_id: Id.nullable(),
    external_subject: z.string().optional().describe('token exchanges: the issuer and subject of the external token ("<iss> <sub>"), never the token'),
  }),
  action: z.string().describe('e.g. service_account.create, token.revoke, auth.refused'),
  target: z.object({ type: z.string(), id: z.string().nullable() }),
  outcome: z.enum(['success', 'failure']),
  request_id: z.string(),
});
export const AuditEventQuery = z.strictObject({
  actor_id: Id.optional(),
  target_id: Id.optional(),
  action: z.string().max(64).optional(),
  since: Timestamp.optional(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;
