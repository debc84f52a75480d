import { type TokenScope, inCidr } from '../../api-client/contract';
import type { Queryable, Store } from '../store';
import type { Clock } from './clock';
import { DAY_MS } from './clock';
import { bool, json } from './context';
import type { Binding, Principal } from './rbac';
import { bindingsOf } from './role-bindings';
import { isWellFormedSecret } from './secrets';
import { type SecretMatch, matchSecret, secretInForce } from './token-secrets';
import { type TokenRow, unusedExpiresAt } from './token-view';

const USE_WRITE_INTERVAL_MS = 60_000;
const CACHE_LIMIT = 10_000;

/**
 * Why a known token was refused, when it is one of the limits (for the audit log only; the caller
 * gets the same 401): `network`, outside its or its owner's allowed_cidrs; `inactive`, unused for max_unused_days.
 */
export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; tokenId: string | null; ownerId: string | null; reason?: 'network' | 'inactive' };

/** `Bearer <secret>` and `Token <secret>` are both accepted. */
export function secretFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^(?:Bearer|Token) +(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/** Everything authentication reads from the store about one secret. */
interface Credential extends SecretMatch {
  owner: { name: string; disabled: boolean; expires_at: string | null; allowed_cidrs: string[] } | undefined;
  bindings: Binding[];
}

async function loadCredential(db: Queryable, digest: string): Promise<Credential | undefined> {
  const match = await matchSecret(db, digest);
  if (!match) return undefined;
  const { token } = match;
  const owner =
    token.owner_type === 'service_account'
      ? await db.get<{ name: string; disabled: number; expires_at: string | null; allowed_cidrs: string }>(
          'SELECT name, disabled, expires_at, allowed_cidrs FROM service_accounts WHERE id = ?',
          [token.owner_id],
        )
      : await db.get<{ name: string; disabled: number; expires_at: string | null; allowed_cidrs: string }>(
          "SELECT name, 1 - active AS disabled, NULL AS expires_at, '[]' AS allowed_cidrs FROM users WHERE id = ?",
          [token.owner_id],
        );
  return {
    ...match,
    owner: owner && { name: owner.name, disabled: bool(owner.disabled), expires_at: owner.expires_at, allowed_cidrs: json<string[]>(owner.allowed_cidrs) },
    bindings: await bindingsOf(db, token.owner_type, token.owner_id),
  };
}

/**
 * Resolves secrets to principals. On PostgreSQL every check reads the store (no per-process
 * state), so a revocation on one server process is refused by every other at once. On SQLite,
 * where one process owns the store, what was read is kept until the store's next committed
 * change, so repeated use of a token costs no query; time-based checks still run every time.
 */
export class Authenticator {
  private readonly cache = new Map<string, Credential>();
  private cacheVersion = -1;

  constructor(
    private readonly store: Store,
    private readonly digest: (secret: string) => string,
    private readonly clock: Clock,
  ) {}

  private async credential(digest: string): Promise<Credential | undefined> {
    const version = this.store.changeVersion;
    if (version === null) return loadCredential(this.store, digest);
    if (version !== this.cacheVersion) {
      this.cache.clear();
      this.cacheVersion = version;
    }
    let found = this.cache.get(digest);
    if (!found) {
      found = await loadCredential(this.store, digest);
      if (found && this.cache.size < CACHE_LIMIT && this.store.changeVersion === version) this.cache.set(digest, found);
    }
    return found;
  }

  /** `clientAddress`: the socket's peer, or the X-Forwarded-For client behind a trusted proxy. */
  async authenticate(secret: string, clientAddress: string): Promise<AuthOutcome> {
    if (!isWellFormedSecret(secret)) return { ok: false, tokenId: null, ownerId: null };
    const found = await this.credential(this.digest(secret));
    if (!found) return { ok: false, tokenId: null, ownerId: null };
    const { token, owner } = found;
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const refused = { ok: false as const, tokenId: token.id, ownerId: token.owner_id };
    if (!secretInForce(found, now)) return refused;
    if (token.revoked_at !== null || bool(token.disabled)) return refused;
    if (token.expires_at !== null && token.expires_at <= nowIso) return refused;
    if (!owner || owner.disabled || (owner.expires_at !== null && owner.expires_at <= nowIso)) return refused;
    const unused = unusedExpiresAt(token);
    if (unused !== null && unused <= nowIso) return { ...refused, reason: 'inactive' };
    // Both bindings apply: the account's, and the token's within it. Empty: anywhere.
    const allowed = (cidrs: string[]) => cidrs.length === 0 || cidrs.some((c) => inCidr(clientAddress, c));
    if (!allowed(owner.allowed_cidrs) || !allowed(json<string[]>(token.allowed_cidrs))) return { ...refused, reason: 'network' };
    await this.recordUse(token, now);
    return {
      ok: true,
      principal: {
        user_type: token.owner_type === 'service_account' ? 'service' : 'user',
        id: token.owner_id,
        name: owner.name,
        token_id: token.id,
        token_kind: token.kind,
        scopes: json<TokenScope[]>(token.scopes),
        bindings: found.bindings,
      },
    };
  }

  /** At most one write per token per minute: last use, and the sliding expiry of extended tokens. */
  private async recordUse(token: TokenRow, now: Date): Promise<void> {
    if (token.last_used_at !== null && now.getTime() - Date.parse(token.last_used_at) < USE_WRITE_INTERVAL_MS) return;
    let expiresAt = token.expires_at;
    if (bool(token.extended) && token.max_age_days !== null && expiresAt !== null) {
      const slid = new Date(Math.min(now.getTime() + token.max_age_days * DAY_MS, Date.parse(token.max_expires_at ?? expiresAt))).toISOString();
      if (slid > expiresAt) expiresAt = slid;
    }
    const nowIso = now.toISOString();
    await this.store.run('UPDATE tokens SET last_used_at = ?, expires_at = ? WHERE id = ?', [nowIso, expiresAt, token.id]);
    // The cached row follows its own write, which is not a change anyone else must see first.
    token.last_used_at = nowIso;
    token.expires_at = expiresAt;
  }
}
