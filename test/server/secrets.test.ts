import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateSecret, isWellFormedSecret } from '../../server/domain/secrets';
import { startServer } from '../support/server';

describe('the token format', () => {
  test('is wdn_ + 30 random base62 + a 6-character checksum, and every secret differs', () => {
    const secrets = new Set(Array.from({ length: 2000 }, generateSecret));
    expect(secrets.size).toBe(2000);
    for (const s of secrets) {
      expect(s).toMatch(/^wdn_[0-9A-Za-z]{36}$/);
      expect(isWellFormedSecret(s)).toBe(true);
    }
  });

  test('a typo fails the checksum before any lookup', () => {
    const s = generateSecret();
    const typo = s.slice(0, 10) + (s[10] === 'a' ? 'b' : 'a') + s.slice(11);
    expect(isWellFormedSecret(typo)).toBe(false);
    expect(isWellFormedSecret(s.slice(0, -1))).toBe(false);
    expect(isWellFormedSecret(`xyz_${s.slice(4)}`)).toBe(false);
  });

  test('characters are drawn without bias: each base62 digit appears about equally often', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) for (const ch of generateSecret().slice(4, 34)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const expected = (4000 * 30) / 62;
    expect(counts.size).toBe(62);
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.15);
  });
});

describe('secrets never reach the database files, the logs or the audit log', () => {
  test('after creating, regenerating, using and reporting tokens', async () => {
    const server = await startServer({ tokenHashKey: 'k'.repeat(40) });
    try {
      const admin = server.client;
      const account = await admin.createServiceAccount({ name: 'leaky' });
      await admin.createRoleBinding({ service_account_id: account.id, role: 'member' });
      const first = await admin.createServiceAccountToken(account.id, { name: 'one' });
      const second = await admin.regenerateServiceAccountToken(account.id, first.id, { overlap_seconds: 60 });
      const user = await admin.createUser({ email: 'pat@example.com', name: 'Pat', password: 'a long enough password' });
      const personal = await admin.createUserToken(user.id, { name: 'laptop' });
      const session = await server.clientFor('').createSession({ email: 'pat@example.com', password: 'a long enough password' });
      await server.clientFor(second.token).whoami();
      // A refused request carrying a secret-like value, and a leak report.
      await server
        .clientFor(first.token.replace(/.$/, '0'))
        .whoami()
        .catch(() => undefined);
      await server.clientFor('').reportLeak({ token: personal.token });
      await expect(server.clientFor(personal.token).whoami()).rejects.toMatchObject({ status: 401 });

      const secrets = [first.token, second.token, personal.token, session.token, server.adminToken, 'a long enough password'];
      const files = readdirSync(server.dataDir!).map((f) => readFileSync(join(server.dataDir!, f)).toString('latin1'));
      const audit = JSON.stringify(await admin.listAuditEvents({ limit: 500 }));
      const everything = [...files, server.logs(), audit].join('\n');
      expect(files.length).toBeGreaterThan(0);
      for (const s of secrets) expect(everything.includes(s)).toBe(false);
      expect(audit).toContain('token.leak_reported');
    } finally {
      await server.stop();
    }
  });

  test('a leak report answers the same whether or not the secret was valid', async () => {
    const server = await startServer();
    try {
      const post = (token: string) =>
        fetch(`${server.url}/v1/tokens/report-leak`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
      const valid = await post(server.adminToken);
      const invalid = await post(generateSecret());
      expect([valid.status, invalid.status]).toEqual([202, 202]);
      expect(await valid.text()).toBe(await invalid.text());
      await expect(server.client.whoami()).rejects.toMatchObject({ status: 401 });
    } finally {
      await server.stop();
    }
  });

  test('leak reports are rate limited with Retry-After', async () => {
    const server = await startServer({ unauthenticatedRateLimit: 3 });
    try {
      const statuses = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${server.url}/v1/tokens/report-leak`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: generateSecret() }),
        });
        statuses.push(res.status);
        retryAfter ??= res.headers.get('retry-after');
        await res.arrayBuffer();
      }
      expect(statuses).toEqual([202, 202, 202, 429, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  });
});
