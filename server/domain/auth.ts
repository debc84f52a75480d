import type { TokenScope } from '../../api-client/contract';
import type { Queryable } from '../store';
import type { Clock } from './clock';
import { DAY_MS } from './clock';
import { bool, json } from './context';
import type { Principal } from './rbac';
import { bindingsOf } from './role-bindings';
import { isWellFormedSecret } from './secrets';
import type { TokenRow } from './tokens';

const USE_WRITE_INTERVAL_MS = 60_000;

export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; tokenId: string | null; ownerId: string | null };

/** `Bearer <secret>` and `Token <secret>` are both accepted. */
export function secretFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^(?:Bearer|Token) +(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

interface OwnerRow {
  name: string;
  usable: number;
}

async function ownerOf(db: Queryable, row: TokenRow, now: string): Promise<OwnerRow | undefined> {
  if (row.owner_type === 'service_account') {
    return db.get<OwnerRow>(
      'SELECT name, CASE WHEN disabled = 0 AND (expires_at IS NULL OR expires_at > ?) THEN 1 ELSE 0 END AS usable FROM service_accounts WHERE id = ?',
      [now, row.owner_id],
    );
  }
  return db.get<OwnerRow>('SELECT name, active AS usable FROM users WHERE id = ?', [row.owner_id]);
}

/**
 * Resolves a secret to its principal. Every check reads the store (no per-process cache), so a
 * revocation on one server process is refused by every other at once.
 */
export async function authenticate(db: Queryable, secret: string, digest: (s: string) => string, clock: Clock): Promise<AuthOutcome> {
  if (!isWellFormedSecret(secret)) return { ok: false, tokenId: null, ownerId: null };
  const d = digest(secret);
  const now = clock.now();
  const nowIso = now.toISOString();
  let row = await db.get<TokenRow>('SELECT * FROM tokens WHERE digest = ?', [d]);
  if (!row) {
    row = await db.get<TokenRow>('SELECT * FROM tokens WHERE previous_digest = ? AND previous_expires_at > ?', [d, nowIso]);
  }
  if (!row) return { ok: false, tokenId: null, ownerId: null };
  const refused = { ok: false as const, tokenId: row.id, ownerId: row.owner_id };
  if (row.revoked_at !== null || bool(row.disabled)) return refused;
  if (row.expires_at !== null && row.expires_at <= nowIso) return refused;
  const owner = await ownerOf(db, row, nowIso);
  if (!owner || !bool(owner.usable)) return refused;

  // Coalesced to one write per token per minute: last use, and the sliding expiry of extended tokens.
  if (row.last_used_at === null || now.getTime() - Date.parse(row.last_used_at) >= USE_WRITE_INTERVAL_MS) {
    let expiresAt = row.expires_at;
    if (bool(row.extended) && row.max_age_days !== null && expiresAt !== null) {
      const slid = new Date(Math.min(now.getTime() + row.max_age_days * DAY_MS, Date.parse(row.max_expires_at ?? expiresAt))).toISOString();
      if (slid > expiresAt) expiresAt = slid;
    }
    await db.run('UPDATE tokens SET last_used_at = ?, expires_at = ? WHERE id = ?', [nowIso, expiresAt, row.id]);
  }

  return {
    ok: true,
    principal: {
      user_type: row.owner_type === 'service_account' ? 'service' : 'user',
      id: row.owner_id,
      name: owner.name,
      token_id: row.id,
      token_kind: row.kind,
      scopes: json<TokenScope[]>(row.scopes),
      bindings: await bindingsOf(db, row.owner_type, row.owner_id),
    },
  };
}
