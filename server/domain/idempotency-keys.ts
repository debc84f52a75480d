import type { Queryable } from '../store';

/** What is kept of a request run under an Idempotency-Key: never a secret, only the credential it was for. */
export interface IdempotencyRecord {
  request_hash: string;
  status: number;
  response: string;
  secret_token_id: string | null;
}

/** Forgets a caller's keys recorded before `before`. */
export async function forgetKeysBefore(db: Queryable, callerKey: string, before: Date): Promise<void> {
  await db.run('DELETE FROM idempotency_keys WHERE principal_id = ? AND created_at < ?', [callerKey, before.toISOString()]);
}

export async function findKey(db: Queryable, callerKey: string, key: string): Promise<IdempotencyRecord | undefined> {
  return db.get<IdempotencyRecord>('SELECT request_hash, status, response, secret_token_id FROM idempotency_keys WHERE principal_id = ? AND idem_key = ?', [callerKey, key]);
}

/** A second record for the same (caller, key) is a UniqueViolation: that request is still running. */
export async function recordKey(db: Queryable, callerKey: string, key: string, record: IdempotencyRecord, now: Date): Promise<void> {
  await db.run('INSERT INTO idempotency_keys (principal_id, idem_key, request_hash, status, response, secret_token_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    callerKey,
    key,
    record.request_hash,
    record.status,
    record.response,
    record.secret_token_id,
    now.toISOString(),
  ]);
}

/** Points a key at the credential its latest answer carried (a repeated sign-in's new session). */
export async function repointKey(db: Queryable, callerKey: string, key: string, credentialId: string): Promise<void> {
  await db.run('UPDATE idempotency_keys SET secret_token_id = ? WHERE principal_id = ? AND idem_key = ?', [credentialId, callerKey, key]);
}
