import { AuthError } from '../../api-client';
import { generateSecret } from '../../server/domain/secrets';
import { type Postgres, startPostgres } from '../support/postgres';
import { type ProcessServer, startServerProcess } from '../support/server';

let pg: Postgres;
let a: ProcessServer;
let b: ProcessServer;

beforeAll(async () => {
  pg = await startPostgres();
  const databaseUrl = await pg.createDatabase('shared');
  // Both processes start at once on an empty database: migrations and bootstrap must not collide.
  const bootstrap = generateSecret();
  [a, b] = await Promise.all([
    startServerProcess({ DATABASE_URL: databaseUrl, WARDEN_BOOTSTRAP_TOKEN: bootstrap }),
    startServerProcess({ DATABASE_URL: databaseUrl, WARDEN_BOOTSTRAP_TOKEN: bootstrap }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await pg.stop();
});

describe('several server processes share one PostgreSQL database', () => {
  test('a write on one is read on the other', async () => {
    const created = await a.client.createServiceAccount({ name: 'shared-bot' });
    expect((await b.client.getServiceAccount(created.id)).name).toBe('shared-bot');
  });

  test('a token revoked through one process is refused by the other at once', async () => {
    const account = await a.client.createServiceAccount({ name: 'revoke-me' });
    await a.client.createRoleBinding({ service_account_id: account.id, role: 'member' });
    const token = await a.client.createServiceAccountToken(account.id, { name: 't' });
    expect((await b.clientFor(token.token).whoami()).id).toBe(account.id);
    await a.client.revokeServiceAccountToken(account.id, token.id);
    await expect(b.clientFor(token.token).whoami()).rejects.toBeInstanceOf(AuthError);
  });

  test('a disable on one process is seen by the other at once', async () => {
    const account = await b.client.createServiceAccount({ name: 'disable-me' });
    await b.client.createRoleBinding({ service_account_id: account.id, role: 'member' });
    const token = await b.client.createServiceAccountToken(account.id, { name: 't' });
    await b.client.updateServiceAccount(account.id, { disabled: true });
    await expect(a.clientFor(token.token).whoami()).rejects.toBeInstanceOf(AuthError);
  });
});
