// Token secrets, the only module that writes them: a token's digest, the previous digest a
// rotation keeps until overlap_ends_at, and the history of every digest ever issued. Secrets
// themselves are returned to the caller once and never stored.
import type { TokenScope, TokenWithSecret } from '../../api-client/contract';
import { errors } from '../errors';
import type { Queryable } from '../store';
import { audit } from './audit';
import type { Ctx } from './context';
import { newId } from './ids';
import { generateSecret, isWellFormedSecret, secretHint } from './secrets';
import { type OwnerType, type TokenRow, inOverlap, presentToken } from './token-view';

/** What issuing needs; start-up bootstrap has no request, so no principal. */
export type Issuer = Pick<Ctx, 'db' | 'digest' | 'clock'>;

/**
 * A secret and its digest: the client's own (write-only tokens), which must never have been
 * issued before, or a fresh one. Every digest issued is remembered (server-generated ones too,
 * and those a rotation or revocation has retired), so a client's secret is accepted only once.
 */
async function newSecret(ctx: Issuer, supplied: string | undefined): Promise<{ secret: string; digest: string }> {
  const secret = supplied ?? generateSecret();
  const digest = ctx.digest(secret);
  // ON CONFLICT rather than a caught violation: a failed statement would abort a PostgreSQL transaction.
  const first = (await ctx.db.run('INSERT INTO secret_digests (digest, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING', [digest, ctx.clock.now().toISOString()])) === 1;
  if (!first && supplied !== undefined) throw errors.secretReused();
  return { secret, digest };
}

export interface NewToken {
  kind: 'api' | 'session';
  ownerType: OwnerType;
  ownerId: string;
  /** Sessions are named by their id. */
  name?: string;
  scopes: TokenScope[];
  expiresAt: string | null;
  lifetimeSeconds?: number | null;
  /** Set for extended tokens only (with `maxAgeDays`). */
  maxExpiresAt?: string | null;
  maxAgeDays?: number | null;
  allowedCidrs?: string[];
  maxUnusedDays?: number | null;
  /** A secret the client made (in the token format); else one is generated. */
  suppliedSecret?: string | undefined;
}

/** Stores a new token (only its digest) and returns its id and the secret, which is never stored. */
export async function issueToken(ctx: Issuer, t: NewToken): Promise<{ id: string; secret: string }> {
  const { secret, digest } = await newSecret(ctx, t.suppliedSecret);
  const id = newId(t.kind === 'session' ? 'ses' : 'tok');
  const maxAgeDays = t.maxAgeDays ?? null;
  await ctx.db.run(
    `INSERT INTO tokens (id, kind, owner_type, owner_id, name, digest, hint, scopes, expires_at, lifetime_seconds, max_expires_at, extended, max_age_days, allowed_cidrs, max_unused_days, disabled, created_at, version)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 1)`,
    [
      id,
      t.kind,
      t.ownerType,
      t.ownerId,
      t.name ?? id,
      digest,
      secretHint(secret),
      JSON.stringify(t.scopes),
      t.expiresAt,
      t.lifetimeSeconds ?? null,
      t.maxExpiresAt ?? null,
      maxAgeDays !== null ? 1 : 0,
      maxAgeDays,
      JSON.stringify(t.allowedCidrs ?? []),
      t.maxUnusedDays ?? null,
      ctx.clock.now().toISOString(),
    ],
  );
  return { id, secret };
}

/**
 * A new secret for the token. With `overlapSeconds` the current one keeps working that long (until
 * overlap_ends_at), so consumers switch without downtime; with 0 it stops at once.
 */
export async function rotateSecret(ctx: Ctx, row: TokenRow, overlapSeconds: number, supplied: string | undefined): Promise<string> {
  const { secret, digest } = await newSecret(ctx, supplied);
  const overlapEndsAt = overlapSeconds > 0 ? new Date(ctx.clock.now().getTime() + overlapSeconds * 1000).toISOString() : null;
  await ctx.db.run('UPDATE tokens SET digest = ?, hint = ?, previous_digest = ?, overlap_ends_at = ?, version = version + 1 WHERE id = ?', [
    digest,
    secretHint(secret),
    overlapEndsAt === null ? null : row.digest,
    overlapEndsAt,
    row.id,
  ]);
  return secret;
}

/**
 * Replaces a secret that was issued but never delivered (a lost response replayed through its
 * Idempotency-Key): the undelivered secret stops working at once; nothing else changes. A repeat
 * carrying the client's own secret (write-only tokens) that is already the token's answers with it
 * unchanged: the client knows it, and the server must not swap in one the client never sees.
 * Null when the token was revoked since.
 */
export async function reissueSecret(ctx: Ctx, tokenId: string, supplied?: string): Promise<TokenWithSecret | null> {
  if (supplied !== undefined) {
    const current = await ctx.db.get<TokenRow>('SELECT * FROM tokens WHERE id = ? AND revoked_at IS NULL', [tokenId]);
    if (current && current.digest === ctx.digest(supplied)) return { ...(await presentToken(ctx, current)), token: supplied };
  }
  const { secret, digest } = await newSecret(ctx, supplied);
  const changed = await ctx.db.run('UPDATE tokens SET digest = ?, hint = ?, version = version + 1 WHERE id = ? AND revoked_at IS NULL', [digest, secretHint(secret), tokenId]);
  if (changed === 0) return null;
  await audit(ctx, 'token.reissue', 'token', tokenId);
  const row = await ctx.db.get<TokenRow>('SELECT * FROM tokens WHERE id = ?', [tokenId]);
  return row ? { ...(await presentToken(ctx, row)), token: secret } : null;
}

/**
 * Revocation is immediate and final, for a previous secret in its overlap too. Audited only when
 * it revoked something, so repeating it leaves no second event.
 */
export async function revokeById(ctx: Ctx, tokenId: string, action = 'token.revoke'): Promise<void> {
  const changed = await ctx.db.run('UPDATE tokens SET revoked_at = ?, previous_digest = NULL, overlap_ends_at = NULL, version = version + 1 WHERE id = ? AND revoked_at IS NULL', [
    ctx.clock.now().toISOString(),
    tokenId,
  ]);
  if (changed > 0) await audit(ctx, action, 'token', tokenId);
}

/**
 * Every live token of an owner stops at once (the owner's deletion), or only its sessions (a
 * person's deactivation: API tokens then read as owner_inactive). The owner's event is the audit record.
 */
export async function revokeAllOf(ctx: Ctx, ownerType: OwnerType, ownerId: string, only?: 'session'): Promise<void> {
  await ctx.db.run(
    `UPDATE tokens SET revoked_at = ?, previous_digest = NULL, overlap_ends_at = NULL, version = version + 1 WHERE owner_type = ? AND owner_id = ? AND revoked_at IS NULL${only ? ' AND kind = ?' : ''}`,
    [ctx.clock.now().toISOString(), ownerType, ownerId, ...(only ? [only] : [])],
  );
}

/** The token a presented secret's digest belongs to; `previous`: it is the secret a rotation replaced. */
export interface SecretMatch {
  token: TokenRow;
  previous: boolean;
}

/**
 * Looks a digest up among current and previous secrets, whatever their state: authentication
 * keeps the match and decides with `secretInForce` and the token's other limits at each use.
 */
export async function matchSecret(db: Queryable, digest: string): Promise<SecretMatch | undefined> {
  const current = await db.get<TokenRow>('SELECT * FROM tokens WHERE digest = ?', [digest]);
  if (current) return { token: current, previous: false };
  const previous = await db.get<TokenRow>('SELECT * FROM tokens WHERE previous_digest = ?', [digest]);
  return previous && { token: previous, previous: true };
}

/** Whether the matched secret is still the token's: the current one, or the previous one within its overlap. */
export function secretInForce(match: SecretMatch, now: Date): boolean {
  return !match.previous || inOverlap(match.token, now);
}

/**
 * A secret scanner's report (no credentials): a secret that would still authenticate is revoked
 * at once. Anything else changes nothing, and the caller answers the same either way.
 */
export async function reportLeak(ctx: Ctx, secret: string): Promise<void> {
  if (!isWellFormedSecret(secret)) return;
  const match = await matchSecret(ctx.db, ctx.digest(secret));
  // revokeById leaves an already revoked token (and its audit trail) alone.
  if (match && secretInForce(match, ctx.clock.now())) await revokeById(ctx, match.token.id, 'token.leak_reported');
}
