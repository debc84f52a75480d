import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { type RouteDef, routes } from '../../api-client/contract';
import { fingerprint } from '../../server/http/idempotency';
import { startServer } from '../support/server';
import { uniqueName } from '../support/fixtures';

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

const PASSWORD = 'correct horse battery staple';

function post(path: string, body: unknown, init: { token?: string; key?: string } = {}) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.key ? { 'idempotency-key': init.key } : {}),
    },
    body: JSON.stringify(body),
  });
}
async function whoamiStatus(token: string) {
  const res = await fetch(`${server.url}/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  return res.status;
}

describe('the contract declares which routes carry secrets', () => {
  const shapeOf = (s: z.ZodType | null | undefined) => (s instanceof z.ZodObject ? s.shape : s instanceof z.ZodPipe && s.in instanceof z.ZodObject ? s.in.shape : {});
  test('a route whose response has a token field declares it, with the fields it names', () => {
    for (const [name, def] of Object.entries(routes) as [string, RouteDef][]) {
      const response = shapeOf(def.response);
      // A response with a `token` field carries a secret, so the route must say so and how replays work.
      expect({ name, declared: def.secretResponse !== undefined }).toEqual({ name, declared: 'token' in response });
      if (def.secretResponse) expect(Object.keys(response)).toEqual(expect.arrayContaining([def.secretResponse.field, def.secretResponse.credentialId]));
      for (const field of def.secretFields ?? []) expect(Object.keys(shapeOf(def.body as z.ZodType))).toContain(field);
    }
  });
  test('passwords and reported tokens are declared secret', () => {
    expect(routes.createSession.secretFields).toEqual(['password']);
    expect(routes.createUser.secretFields).toEqual(['password']);
    expect(routes.reportLeak.secretFields).toEqual(['token']);
  });
});

describe('idempotency records never fingerprint a secret', () => {
  test('the fingerprint is a keyed MAC that ignores secret fields', () => {
    const key = Buffer.alloc(32, 1);
    const a = fingerprint(key, 'POST', '/v1/sessions', { email: 'a@example.com', password: 'one' }, ['password']);
    expect(fingerprint(key, 'POST', '/v1/sessions', { email: 'a@example.com', password: 'two' }, ['password'])).toBe(a);
    expect(fingerprint(key, 'POST', '/v1/sessions', { email: 'b@example.com', password: 'one' }, ['password'])).not.toBe(a);
    expect(fingerprint(Buffer.alloc(32, 2), 'POST', '/v1/sessions', { email: 'a@example.com', password: 'one' }, ['password'])).not.toBe(a);
  });

  test('no plain SHA-256 of a body holding a password is stored', async () => {
    const email = `${uniqueName('pat')}@example.com`;
    const user = { email, name: 'Pat', password: PASSWORD };
    const signIn = { email, password: PASSWORD };
    expect((await post('/v1/users', user, { token: server.adminToken, key: `u-${email}` })).status).toBe(201);
    expect((await post('/v1/sessions', signIn, { key: `s-${email}` })).status).toBe(201);

    const rows = await server.store.all<{ request_hash: string }>('SELECT request_hash FROM idempotency_keys');
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const plain = [
      `POST /v1/users ${JSON.stringify(user)}`,
      `POST /v1/sessions ${JSON.stringify(signIn)}`,
      JSON.stringify(user),
      JSON.stringify(signIn),
      PASSWORD,
      JSON.stringify(['POST', '/v1/users', { email, name: 'Pat' }]),
      JSON.stringify(['POST', '/v1/sessions', { email }]),
    ].flatMap((s) =>
      ['base64url', 'hex', 'base64'].map((enc) =>
        createHash('sha256')
          .update(s)
          .digest(enc as 'hex'),
      ),
    );
    const files = readdirSync(server.dataDir!)
      .map((f) => readFileSync(join(server.dataDir!, f)).toString('latin1'))
      .join('\n');
    for (const digest of plain) {
      expect(rows.map((r) => r.request_hash)).not.toContain(digest);
      expect(files.includes(digest)).toBe(false);
    }
  });
});

describe('a sign-in replayed with its Idempotency-Key', () => {
  test('answers a new working session, ends the first one, and checks the password again', async () => {
    const email = `${uniqueName('sam')}@example.com`;
    await server.client.createUser({ email, name: 'Sam', password: PASSWORD });
    const key = `signin-${email}`;
    const first = await post('/v1/sessions', { email, password: PASSWORD }, { key });
    const second = await post('/v1/sessions', { email, password: PASSWORD }, { key });
    expect([first.status, second.status]).toEqual([201, 201]);
    const [a, b] = (await Promise.all([first.json(), second.json()])) as { id: string; token: string; user: { id: string } }[];
    expect(b!.user.id).toBe(a!.user.id);
    expect(b!.token).not.toBe(a!.token);
    expect(await whoamiStatus(a!.token)).toBe(401);
    expect(await whoamiStatus(b!.token)).toBe(200);

    // Signed out, a replay is still a sign-in, never 409 WARDEN_ERR_TOKEN_REVOKED.
    await server.clientFor(b!.token).deleteSession();
    const third = await post('/v1/sessions', { email, password: PASSWORD }, { key });
    expect(third.status).toBe(201);
    expect(await whoamiStatus(((await third.json()) as { token: string }).token)).toBe(200);

    const wrong = await post('/v1/sessions', { email, password: 'not the password' }, { key });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe('WARDEN_ERR_INVALID_CREDENTIALS');
  });
});

describe('every response that carries a secret is not cacheable', () => {
  const noStore = (res: Response) => ({ status: res.status, cache: res.headers.get('cache-control'), pragma: res.headers.get('pragma') });
  const expected = (status: number) => ({ status, cache: 'no-store', pragma: 'no-cache' });

  test('token creation, regenerate, personal tokens, sessions, and their replays', async () => {
    const account = await server.client.createServiceAccount({ name: uniqueName('cache') });
    const email = `${uniqueName('kim')}@example.com`;
    const user = await server.client.createUser({ email, name: 'Kim', password: PASSWORD });
    const admin = { token: server.adminToken };
    const created = await post(`/v1/service-accounts/${account.id}/tokens`, { name: 't' }, { ...admin, key: `c-${account.id}` });
    expect(noStore(created)).toEqual(expected(201));
    const tokenId = ((await created.json()) as { id: string }).id;
    expect(noStore(await post(`/v1/service-accounts/${account.id}/tokens`, { name: 't' }, { ...admin, key: `c-${account.id}` }))).toEqual(expected(201));
    expect(noStore(await post(`/v1/service-accounts/${account.id}/tokens/${tokenId}/regenerate`, {}, admin))).toEqual(expected(200));
    const personal = await post(`/v1/users/${user.id}/tokens`, { name: 'p' }, admin);
    expect(noStore(personal)).toEqual(expected(201));
    const personalId = ((await personal.json()) as { id: string }).id;
    expect(noStore(await post(`/v1/users/${user.id}/tokens/${personalId}/regenerate`, {}, admin))).toEqual(expected(200));
    expect(noStore(await post('/v1/sessions', { email, password: PASSWORD }, { key: `s-${email}` }))).toEqual(expected(201));
    expect(noStore(await post('/v1/sessions', { email, password: PASSWORD }, { key: `s-${email}` }))).toEqual(expected(201));
  });
});

test('the OpenAPI document marks secret fields write-only and secret responses no-store', async () => {
  const doc = (await (await fetch(`${server.url}/v1/openapi.json`)).json()) as {
    paths: Record<
      string,
      Record<
        string,
        { requestBody: { content: Record<string, { schema: { properties: Record<string, object> } }> }; responses: Record<string, { headers?: Record<string, unknown> }> }
      >
    >;
  };
  const session = doc.paths['/v1/sessions']!.post!;
  expect(session.requestBody.content['application/json']!.schema.properties.password).toMatchObject({ format: 'password', writeOnly: true });
  // Every answer of the route, refusals included, declares no-store (besides X-Request-Id).
  for (const status of ['201', '400', '401', '413', '429'])
    expect(Object.keys(session.responses[status]!.headers ?? {})).toEqual(expect.arrayContaining(['X-Request-Id', 'Cache-Control', 'Pragma']));
  expect(doc.paths['/v1/service-accounts/{id}/tokens']!.post!.responses['201']!.headers).toBeDefined();
});
