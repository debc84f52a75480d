import { AuthError } from '../../api-client';
import { migrate } from '../../server/store/migrations';
import { startPostgres, type Postgres } from '../support/postgres';
import { TestClock, startServer } from '../support/server';
import { uniqueName } from '../support/fixtures';

/** The migration step that renamed tokens.previous_expires_at to overlap_ends_at. */
const RENAME_STEP = 7;

let pg: Postgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(() => pg.stop());

describe.each(['sqlite', 'postgres'] as const)('a store from before the overlap column was renamed, on %s', (kind) => {
  test("keeps a regenerated token's previous secret working until the overlap it was given ends", async () => {
    const clock = new TestClock();
    const server = await startServer({ clock, ...(kind === 'postgres' ? { databaseUrl: await pg.createDatabase('overlap') } : {}) });
    try {
      const admin = server.client;
      const account = await admin.createServiceAccount({ name: uniqueName('ovl') });
      await admin.createRoleBinding({ service_account_id: account.id, role: 'member' });
      const first = await admin.createServiceAccountToken(account.id, { name: 'ci' });
      const second = await admin.regenerateServiceAccountToken(account.id, first.id, { overlap_seconds: 600 });
      expect(second.overlap_ends_at).toBe(new Date(clock.now().getTime() + 600_000).toISOString());

      // The same data as the store held it before the step; the step then runs as at an upgrade.
      await server.store.transaction(async (tx) => {
        await tx.run('ALTER TABLE tokens RENAME COLUMN overlap_ends_at TO previous_expires_at');
        await tx.run('DELETE FROM schema_migrations WHERE version = ?', [RENAME_STEP]);
      });
      await migrate(server.store);

      expect((await admin.getServiceAccountToken(account.id, first.id)).overlap_ends_at).toBe(second.overlap_ends_at);
      expect((await server.clientFor(first.token).whoami()).token_id).toBe(first.id);
      clock.advance(601_000);
      await expect(server.clientFor(first.token).whoami()).rejects.toBeInstanceOf(AuthError);
      expect((await server.clientFor(second.token).whoami()).token_id).toBe(first.id);
    } finally {
      await server.stop();
    }
  });
});
