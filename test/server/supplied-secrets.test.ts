import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WardenClient } from '../../api-client';
import { generateSecret } from '../../api-client/token-format';
import { startPostgres, type Postgres } from '../support/postgres';
import { TestClock, startServer } from '../support/server';
import { uniqueName } from '../support/fixtures';

type Server = Awaited<ReturnType<typeof startServer>>;

let pg: Postgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(() => pg.stop());

/** The checksum no longer matches: one random character changed. */
const typo = (s: string) => s.slice(0, 10) + (s[10] === 'a' ? 'b' : 'a') + s.slice(11);

describe.each(['sqlite', 'postgres'] as const)('client-supplied secrets (write-only tokens) on %s', (kind) => {
  let server: Server;
  let admin: WardenClient;
  const clock = new TestClock();

  beforeAll(async () => {
    server = await startServer({ clock, tokenHashKey: 'h'.repeat(40), ...(kind === 'postgres' ? { databaseUrl: await pg.createDatabase('supplied') } : {}) });
    admin = server.client;
  });
  afterAll(() => server.stop());

  async function account() {
    const sa = await admin.createServiceAccount({ name: uniqueName('wo') });
    await admin.createRoleBinding({ service_account_id: sa.id, role: 'member' });
    return sa;
  }

  test("a token created with the client's secret authenticates with it, and no read shows it", async () => {
    const sa = await account();
    const secret = generateSecret();
    const created = await admin.createServiceAccountToken(sa.id, { name: 'wo', secret });
    expect(created.token).toBe(secret);
    expect(created.token_hint).toBe(secret.slice(0, 8));
    expect((await server.clientFor(secret).whoami()).token_id).toBe(created.id);
    expect(JSON.stringify(await admin.getServiceAccountToken(sa.id, created.id))).not.toContain(secret);
    expect(JSON.stringify(await admin.listAuditEvents({ limit: 500 }))).not.toContain(secret);
    expect(server.logs()).not.toContain(secret);
    if (server.dataDir) for (const f of readdirSync(server.dataDir)) expect(readFileSync(join(server.dataDir, f)).toString('latin1')).not.toContain(secret);
  });

  test("regenerate with the client's secret keeps the old one through the overlap only", async () => {
    const sa = await account();
    const first = generateSecret();
    const token = await admin.createServiceAccountToken(sa.id, { name: 'rot', secret: first });
    const second = generateSecret();
    const rotated = await admin.regenerateServiceAccountToken(sa.id, token.id, { secret: second, overlap_seconds: 600 });
    expect(rotated.token).toBe(second);
    expect((await server.clientFor(first).whoami()).token_id).toBe(token.id);
    expect((await server.clientFor(second).whoami()).token_id).toBe(token.id);
    clock.advance(601_000);
    await expect(server.clientFor(first).whoami()).rejects.toMatchObject({ status: 401 });
    expect((await server.clientFor(second).whoami()).token_id).toBe(token.id);
  });

  test.each([
    ['the secret of a live token', async (sa: string) => (await admin.createServiceAccountToken(sa, { name: uniqueName('live'), secret: generateSecret() })).token],
    ['a server-generated secret', async (sa: string) => (await admin.createServiceAccountToken(sa, { name: uniqueName('gen') })).token],
    ["the bootstrap admin's secret", async () => server.adminToken],
    [
      'a secret a rotation retired',
      async (sa: string) => {
        const old = await admin.createServiceAccountToken(sa, { name: uniqueName('old') });
        await admin.regenerateServiceAccountToken(sa, old.id, {});
        return old.token;
      },
    ],
    [
      'the secret of a revoked token',
      async (sa: string) => {
        const gone = await admin.createServiceAccountToken(sa, { name: uniqueName('rev'), secret: generateSecret() });
        await admin.revokeServiceAccountToken(sa, gone.id);
        return gone.token;
      },
    ],
  ])('%s is refused with 409 WARDEN_ERR_SECRET_REUSED on create and regenerate, changing nothing', async (_label, seen) => {
    const sa = await account();
    const secret = await seen(sa.id);
    const target = await admin.createServiceAccountToken(sa.id, { name: uniqueName('target') });
    const before = await admin.listServiceAccountTokens(sa.id);
    const refusal = { status: 409, code: 'WARDEN_ERR_SECRET_REUSED', problem: { errors: [{ path: 'secret', message: expect.any(String) }] } };
    await expect(admin.createServiceAccountToken(sa.id, { name: uniqueName('dup'), secret })).rejects.toMatchObject(refusal);
    await expect(admin.regenerateServiceAccountToken(sa.id, target.id, { secret })).rejects.toMatchObject(refusal);
    expect(await admin.listServiceAccountTokens(sa.id)).toEqual(before);
    // The target's own secret still works: the refused regenerate changed nothing.
    expect((await server.clientFor(target.token).whoami()).token_id).toBe(target.id);
  });

  test.each([
    ['a wrong checksum', typo(generateSecret())],
    ['another prefix', `ghp_${generateSecret().slice(4)}`],
    ['a short value', generateSecret().slice(0, 20)],
  ])('%s is refused with 400 naming "secret", never echoing it, and creates nothing', async (_label, secret) => {
    const sa = await account();
    const err = await admin.createServiceAccountToken(sa.id, { name: 'bad', secret }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ status: 400, code: 'WARDEN_ERR_VALIDATION', errors: [{ path: 'secret', message: expect.stringContaining('token format') }] });
    expect(JSON.stringify((err as { problem: unknown }).problem)).not.toContain(secret);
    expect((await admin.listServiceAccountTokens(sa.id)).items).toEqual([]);
  });

  test("a repeat under the same Idempotency-Key answers with the client's secret, unchanged", async () => {
    const sa = await account();
    const secret = generateSecret();
    const key = uniqueName('idem');
    const first = await admin.createServiceAccountToken(sa.id, { name: 'idem', secret }, { idempotencyKey: key });
    const repeat = await admin.createServiceAccountToken(sa.id, { name: 'idem', secret }, { idempotencyKey: key });
    expect(repeat.id).toBe(first.id);
    expect(repeat.token).toBe(secret);
    expect((await server.clientFor(secret).whoami()).token_id).toBe(first.id);
  });
});
