import type { z } from 'zod';
import { ERRORS, type Page, type Token, type TokenCreate, type TokenPatch, type TokenRegenerate, type TokenScope, type TokenWithSecret } from '../../api-client/contract';
import { POLICY_DEFAULTS } from '../config';
import { errors, refuse } from '../errors';
import { UniqueViolation } from '../store';
import { audit } from './audit';
import { DAY_MS, addDays } from './clock';
import { type Ctx, bool, etagOf, requireIfMatch } from './context';
import { type PageRequest, pageOf } from './paging';
import { requirePermission } from './rbac';
import { readableServiceAccount } from './service-accounts';
import { issueToken, revokeById, rotateSecret } from './token-secrets';
import { type OwnerType, type TokenRow, ownerActive, presentToken, tokenOf } from './token-view';

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
 * Resolves `expires_in_days` / `expires_at` (null: never) against the lifetime policy. Neither
 * given: `lifetimeSeconds` from now (null: never), the token's rule kept by a regenerate.
 * Returns the expiry and the lifetime rule to remember for the next regenerate.
 */
function expiryOf(
  ctx: Ctx,
  input: { expires_in_days?: number | undefined; expires_at?: string | null | undefined },
  lifetimeSeconds: number | null = (POLICY_DEFAULTS.tokenDefaultLifetimeDays * DAY_MS) / 1000,
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
  return presentToken(ctx, await findToken(ctx, ownerType, ownerId, tokenId));
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
    const { id, secret } = await issueToken(ctx, {
      kind: 'api',
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
    return { ...(await presentToken(ctx, await findToken(ctx, ownerType, ownerId, id))), token: secret };
  } catch (err) {
    if (err instanceof UniqueViolation) throw errors.nameTaken(`token named "${input.name}"`, 'for this owner', 'token names are unique per owner');
    throw err;
  }
}

function refuseRevoked(row: TokenRow): void {
  if (row.revoked_at !== null) throw refuse(ERRORS.TOKEN_REVOKED, row.id);
}

/**
 * A new secret for the same token. The previous one stops at once, or after overlap_seconds, so
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
  const secret = await rotateSecret(ctx, row, input.overlap_seconds ?? 0, input.secret);
  await ctx.db.run('UPDATE tokens SET expires_at = ?, lifetime_seconds = ?, max_expires_at = ? WHERE id = ?', [
    expiresAt,
    lifetimeSeconds,
    extended ? hardCapOf(ctx) : null,
    tokenId,
  ]);
  await audit(ctx, 'token.regenerate', 'token', tokenId);
  return { ...(await presentToken(ctx, await findToken(ctx, ownerType, ownerId, tokenId))), token: secret };
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
  return presentToken(ctx, await findToken(ctx, ownerType, ownerId, tokenId));
}

/** Revocation is immediate and final, also for a previous secret still in its overlap. Repeating it is harmless. */
export async function revokeToken(ctx: Ctx, ownerType: OwnerType, ownerId: string, tokenId: string): Promise<void> {
  await authorizeOwner(ctx, ownerType, ownerId, true);
  const row = await findToken(ctx, ownerType, ownerId, tokenId);
  if (row.revoked_at !== null) return;
  await revokeById(ctx, tokenId);
}
