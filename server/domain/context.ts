import { errors } from '../errors';
import type { Queryable } from '../store';
import type { Clock } from './clock';
import type { Principal } from './rbac';

export interface Policy {
  /** WARDEN_TOKEN_MAX_LIFETIME_DAYS: longer or never-expiring tokens are refused. */
  tokenMaxLifetimeDays: number | null;
  /** Hard cap of an extended token, in days from its creation or last regenerate. */
  extendedMaxLifetimeDays: number;
  sessionTtlMinutes: number;
  /** Federated credentials may name plain-HTTP issuers on loopback (tests, local issuers); otherwise HTTPS only. */
  allowHttpLoopbackIssuers: boolean;
}

/** What every domain operation needs: where to read and write, who asks, and when. */
export interface Ctx {
  db: Queryable;
  principal: Principal;
  clock: Clock;
  requestId: string;
  policy: Policy;
  digest(secret: string): string;
}

export const bool = (v: unknown): boolean => v === 1 || v === true || v === '1';
export const json = <T>(v: unknown): T => JSON.parse(String(v)) as T;
export const etagOf = (version: unknown): string => `"${String(version)}"`;

/**
 * `If-Match` (RFC 9110 13.1.1): absent or `*` proceeds (the resource exists once we are here);
 * otherwise one of the listed entity tags must equal the current one by strong comparison.
 */
export function requireIfMatch(header: string | undefined, etag: string): void {
  if (header === undefined || header.trim() === '*') return;
  const tags = header.split(',').map((t) => t.trim());
  if (!tags.includes(etag)) throw errors.preconditionFailed();
}
