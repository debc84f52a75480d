import type { z } from 'zod';
import type { Page, Token, TokenCreate, TokenPatch, TokenRegenerate, TokenScope, TokenWithSecret } from '../../api-client/contract';
import { errors } from '../errors';
import { type Queryable, UniqueViolation } from '../store';
import { audit } from './audit';
import { DAY_MS, addDays } from './clock';
import { type Ctx, bool, etagOf, json, requireIfMatch } from './context';
import { newId } from './ids';
import { type PageRequest, pageOf } from './paging';
import { requirePermission } from './rbac';
import { claimDigest, rememberDigest } from './secret-history';
import { generateSecret, secretHint } from './secrets';
import { readableServiceAccount } from './service-accounts';

export type OwnerType = 'service_account' | 'user';

export interface TokenRow {
  id: string;
  kind: 'api' | 'session';
  owner_type: OwnerType;
  owner_id: string;
  name: string;
  digest: string;
  hint: string;
  scopes: string;
  expires_at: string | null;
  /** The lifetime rule a regenerate without an expiry keeps; null: never expires. */
  lifetime_seconds: number | null;
  max_expires_at: string | null;
  extended: number;
  max_age_days: number | null;
  disabled: number;
  revoked_at: string | null;
  previous_digest: string | null;
  previous_expires_at: string | null;
  created_at: string;
  last_used_at: string | null;
  allowed_cidrs: string;
  max_unused_days: number | null;
  version: number;
}

/** With max_unused_days: when the token stops working unless used before (from its last use, or creation). */
export function unusedExpiresAt(r: Pick<TokenRow, 'max_unused_days' | 'last_used_at' | 'created_at'>): string | null {
  if (r.max_unused_days === null) return null;
  return addDays(new Date(r.last_used_at ?? r.created_at), r.max_unused_days).toISOString();
}

/** What authentication does with the token now: the first reason it would refuse, else `active`. */
export function tokenState(r: TokenRow, now: Date, ownerActive: boolean): Token['state'] {
  if (r.revoked_at !== null) return 'revoked';
  if (r.expires_at !== null && Date.parse(r.expires_at) <= now.getTime()) return 'expired';
  const unused = unusedExpiresAt(r);
  if (unused !== null && Date.parse(unused) <= now.getTime()) return 'expired';
  if (bool(r.disabled)) return 'disabled';
  if (!ownerActive) return 'owner_inactive';
  return 'active';
}

/** Whether the owner authenticates at all: a person not deactivated, an account neither disabled nor expired. */
export async function ownerActive(db: Queryable, ownerType: OwnerType, ownerId: string, now: Date): Promise<boolean> {
  if (ownerType === 'user') return bool((await db.get<{ active: number }>('SELECT active FROM users WHERE id = ?', [ownerId]))?.active);
  const account = await db.get<{ disabled: number; expires_at: string | null }>('SELECT disabled, expires_at FROM service_accounts WHERE id = ?', [ownerId]);
  return account !== undefined && !bool(account.disabled) && (account.expires_at === null || Date.parse(account.expires_at) > now.getTime());
}

/** A token as the API shows it, its state read against its owner. */
async function present(ctx: Ctx, r: TokenRow): Promise<Token> {
  const now = ctx.clock.now();
  return tokenOf(r, now, await ownerActive(ctx.db, r.owner_type, r.owner_id, now));
}

export function tokenOf(r: TokenRow, now: Date, ownerIsActive: boolean): Token {
  const graceLeft = r.previous_expires_at !== null && Date.parse(r.previous_expires_at) > now.getTime();
  return {
    id: r.id,
    name: r.name,
    owner_type: r.owner_type,
    owner_id: r.owner_id,
    token_hint: r.hint,
    scopes: json<TokenScope[]>(r.scopes),
    expires_at: r.expires_at,
    max_expires_at: r.max_expires_at,
    extended: bool(r.extended),
    max_age_days: r.max_age_days,
    disabled: bool(r.disabled),
    state: tokenState(r, now, ownerIsActive),
    revoked_at: r.revoked_at,
    previous_secret_expires_at: graceLeft ? r.previous_expires_at : null,
    allowed_cidrs: json<string[]>(r.allowed_cidrs),
    max_unused_days: r.max_unused_days,
    unused_expires_at: unusedExpiresAt(r),
    created_at: r.created_at,
    last_used_at: r.last_used_at,
    etag: etagOf(r.version),
  };
}

/** Who may manage an owner's tokens: `tokens:write` at a service account's scope; a person's own, or `users:write`. */
export async function authorizeOwner(ctx: Ctx, ownerType: OwnerType, ownerId: string, write: boolean): Promise<void> {
  if (ownerType === 'service_account') {
    const account = await readableServiceAccount(ctx, ownerId);
    requirePermission(ctx.principal, write ? 'tokens:write' : 'tokens:read', account.project_id);
    return;
  }
  if (ctx.principal.user_type === 'user' && ctx.principal.id === ownerId) return;
  requirePermission(ctx.principal, write ? 'users:write' : 'users:read', null);
  if (!(await ctx.db.get('SELECT id FROM users WHERE id = ?', [ownerId]))) throw errors.notFound('User', ownerId);
}

export async function findToken(ctx: Pick<Ctx, 'db'>, ownerType: OwnerType, ownerId: string, tokenId: string): Promise<TokenRow> {
  const row = await ctx.db.get<TokenRow>("SELECT * FROM tokens WHERE id = ? AND owner_type = ? AND owner_id = ? AND kind = 'api'", [tokenId, ownerType, ownerId]);
  if (!row) throw errors.notFound('Token', tokenId);
  return row;
}

/**
 * The secret to issue and its digest: the client's own (write-only tokens), which must never have
 * been issued before, or a fresh one.
 */
async function issueSecret(ctx: Ctx, supplied: string | undefined): Promise<{ secret: string; digest: string }> {
  const secret = supplied ?? generateSecret();
  const digest = ctx.digest(secret);
  if (supplied === undefined) {
    await rememberDigest(ctx.db, digest, ctx.clock.now());
    return { secret, digest };
  }
  // ON CONFLICT rather than a caught violation: a failed statement would abort a PostgreSQL transaction.
  if (!(await claimDigest(ctx.db, digest, ctx.clock.now()))) throw errors.secretReused();
  return { secret, digest };
}

/**
 * Resolves `expires_in_days` / `expires_at` (null: never) against the lifetime policy. Neither
 * given: `lifetimeSeconds` from now (null: never), the token's rule kept by a regenerate.
 * Returns the expiry and the lifetime rule to remember for the next regenerate.
 */
function expiryOf(
  ctx: Ctx,
  input: { expires_in_days?: number | undefined; expires_at?: string | null | undefined },
  lifetimeSeconds: number | null = (ctx.policy.tokenDefaultLifetimeDays * DAY_MS) / 1000,
): { expiresAt: string | null; lifetimeSeconds: number | null } {
  const now = ctx.clock.now();
  let expires: Date | null;
  let path = 'expires_in_days';
  if (input.expires_at !== undefined) {
    path = 'expires_at';
    expires = input.expires_at === null ? null : new Date(input.expires_at);
    if (expires && expires.getTime() <= now.getTime()) throw errors.field('expires_at', 'must be in the future');
  } else if (input.expires_in_days !== undefined) {
    expires = addDays(now, input.expires_in_days);
  } else {
    expires = lifetimeSeconds === null ? null : new Date(now.getTime() + lifetimeSeconds * 1000);
  }
  const max = ctx.policy.tokenMaxLifetimeDays;
  if (max !== null) {
    if (expires === null) throw errors.policy(path, `tokens must expire: this server allows at most ${max} days (WARDEN_TOKEN_MAX_LIFETIME_DAYS)`);
    if (expires.getTime() > addDays(now, max).getTime()) throw errors.policy(path, `is longer than the ${max} days this server allows (WARDEN_TOKEN_MAX_LIFETIME_DAYS)`);
  }
  return { expiresAt: expires && expires.toISOString(), lifetimeSeconds: expires && Math.round((expires.getTime() - now.getTime()) / 1000) };
}

/** An extended token never lives past this cap, however often it is used. */
function hardCapOf(ctx: Ctx): string {
  const days = Math.min(ctx.policy.extendedMaxLifetimeDays, ctx.policy.tokenMaxLifetimeDays ?? Infinity);
  return addDays(ctx.clock.now(), days).toISOString();
}

export async function listTokens(ctx: Ctx, ownerType: OwnerType, ownerId: string, req: PageRequest): Promise<Page<Token>> {
  await authorizeOwner(ctx, ownerType, ownerId, false);
  const now = ctx.clock.now();
  const active = await ownerActive(ctx.db, ownerType, ownerId, now);
  return pageOf<TokenRow, Token>(ctx.db, 'tokens', [["owner_type = ? AND owner_id = ? AND kind = 'api'", [ownerType, ownerId]]], req, (r) => tokenOf(r, now, active));
}

export async function getToken(ctx: Ctx, ownerType: OwnerType, ownerId: string, tokenId: string): Promise<Token> {
  await authorizeOwner(ctx, ownerType, ownerId, false);
  return present(ctx, await findToken(ctx, ownerType, ownerId, tokenId));
}

export async function createToken(ctx: Ctx, ownerType: OwnerType, ownerId: string, input: z.output<typeof TokenCreate>): Promise<TokenWithSecret> {
  await authorizeOwner(ctx, ownerType, ownerId, true);
  const { expiresAt, lifetimeSeconds } = expiryOf(ctx, input);
  let maxExpiresAt: string | null = null;
  // The contract refuses an extended token that never expires, so expiresAt is set here.
  if (input.extended && expiresAt !== null) {
    maxExpiresAt = hardCapOf(ctx);
    if (expiresAt > maxExpiresAt) throw errors.field('expires_in_days', `an extended token's first expiry cannot pass its hard cap (${maxExpiresAt})`);
  }
  try {
    const { id, secret } = await insertApiToken(ctx, {
      ownerType,
      ownerId,
      name: input.name,
      scopes: [...new Set<TokenScope>(input.scopes)],
      expiresAt,
      lifetimeSeconds,
      maxExpiresAt,
      maxAgeDays: input.extended ? (input.max_age_days ?? null) : null,
      allowedCidrs: input.allowed_cidrs ?? [],
      maxUnusedDays: input.max_unused_days ?? null,
      suppliedSecret: input.secret,
    });
    await audit(ctx, 'token.create', 'token', id);
    return { ...(await present(ctx, await findToken(ctx, ownerType, ownerId, id))), token: secret };
  } catch (err) {
    if (err instanceof UniqueViolation) throw errors.conflict('WARDEN_ERR_NAME_TAKEN', `A token named "${input.name}" already exists for this owner; token names are unique per owner.`);
    throw err;
  }
}

export interface NewApiToken {
  ownerType: OwnerType;
  ownerId: string;
  name: string;
  scopes: TokenScope[];
  expiresAt: string | null;
  lifetimeSeconds: number | null;
  /** Set for extended tokens only (with `maxAgeDays`). */
  maxExpiresAt: string | null;
  maxAgeDays: number | null;
  allowedCidrs: string[];
  maxUnusedDays: number | null;
  /** A secret the client made (in the token format); else one is generated. */
  suppliedSecret?: string | undefined;
}

/** Stores a new API token (only its digest) and returns its id and the secret, which is never stored. */
export async function insertApiToken(ctx: Ctx, t: NewApiToken): Promise<{ id: string; secret: string }> {
  const { secret, digest } = await issueSecret(ctx, t.suppliedSecret);
  const now = ctx.clock.now().toISOString();
  const id = newId('tok');
  await ctx.db.run(
    `INSERT INTO tokens (id, kind, owner_type, owner_id, name, digest, hint, scopes, expires_at, lifetime_seconds, max_expires_at, extended, max_age_days, allowed_cidrs, max_unused_days, disabled, created_at, version)
     VALUES (?, 'api', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 1)`,
    [
      id,
      t.ownerType,
      t.ownerId,
      t.name,
      digest,
      secretHint(secret),
      JSON.stringify(t.scopes),
      t.expiresAt,
      t.lifetimeSeconds,
      t.maxExpiresAt,
      t.maxAgeDays !== null ? 1 : 0,
      t.maxAgeDays,
      JSON.stringify(t.allowedCidrs),
      t.maxUnusedDays,
      now,
    ],
  );
  return { id, secret };
}

function refuseRevoked(row: TokenRow): void {
  if (row.revoked_at !== null) throw errors.conflict('WARDEN_ERR_TOKEN_REVOKED', `Token "${row.id}" was revoked; create a new token instead.`);
}

/**
 * A new secret for the same token. The old one stops at once, or after the grace period, so
 * consumers can switch without downtime.
 */
export async function regenerateToken(ctx: Ctx, ownerType: OwnerType, ownerId: string, tokenId: string, input: TokenRegenerate): Promise<TokenWithSecret> {
  await authorizeOwner(ctx, ownerType, ownerId, true);
  const row = await findToken(ctx, ownerType, ownerId, tokenId);
  refuseRevoked(row);
  // Neither expiry given: the token keeps its lifetime rule (a 30-day token stays a 30-day token).
  const { expiresAt, lifetimeSeconds } = expiryOf(ctx, input, row.lifetime_seconds);
  const extended = bool(row.extended);
  if (extended && expiresAt === null) throw errors.field('expires_at', 'an extended token needs an expiry to extend');
  const grace = input.grace_period_seconds ?? 0;
  const now = ctx.clock.now();
  const { secret, digest } = await issueSecret(ctx, input.secret);
  await ctx.db.run(
    `UPDATE tokens SET digest = ?, hint = ?, previous_digest = ?, previous_expires_at = ?, expires_at = ?, lifetime_seconds = ?, max_expires_at = ?, version = version + 1 WHERE id = ?`,
    [
      digest,
      secretHint(secret),
      grace > 0 ? row.digest : null,
      grace > 0 ? new Date(now.getTime() + grace * 1000).toISOString() : null,
      expiresAt,
      lifetimeSeconds,
      extended ? hardCapOf(ctx) : null,
      tokenId,
    ],
  );
  await audit(ctx, 'token.regenerate', 'token', tokenId);
  return { ...(await present(ctx, await findToken(ctx, ownerType, ownerId, tokenId))), token: secret };
}

/**
 * Replaces a secret that was issued but never delivered (a lost response replayed through its
 * Idempotency-Key): the undelivered secret stops working at once; nothing else changes. A repeat
 * carrying the client's own secret (write-only tokens) that is already the token's answers with it
 * unchanged: the client knows it, and the server must not swap in one the client never sees.
 */
export async function reissueSecret(ctx: Ctx, tokenId: string, supplied?: string): Promise<TokenWithSecret | null> {
  if (supplied !== undefined) {
    const current = await ctx.db.get<TokenRow>('SELECT * FROM tokens WHERE id = ? AND revoked_at IS NULL', [tokenId]);
    if (current && current.digest === ctx.digest(supplied)) return { ...(await present(ctx, current)), token: supplied };
  }
  const { secret, digest } = await issueSecret(ctx, supplied);
  const changed = await ctx.db.run('UPDATE tokens SET digest = ?, hint = ?, version = version + 1 WHERE id = ? AND revoked_at IS NULL', [digest, secretHint(secret), tokenId]);
  if (changed === 0) return null;
  await audit(ctx, 'token.reissue', 'token', tokenId);
  const row = await ctx.db.get<TokenRow>('SELECT * FROM tokens WHERE id = ?', [tokenId]);
  return row ? { ...(await present(ctx, row)), token: secret } : null;
}

/** Disables or re-enables a token reversibly, and changes its network binding and inactivity limit. */
export async function patchToken(ctx: Ctx, ownerType: OwnerType, ownerId: string, tokenId: string, patch: TokenPatch, ifMatch: string | undefined): Promise<Token> {
  await authorizeOwner(ctx, ownerType, ownerId, true);
  const row = await findToken(ctx, ownerType, ownerId, tokenId);
  refuseRevoked(row);
  requireIfMatch(ifMatch, etagOf(row.version));
  const disabled = patch.disabled ?? bool(row.disabled);
  await ctx.db.run('UPDATE tokens SET disabled = ?, allowed_cidrs = ?, max_unused_days = ?, version = version + 1 WHERE id = ?', [
    disabled ? 1 : 0,
    patch.allowed_cidrs ? JSON.stringify(patch.allowed_cidrs) : row.allowed_cidrs,
    patch.max_unused_days !== undefined ? patch.max_unused_days : row.max_unused_days,
    tokenId,
  ]);
  if (patch.disabled !== undefined) await audit(ctx, disabled ? 'token.disable' : 'token.enable', 'token', tokenId);
  if (patch.allowed_cidrs !== undefined || patch.max_unused_days !== undefined) await audit(ctx, 'token.update_limits', 'token', tokenId);
  return present(ctx, await findToken(ctx, ownerType, ownerId, tokenId));
}

/** Revocation is immediate and final, also for a secret still in its grace period. Repeating it is harmless. */
export async function revokeToken(ctx: Ctx, ownerType: OwnerType, ownerId: string, tokenId: string): Promise<void> {
  await authorizeOwner(ctx, ownerType, ownerId, true);
  const row = await findToken(ctx, ownerType, ownerId, tokenId);
  if (row.revoked_at !== null) return;
  await revokeById(ctx, tokenId);
}

/** Audited only when it revoked something, so repeating it leaves no second event. */
export async function revokeById(ctx: Ctx, tokenId: string, action = 'token.revoke'): Promise<void> {
  const changed = await ctx.db.run('UPDATE tokens SET revoked_at = ?, previous_digest = NULL, previous_expires_at = NULL, version = version + 1 WHERE id = ? AND revoked_at IS NULL', [
    ctx.clock.now().toISOString(),
    tokenId,
  ]);
  if (changed > 0) await audit(ctx, action, 'token', tokenId);
}
