import { z } from 'zod';
import { Id, Timestamp } from './common';

export const UserCreate = z.strictObject({
  email: z.email().max(254),
  name: z.string().min(1).max(256),
  password: z.string().min(12).max(256).optional().describe('absent: the user cannot sign in with a password'),
  role: z.string().optional().describe('organization-scoped role to bind, e.g. member'),
});
export const User = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  user_type: z.literal('user'),
  active: z.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
  etag: z.string(),
});
export const SessionCreate = z.strictObject({
  email: z.string().min(1).max(254),
  password: z.string().min(1).max(256),
});
export const Session = z.object({
  id: Id.describe('the session id (not a secret)'),
  token: z.string().describe('session secret; send as a bearer token'),
  expires_at: Timestamp,
  user: User,
});
export type UserCreate = z.input<typeof UserCreate>;
export type User = z.infer<typeof User>;
export type SessionCreate = z.input<typeof SessionCreate>;
export type Session = z.infer<typeof Session>;
