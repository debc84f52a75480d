import { createHmac, randomBytes } from 'node:crypto';
import type { Store } from '../store';

/**
 * The key for idempotency fingerprints: derived from the server's hash key when one is
 * configured (then it lives outside the database), else a random key generated once per
 * install and kept in the store, shared by every process on it.
 */
export async function fingerprintKey(store: Store, tokenHashKey: string | undefined): Promise<Buffer> {
  if (tokenHashKey) return createHmac('sha256', tokenHashKey).update('warden idempotency fingerprint v1').digest();
  return store.transaction(async (tx) => {
    await tx.run('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', ['idempotency_fingerprint_key', randomBytes(32).toString('base64url')]);
    const row = await tx.get<{ value: string }>('SELECT value FROM settings WHERE name = ?', ['idempotency_fingerprint_key']);
    return Buffer.from(row!.value, 'base64url');
  });
}
