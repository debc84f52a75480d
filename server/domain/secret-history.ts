import type { Queryable } from '../store';

/**
 * Every digest ever issued is remembered (server-generated ones too, and those a rotation or
 * revocation has retired), so a client-supplied secret is accepted once and never again.
 */
export async function rememberDigest(db: Queryable, digest: string, now: Date): Promise<void> {
  await db.run('INSERT INTO secret_digests (digest, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING', [digest, now.toISOString()]);
}

/** Records a client-supplied secret's digest; false when that digest was issued before. */
export async function claimDigest(db: Queryable, digest: string, now: Date): Promise<boolean> {
  return (await db.run('INSERT INTO secret_digests (digest, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING', [digest, now.toISOString()])) === 1;
}
