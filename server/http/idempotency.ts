import { createHash } from 'node:crypto';
import { ApiError } from '../errors';
import { reissueSecret } from '../domain/tokens';
import type { Ctx } from '../domain/context';
import { UniqueViolation } from '../store';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** How long a key is remembered: far longer than any client's retries. */
const KEY_TTL_MS = 24 * 3600 * 1000;

export function validIdempotencyKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

interface Stored {
  request_hash: string;
  status: number;
  response: string;
  secret_token_id: string | null;
}

export interface Outcome {
  status: number;
  body: unknown;
}

/**
 * Runs `execute` at most once per (caller, key) within 24 hours, inside the caller's transaction, so the record
 * and the change commit together. A repeat with the same request returns the first result; one
 * with a different request is refused. Secrets are never stored: replaying a response that carried
 * one re-issues the secret of the same token (the undelivered one stops working at once).
 */
export async function once(ctx: Ctx, callerKey: string, key: string, request: string, execute: () => Promise<Outcome>): Promise<Outcome> {
  const hash = createHash('sha256').update(request).digest('base64url');
  const expired = new Date(ctx.clock.now().getTime() - KEY_TTL_MS).toISOString();
  await ctx.db.run('DELETE FROM idempotency_keys WHERE principal_id = ? AND created_at < ?', [callerKey, expired]);
  const prior = await ctx.db.get<Stored>('SELECT request_hash, status, response, secret_token_id FROM idempotency_keys WHERE principal_id = ? AND idem_key = ?', [callerKey, key]);
  if (prior) {
    if (prior.request_hash !== hash) {
      throw new ApiError(422, 'WARDEN_ERR_IDEMPOTENCY_MISMATCH', 'Unprocessable Content', 'This Idempotency-Key was used with a different request; use a new key for a new request.');
    }
    const body = JSON.parse(prior.response) as Record<string, unknown>;
    if (prior.secret_token_id === null) return { status: prior.status, body };
    const reissued = await reissueSecret(ctx, prior.secret_token_id);
    if (!reissued) throw new ApiError(409, 'WARDEN_ERR_TOKEN_REVOKED', 'Conflict', 'The token created under this Idempotency-Key has since been revoked; create a new one with a new key.');
    return { status: prior.status, body: reissued };
  }
  const outcome = await execute();
  const body = outcome.body as Record<string, unknown> | undefined;
  const carriesSecret = body !== undefined && typeof body.token === 'string';
  const { token: _secret, ...storable } = body ?? {};
  try {
    await ctx.db.run('INSERT INTO idempotency_keys (principal_id, idem_key, request_hash, status, response, secret_token_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      callerKey,
      key,
      hash,
      outcome.status,
      JSON.stringify(storable),
      carriesSecret ? String(body.id) : null,
      ctx.clock.now().toISOString(),
    ]);
  } catch (err) {
    if (err instanceof UniqueViolation) {
      throw new ApiError(409, 'WARDEN_ERR_IDEMPOTENCY_IN_PROGRESS', 'Conflict', 'A request with this Idempotency-Key is being processed; retry it shortly to get its result.', {
        headers: { 'retry-after': '1' },
      });
    }
    throw err;
  }
  return outcome;
}
