import type { Token, TokenScope } from '../../api-client/contract';
import type { Queryable } from '../store';
import { addDays } from './clock';
import { type Ctx, bool, etagOf, json } from './context';

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
  /** The secret a regenerate replaced, working until overlap_ends_at. */
  previous_digest: string | null;
  overlap_ends_at: string | null;
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

/** Whether a regenerate's previous secret still works at `now`. */
export function inOverlap(r: Pick<TokenRow, 'overlap_ends_at'>, now: Date): boolean {
  return r.overlap_ends_at !== null && Date.parse(r.overlap_ends_at) > now.getTime();
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
export async function presentToken(ctx: Pick<Ctx, 'db' | 'clock'>, r: TokenRow): Promise<Token> {
  const now = ctx.clock.now();
  return tokenOf(r, now, await ownerActive(ctx.db, r.owner_type, r.owner_id, now));
}

export function tokenOf(r: TokenRow, now: Date, ownerIsActive: boolean): Token {
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
    overlap_ends_at: inOverlap(r, now) ? r.overlap_ends_at : null,
    allowed_cidrs: json<string[]>(r.allowed_cidrs),
    max_unused_days: r.max_unused_days,
    unused_expires_at: unusedExpiresAt(r),
    created_at: r.created_at,
    last_used_at: r.last_used_at,
    etag: etagOf(r.version),
  };
}
