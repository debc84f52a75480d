import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Page, Session, User, UserCreate } from '../../api-client/contract';
import { errors } from '../errors';
import { type Queryable, UniqueViolation } from '../store';
import { audit } from './audit';
import { type Ctx, bool, etagOf } from './context';
import { newId } from './ids';
import { type PageRequest, pageOf } from './paging';
import { requirePermission } from './rbac';
import { grantRole } from './role-bindings';
import { issueToken } from './token-secrets';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number }) => Promise<Buffer>;
const SCRYPT = { N: 16384, r: 8, p: 1 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  // Unknown users still pay for one hash, so timing does not tell which emails exist.
  const [, n, r, p, salt, hash] = (stored ?? `scrypt$16384$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`).split('$');
  const expected = Buffer.from(hash ?? '', 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt ?? '', 'base64url'), expected.length || 32, { N: Number(n), r: Number(r), p: Number(p) });
  return stored !== null && actual.length === expected.length && timingSafeEqual(actual, expected);
}

export interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  active: number;
  external_id: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export const userOf = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  user_type: 'user',
  active: bool(r.active),
  created_at: r.created_at,
  updated_at: r.updated_at,
  etag: etagOf(r.version),
});

export async function findUser(db: Queryable, id: string): Promise<UserRow> {
  const row = await db.get<UserRow>('SELECT * FROM users WHERE id = ?', [id]);
  if (!row) throw errors.notFound('User', id);
  return row;
}

export async function insertUser(
  db: Queryable,
  user: { email: string; name: string; passwordHash: string | null; active: boolean; externalId?: string | null },
  now: string,
): Promise<string> {
  const id = newId('usr');
  try {
    await db.run('INSERT INTO users (id, email, name, password_hash, active, external_id, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)', [
      id,
      user.email.toLowerCase(),
      user.name,
      user.passwordHash,
      user.active ? 1 : 0,
      user.externalId ?? null,
      now,
      now,
    ]);
  } catch (err) {
    if (err instanceof UniqueViolation) throw errors.nameTaken(`user with email "${user.email}"`, '', 'use another email');
    throw err;
  }
  return id;
}

export async function listUsers(ctx: Ctx, req: PageRequest): Promise<Page<User>> {
  requirePermission(ctx.principal, 'users:read', null);
  return pageOf(ctx.db, 'users', [], req, userOf);
}

export async function getUser(ctx: Ctx, id: string): Promise<User> {
  if (!(ctx.principal.user_type === 'user' && ctx.principal.id === id)) requirePermission(ctx.principal, 'users:read', null);
  return userOf(await findUser(ctx.db, id));
}

/** The password is hashed by the caller before the transaction: scrypt must not hold the store's lock. */
export async function createUser(ctx: Ctx, input: UserCreate, passwordHash: string | null): Promise<User> {
  requirePermission(ctx.principal, 'users:write', null);
  const id = await insertUser(ctx.db, { email: input.email, name: input.name, passwordHash, active: true }, ctx.clock.now().toISOString());
  if (input.role !== undefined) await grantRole(ctx, 'user', id, input.role, null);
  await audit(ctx, 'user.create', 'user', id);
  return userOf(await findUser(ctx.db, id));
}

export type SignIn = { ok: true; user: UserRow } | { ok: false; serviceAccountId: string | null; userId: string | null };

/** People only: a service account's user name is recognised and refused. */
export async function checkPassword(db: Queryable, email: string, password: string): Promise<SignIn> {
  const sa = /^([a-z][a-z0-9_-]{0,62})@service$/.exec(email.trim());
  if (sa) {
    const account = await db.get<{ id: string }>('SELECT id FROM service_accounts WHERE name = ? LIMIT 1', [sa[1]!]);
    if (account) return { ok: false, serviceAccountId: account.id, userId: null };
  }
  const user = await db.get<UserRow>('SELECT * FROM users WHERE email = ?', [email.trim().toLowerCase()]);
  const valid = await verifyPassword(password, user?.password_hash ?? null);
  if (!user || !valid || !bool(user.active)) return { ok: false, serviceAccountId: null, userId: user?.id ?? null };
  return { ok: true, user };
}

export async function createSession(ctx: Ctx, user: UserRow): Promise<Session> {
  const expiresAt = new Date(ctx.clock.now().getTime() + ctx.policy.sessionTtlMinutes * 60_000).toISOString();
  const { id, secret } = await issueToken(ctx, { kind: 'session', ownerType: 'user', ownerId: user.id, scopes: ['api'], expiresAt });
  return { id, token: secret, expires_at: expiresAt, user: userOf(user) };
}
