import { AuthError } from '../../api-client';
import { TestClock, startServer } from '../support/server';

const DAY = 24 * 3600 * 1000;

describe('token expiry', () => {
  test('an extended token: each use slides expires_at 7 days past it (max_age_days and the first lifetime are both 7), at most once a minute, never past the cap (extendedMaxLifetimeDays after creation), and past the cap it is refused', async () => {
    const clock = new TestClock(new Date('2030-01-01T00:00:00.000Z'));
    const server = await startServer({ clock, extendedMaxLifetimeDays: 20 });
    try {
      const admin = server.client;
      const account = await admin.createServiceAccount({ name: 'slider' });
      await admin.createRoleBinding({ service_account_id: account.id, role: 'member' });
      const token = await admin.createServiceAccountToken(account.id, { name: 't', expires_in_days: 7, extended: true, max_age_days: 7 });
      expect(token.expires_at).toBe('2030-01-08T00:00:00.000Z');
      expect(token.max_expires_at).toBe('2030-01-21T00:00:00.000Z');
      const bot = server.clientFor(token.token);
      const expiry = async () => (await admin.getServiceAccountToken(account.id, token.id)).expires_at;

      clock.advance(5 * DAY); // Jan 6: use moves expiry to Jan 13
      await bot.whoami();
      expect(await expiry()).toBe('2030-01-13T00:00:00.000Z');
      clock.advance(30_000); // a second use within the minute writes nothing
      await bot.whoami();
      expect(await expiry()).toBe('2030-01-13T00:00:00.000Z');
      clock.advance(6 * DAY - 30_000); // Jan 12: would be Jan 19
      await bot.whoami();
      expect(await expiry()).toBe('2030-01-19T00:00:00.000Z');
      clock.advance(6 * DAY); // Jan 18: capped at Jan 21
      await bot.whoami();
      expect(await expiry()).toBe('2030-01-21T00:00:00.000Z');
      clock.advance(3 * DAY + 1000); // past the cap: refused although used recently
      await expect(bot.whoami()).rejects.toBeInstanceOf(AuthError);
      expect((await admin.getServiceAccountToken(account.id, token.id)).state).toBe('expired');
    } finally {
      await server.stop();
    }
  });

  test('a plain token never slides: used, it keeps its expiry, and expires on schedule', async () => {
    const clock = new TestClock(new Date('2030-01-01T00:00:00.000Z'));
    const server = await startServer({ clock });
    try {
      const admin = server.client;
      const account = await admin.createServiceAccount({ name: 'plain' });
      await admin.createRoleBinding({ service_account_id: account.id, role: 'member' });
      const plain = await admin.createServiceAccountToken(account.id, { name: 'plain', expires_in_days: 2 });
      clock.advance(DAY);
      await server.clientFor(plain.token).whoami();
      expect((await admin.getServiceAccountToken(account.id, plain.id)).expires_at).toBe(plain.expires_at);
      clock.advance(DAY);
      await expect(server.clientFor(plain.token).whoami()).rejects.toBeInstanceOf(AuthError);
    } finally {
      await server.stop();
    }
  });

  test('the lifetime policy refuses longer and never-expiring tokens', async () => {
    const server = await startServer({ tokenMaxLifetimeDays: 30 });
    try {
      const account = await server.client.createServiceAccount({ name: 'policy' });
      await expect(server.client.createServiceAccountToken(account.id, { name: 'long', expires_in_days: 31 })).rejects.toMatchObject({
        status: 400,
        code: 'WARDEN_ERR_POLICY',
        errors: [{ path: 'expires_in_days' }],
      });
      await expect(server.client.createServiceAccountToken(account.id, { name: 'never', expires_at: null })).rejects.toMatchObject({
        status: 400,
        errors: [{ path: 'expires_at' }],
      });
      const ok = await server.client.createServiceAccountToken(account.id, { name: 'ok', expires_in_days: 30 });
      expect(ok.state).toBe('active');
    } finally {
      await server.stop();
    }
  });
});
