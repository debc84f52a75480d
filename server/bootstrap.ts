import { TOKEN_SCOPES } from '../api-client/contract/limits';
import { writeAudit } from './domain/audit';
import type { Clock } from './domain/clock';
import { newId } from './domain/ids';
import { seedBuiltInRoles } from './domain/roles';
import { isWellFormedSecret } from './domain/secrets';
import { issueToken } from './domain/token-secrets';
import { insertUser } from './domain/users';
import type { Store } from './store';

export interface BootstrapOptions {
  email: string;
  passwordHash: string | null;
  token?: string | undefined;
  digest(secret: string): string;
  clock: Clock;
}

/**
 * On an empty store: an organization admin and its API token. Returns the secret only when this
 * call generated it, so the caller can show it once.
 */
export async function bootstrap(store: Store, options: BootstrapOptions): Promise<{ generatedToken: string | null }> {
  if (options.token !== undefined && !isWellFormedSecret(options.token)) {
    throw new Error('WARDEN_BOOTSTRAP_TOKEN is not a Warden token (wdn_ + 36 base62 characters with a valid checksum); create one with `warden-server new-token`.');
  }
  return store.transaction(
    async (tx) => {
      const now = options.clock.now().toISOString();
      await seedBuiltInRoles(tx, now);
      const existing = await tx.get('SELECT id FROM users LIMIT 1');
      if (existing) return { generatedToken: null };
      const userId = await insertUser(tx, { email: options.email, name: 'Administrator', passwordHash: options.passwordHash, active: true }, now);
      await tx.run("INSERT INTO role_bindings (id, principal_type, principal_id, role, project_id, scope_key, created_at) VALUES (?, 'user', ?, 'admin', NULL, '', ?)", [
        newId('rb'),
        userId,
        now,
      ]);
      const { secret } = await issueToken(
        { db: tx, digest: options.digest, clock: options.clock },
        { kind: 'api', ownerType: 'user', ownerId: userId, name: 'bootstrap', scopes: [...TOKEN_SCOPES.values], expiresAt: null, suppliedSecret: options.token },
      );
      await writeAudit(
        tx,
        { user_type: 'anonymous', id: null, token_id: null },
        { action: 'bootstrap', target: { type: 'user', id: userId }, outcome: 'success' },
        'bootstrap',
        options.clock.now(),
      );
      return { generatedToken: options.token === undefined ? secret : null };
    },
    { exclusive: true },
  );
}
