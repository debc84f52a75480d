import { createHmac } from 'node:crypto';
import { ERRORS, type SecretResponse } from '../../api-client/contract';
import { refuse } from '../errors';
import type { Ctx } from '../domain/context';
import { findKey, forgetKeysBefore, recordKey, repointKey } from '../domain/idempotency-keys';
import { reissueSecret, revokeById } from '../domain/token-secrets';
import { UniqueViolation } from '../store';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** How long a key is remembered: far longer than any client's retries. */
const KEY_TTL_MS = 24 * 3600 * 1000;

export function validIdempotencyKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/**
 * What identifies "the same request": a keyed MAC (never a plain hash, which a leaked database
 * would let anyone confirm guesses against) over method, URL and body, with the fields the
 * contract declares secret left out, so no password is ever fingerprinted.
 */
export function fingerprint(key: Buffer, method: string, url: string, body: unknown, secretFields: readonly string[] = []): string {
  let kept = body ?? null;
  if (kept !== null && typeof kept === 'object' && !Array.isArray(kept) && secretFields.length > 0) {
    kept = Object.fromEntries(Object.entries(kept).filter(([k]) => !secretFields.includes(k)));
  }
  return createHmac('sha256', key)
    .update(JSON.stringify([method, url, kept]))
    .digest('base64url');
}

export interface Outcome {
  status: number;
  body: unknown;
}

export interface IdempotentRequest {
  /** Whose keys these are: a principal id, or the client address for unauthenticated routes. */
  callerKey: string;
  key: string;
  fingerprint: string;
  /** From the contract: the response carries a secret, and how a repeat answers. */
  secret: SecretResponse | undefined;
  /** A secret the client supplied in the body (write-only tokens): a `reissue` repeat keeps it. */
  suppliedSecret?: string | undefined;
}

/** The id of the credential a secret-carrying response was issued for, as the contract names it. */
function credentialIdOf(secret: SecretResponse, body: unknown): string {
  const id = (body as Record<string, unknown> | undefined)?.[secret.credentialId];
  if (typeof id !== 'string') throw new Error(`a response declared to carry a secret has no "${secret.credentialId}"`);
  return id;
}

/**
 * Runs `execute` at most once per (caller, key) within 24 hours, inside the caller's transaction,
 * so the record and the change commit together. A repeat with the same request returns the first
 * result; one with a different request is refused. Secrets are never stored: a repeat of a
 * response that carried one answers as the route's contract declares (`SecretResponse.replay`).
 */
export async function once(ctx: Ctx, req: IdempotentRequest, execute: () => Promise<Outcome>): Promise<Outcome> {
  await forgetKeysBefore(ctx.db, req.callerKey, new Date(ctx.clock.now().getTime() - KEY_TTL_MS));
  const prior = await findKey(ctx.db, req.callerKey, req.key);
  if (prior) {
    if (prior.request_hash !== req.fingerprint) {
      throw refuse(ERRORS.IDEMPOTENCY_MISMATCH);
    }
    if (!req.secret || prior.secret_token_id === null) return { status: prior.status, body: JSON.parse(prior.response) as unknown };
    if (req.secret.replay === 'reissue') {
      const reissued = await reissueSecret(ctx, prior.secret_token_id, req.suppliedSecret);
      if (!reissued) throw refuse(ERRORS.TOKEN_REVOKED, null);
      return { status: prior.status, body: reissued };
    }
    // new_session: the caller proved the password again (routes check it before this runs).
    await revokeById(ctx, prior.secret_token_id, 'session.replaced');
    const outcome = await execute();
    await repointKey(ctx.db, req.callerKey, req.key, credentialIdOf(req.secret, outcome.body));
    return outcome;
  }
  const outcome = await execute();
  let storable = outcome.body;
  let credentialId: string | null = null;
  if (req.secret) {
    credentialId = credentialIdOf(req.secret, outcome.body);
    const { [req.secret.field]: _secret, ...rest } = outcome.body as Record<string, unknown>;
    storable = rest;
  }
  try {
    await recordKey(
      ctx.db,
      req.callerKey,
      req.key,
      { request_hash: req.fingerprint, status: outcome.status, response: JSON.stringify(storable ?? null), secret_token_id: credentialId },
      ctx.clock.now(),
    );
  } catch (err) {
    if (err instanceof UniqueViolation) {
      throw refuse(ERRORS.IDEMPOTENCY_IN_PROGRESS).with({ headers: { 'retry-after': '1' } });
    }
    throw err;
  }
  return outcome;
}
