import type { FastifyRequest } from 'fastify';
import type { Clock } from '../domain/clock';
import type { Ctx, Policy } from '../domain/context';
import { type Principal, ANONYMOUS } from '../domain/rbac';
import { type Authenticator, secretFromHeader } from '../domain/auth';
import { writeAudit } from '../domain/audit';
import { errors } from '../errors';
import type { Queryable, Store } from '../store';
import type { RateLimiter } from './rate-limit';

/** What the HTTP layer hands to every route: the store behind its interface, time, policy. */
export interface Deps {
  store: Store;
  clock: Clock;
  policy: Policy;
  digest(secret: string): string;
  limiter: RateLimiter;
  authenticator: Authenticator;
  /** Keys the MAC of idempotency fingerprints (see `fingerprint`). */
  fingerprintKey: Buffer;
  /** WARDEN_PUBLIC_URL without a trailing slash: the base of SCIM `meta.location`; null: paths only. */
  publicUrl: string | null;
}

export function contextFor(deps: Deps, request: FastifyRequest, principal: Principal, db: Queryable = deps.store): Ctx {
  return { db, principal, clock: deps.clock, requestId: request.id, policy: deps.policy, digest: deps.digest };
}

/** Authenticates the request or refuses it with 401, auditing the refusal (never the secret). */
export async function principalOf(deps: Deps, request: FastifyRequest): Promise<Principal> {
  const secret = secretFromHeader(request.headers.authorization);
  // request.ip is the socket's peer, or the X-Forwarded-For client when the peer is a trusted proxy.
  const outcome = secret === null ? { ok: false as const, tokenId: null, ownerId: null } : await deps.authenticator.authenticate(secret, request.ip);
  if (outcome.ok) return outcome.principal;
  const reason = 'reason' in outcome ? outcome.reason : undefined;
  await writeAudit(
    deps.store,
    { user_type: 'anonymous', id: outcome.ownerId, token_id: outcome.tokenId },
    { action: reason ? `auth.refused_${reason}` : 'auth.refused', target: reason ? { type: 'token', id: outcome.tokenId } : { type: 'request', id: null }, outcome: 'failure' },
    request.id,
    deps.clock.now(),
  );
  throw errors.unauthenticated();
}

export { ANONYMOUS };
