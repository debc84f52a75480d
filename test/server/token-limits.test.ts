import type { WardenClient } from '../../api-client';
import { readEnv } from '../../server/config';
import { uniqueName } from '../support/fixtures';
import { TestClock, startServer } from '../support/server';

// allowed_cidrs on service accounts and tokens, and max_unused_days. All traffic is loopback: other
// client addresses are simulated with X-Forwarded-For from the trusted proxy 127.0.0.1.

type Server = Awaited<ReturnType<typeof startServer>>;
const DAY = 24 * 3600 * 1000;

/** GET /v1/whoami with the secret, as if from `from` (through the proxy), or from the socket's own address. */
async function whoamiStatus(server: Server, secret: string, from?: string): Promise<number> {
  const res = await fetch(`${server.url}/v1/whoami`, { headers: { authorization: `Bearer ${secret}`, ...(from ? { 'x-forwarded-for': from } : {}) } });
  await res.body?.cancel();
  return res.status;
}

describe('allowed_cidrs behind the trusted proxy 127.0.0.1', () => {
  let server: Server;
  let admin: WardenClient;
  beforeAll(async () => {
    server = await startServer({ trustedProxies: ['127.0.0.1'] });
    admin = server.client;
  });
  afterAll(() => server.stop());

  async function tokenFor(account: { allowed_cidrs?: string[] }, token: { allowed_cidrs?: string[] } = {}) {
    const sa = await admin.createServiceAccount({ name: uniqueName('net'), ...account });
    await admin.createRoleBinding({ service_account_id: sa.id, role: 'member' });
    return { sa, token: await admin.createServiceAccountToken(sa.id, { name: 'net', ...token }) };
  }

  type Bound = { allowed_cidrs?: string[] };
  test.each<[string, Bound, Bound, (string | undefined)[], (string | undefined)[]]>([
    ['the account allows 198.51.100.0/24', { allowed_cidrs: ['198.51.100.0/24'] }, {}, ['198.51.100.7'], ['203.0.113.9', undefined]],
    ['the token allows 203.0.113.0/24', {}, { allowed_cidrs: ['203.0.113.0/24'] }, ['203.0.113.1'], ['198.51.100.7', undefined]],
    [
      'the account allows 10.0.0.0/8 and the token 10.1.0.0/16 within it',
      { allowed_cidrs: ['10.0.0.0/8'] },
      { allowed_cidrs: ['10.1.0.0/16'] },
      ['10.1.2.3'],
      ['10.2.0.1', '192.0.2.1'],
    ],
    ['the account allows 2001:db8::/32', { allowed_cidrs: ['2001:db8::/32'] }, {}, ['2001:db8::5'], ['2001:db9::5', '198.51.100.7']],
    ['nothing is bound', {}, {}, ['198.51.100.7', '2001:db8::5', undefined], []],
  ])('when %s, requests from inside get through and from elsewhere (or the proxy itself) get 401', async (_label, account, token, allowed, refused) => {
    const { token: t } = await tokenFor(account, token);
    expect(t.allowed_cidrs).toEqual(token.allowed_cidrs ?? []);
    for (const from of allowed) expect({ from, status: await whoamiStatus(server, t.token, from) }).toEqual({ from, status: 200 });
    for (const from of refused) expect({ from, status: await whoamiStatus(server, t.token, from) }).toEqual({ from, status: 401 });
  });

  test('a refusal from elsewhere is audited as auth.refused_network against the token, without the secret', async () => {
    const { sa, token } = await tokenFor({ allowed_cidrs: ['198.51.100.0/24'] });
    expect(await whoamiStatus(server, token.token, '203.0.113.9')).toBe(401);
    const events = (await admin.listAuditEvents({ action: 'auth.refused_network', target_id: token.id })).items;
    expect(events).toEqual([
      expect.objectContaining({
        action: 'auth.refused_network',
        outcome: 'failure',
        actor: expect.objectContaining({ id: sa.id, token_id: token.id }),
        target: { type: 'token', id: token.id },
      }),
    ]);
    expect(JSON.stringify(await admin.listAuditEvents({ limit: 500 }))).not.toContain(token.token);
    expect(server.logs()).not.toContain(token.token);
  });

  test('PATCH changes the bindings of a token and of an account, and they apply at once', async () => {
    const { sa, token } = await tokenFor({});
    expect(await whoamiStatus(server, token.token, '203.0.113.9')).toBe(200);
    const patched = await admin.updateServiceAccountToken(sa.id, token.id, { allowed_cidrs: ['198.51.100.0/24'] });
    expect(patched).toMatchObject({ allowed_cidrs: ['198.51.100.0/24'], disabled: false });
    expect(await whoamiStatus(server, token.token, '203.0.113.9')).toBe(401);
    expect(await whoamiStatus(server, token.token, '198.51.100.1')).toBe(200);
    await admin.updateServiceAccount(sa.id, { allowed_cidrs: ['198.51.100.128/25'] });
    expect((await admin.getServiceAccount(sa.id)).allowed_cidrs).toEqual(['198.51.100.128/25']);
    expect(await whoamiStatus(server, token.token, '198.51.100.1')).toBe(401);
    expect(await whoamiStatus(server, token.token, '198.51.100.200')).toBe(200);
    await admin.updateServiceAccount(sa.id, { allowed_cidrs: [] });
    await admin.updateServiceAccountToken(sa.id, token.id, { allowed_cidrs: [] });
    expect(await whoamiStatus(server, token.token, '203.0.113.9')).toBe(200);
  });

  test.each([
    ['host bits set', '10.1.2.3/8', 'host bits'],
    ['no prefix', '203.0.113.7', 'CIDR block'],
    ['a prefix too long', '10.0.0.0/33', 'prefix longer'],
    ['not an address', 'example.com/24', 'IPv4 or IPv6'],
  ])('a CIDR with %s is refused with 400 naming the entry, and changes nothing', async (_label, cidr, message) => {
    const { sa, token } = await tokenFor({});
    const before = await admin.getServiceAccountToken(sa.id, token.id);
    await expect(admin.updateServiceAccountToken(sa.id, token.id, { allowed_cidrs: ['192.0.2.0/24', cidr] })).rejects.toMatchObject({
      status: 400,
      errors: [{ path: 'allowed_cidrs.1', message: expect.stringContaining(message) }],
    });
    await expect(admin.createServiceAccount({ name: uniqueName('bad'), allowed_cidrs: [cidr] })).rejects.toMatchObject({
      status: 400,
      errors: [{ path: 'allowed_cidrs.0', message: expect.stringContaining(message) }],
    });
    expect(await admin.getServiceAccountToken(sa.id, token.id)).toEqual(before);
  });

  test("more than the contract's limit of CIDRs is refused", async () => {
    const many = Array.from({ length: 33 }, (_, i) => `10.${i}.0.0/16`);
    await expect(admin.createServiceAccount({ name: uniqueName('many'), allowed_cidrs: many })).rejects.toMatchObject({ status: 400, errors: [{ path: 'allowed_cidrs' }] });
  });
});

describe('without trusted proxies, X-Forwarded-For is ignored', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.stop());

  test("the socket's address decides, whatever the header claims", async () => {
    const admin = server.client;
    const remote = await admin.createServiceAccount({ name: uniqueName('remote'), allowed_cidrs: ['198.51.100.0/24'] });
    const local = await admin.createServiceAccount({ name: uniqueName('local'), allowed_cidrs: ['127.0.0.0/8'] });
    for (const sa of [remote, local]) await admin.createRoleBinding({ service_account_id: sa.id, role: 'member' });
    const remoteToken = await admin.createServiceAccountToken(remote.id, { name: 't' });
    const localToken = await admin.createServiceAccountToken(local.id, { name: 't' });
    expect(await whoamiStatus(server, remoteToken.token, '198.51.100.7')).toBe(401);
    expect(await whoamiStatus(server, localToken.token, '203.0.113.9')).toBe(200);
  });
});

describe('WARDEN_TRUSTED_PROXIES', () => {
  test('takes addresses and CIDRs, comma-separated', () => {
    expect(readEnv({ WARDEN_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,::1' }).WARDEN_TRUSTED_PROXIES).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    expect(readEnv({}).WARDEN_TRUSTED_PROXIES).toEqual([]);
  });
  test('a bad entry stops the server with a message naming the variable', () => {
    expect(() => readEnv({ WARDEN_TRUSTED_PROXIES: '127.0.0.1,proxy.internal' })).toThrow(/WARDEN_TRUSTED_PROXIES.*IP address or a CIDR/);
  });
});

describe('max_unused_days', () => {
  const clock = new TestClock();
  let server: Server;
  let admin: WardenClient;
  beforeAll(async () => {
    server = await startServer({ clock });
    admin = server.client;
  });
  afterAll(() => server.stop());

  async function token(maxUnusedDays: number | null) {
    const sa = await admin.createServiceAccount({ name: uniqueName('idle') });
    await admin.createRoleBinding({ service_account_id: sa.id, role: 'member' });
    return {
      sa,
      token: await admin.createServiceAccountToken(sa.id, { name: 'idle', expires_in_days: 365, ...(maxUnusedDays === null ? {} : { max_unused_days: maxUnusedDays }) }),
    };
  }

  test('a token used within the window keeps working; unused that long, it stops and reads as expired', async () => {
    const { sa, token: t } = await token(10);
    expect(t).toMatchObject({ max_unused_days: 10, unused_expires_at: new Date(clock.now().getTime() + 10 * DAY).toISOString() });
    clock.advance(9 * DAY);
    expect(await whoamiStatus(server, t.token)).toBe(200);
    clock.advance(9 * DAY);
    // Nine days after its last use: still inside the window, which the use moved.
    expect(await whoamiStatus(server, t.token)).toBe(200);
    const used = await admin.getServiceAccountToken(sa.id, t.id);
    expect(used.unused_expires_at).toBe(new Date(Date.parse(used.last_used_at!) + 10 * DAY).toISOString());
    clock.advance(10 * DAY + 60_000);
    expect(await whoamiStatus(server, t.token)).toBe(401);
    expect((await admin.getServiceAccountToken(sa.id, t.id)).state).toBe('expired');
  });

  test('a token never used stops max_unused_days after creation; one without the limit does not', async () => {
    const limited = await token(3);
    const unlimited = await token(null);
    expect(unlimited.token).toMatchObject({ max_unused_days: null, unused_expires_at: null });
    clock.advance(3 * DAY);
    expect(await whoamiStatus(server, limited.token.token)).toBe(401);
    expect(await whoamiStatus(server, unlimited.token.token)).toBe(200);
    const events = (await admin.listAuditEvents({ action: 'auth.refused_inactive', target_id: limited.token.id })).items;
    expect(events).toEqual([expect.objectContaining({ outcome: 'failure', target: { type: 'token', id: limited.token.id } })]);
  });

  test('PATCH lifts or sets the limit; a bad value names max_unused_days and changes nothing', async () => {
    const { sa, token: t } = await token(2);
    await expect(admin.updateServiceAccountToken(sa.id, t.id, { max_unused_days: 0 })).rejects.toMatchObject({
      status: 400,
      errors: [{ path: 'max_unused_days', message: expect.any(String) }],
    });
    expect((await admin.getServiceAccountToken(sa.id, t.id)).max_unused_days).toBe(2);
    clock.advance(2 * DAY);
    expect(await whoamiStatus(server, t.token)).toBe(401);
    await admin.updateServiceAccountToken(sa.id, t.id, { max_unused_days: null });
    expect(await whoamiStatus(server, t.token)).toBe(200);
  });
});
