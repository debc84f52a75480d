import { TestClock, startServer } from '../support/server';
import { uniqueName } from '../support/fixtures';

type Server = Awaited<ReturnType<typeof startServer>>;
const DAY = 24 * 3600 * 1000;
let server: Server;
const clock = new TestClock();
beforeAll(async () => {
  server = await startServer({ clock });
});
afterAll(() => server.stop());

const daysLeft = (expiresAt: string | null) => (expiresAt === null ? null : Math.round((Date.parse(expiresAt) - clock.now().getTime()) / DAY));

describe('regenerate with {} keeps the token lifetime rule', () => {
  test.each([
    { created: { expires_in_days: 30 }, rule: 30 },
    { created: { expires_in_days: 7 }, rule: 7 },
    { created: {}, rule: 90 },
    { created: { expires_at: null }, rule: null },
    { created: { expires_at: 45 }, rule: 45 },
  ])('a token created with $created is regenerated with the same lifetime ($rule days) from now', async ({ created, rule }) => {
    const admin = server.client;
    const account = await admin.createServiceAccount({ name: uniqueName('life') });
    // A number for expires_at stands for that many days from the test clock's now.
    const body = typeof created.expires_at === 'number' ? { expires_at: new Date(clock.now().getTime() + created.expires_at * DAY).toISOString() } : created;
    const token = await admin.createServiceAccountToken(account.id, { name: 't', ...(body as { expires_at?: string | null }) });
    expect(daysLeft(token.expires_at)).toBe(rule);
    clock.advance(3 * DAY);
    const regenerated = await admin.regenerateServiceAccountToken(account.id, token.id, {});
    expect(daysLeft(regenerated.expires_at)).toBe(rule);
  });

  test('an explicit expiry on regenerate becomes the rule the next {} keeps', async () => {
    const admin = server.client;
    const account = await admin.createServiceAccount({ name: uniqueName('life') });
    const token = await admin.createServiceAccountToken(account.id, { name: 't', expires_in_days: 30 });
    expect(daysLeft((await admin.regenerateServiceAccountToken(account.id, token.id, { expires_in_days: 5 })).expires_at)).toBe(5);
    clock.advance(DAY);
    expect(daysLeft((await admin.regenerateServiceAccountToken(account.id, token.id, {})).expires_at)).toBe(5);
  });
});
