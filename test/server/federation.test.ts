import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WardenClient } from '../../api-client';
import { GRANT_TYPE_TOKEN_EXCHANGE, TOKEN_TYPE_JWT, type ServiceAccount } from '../../api-client/contract';
import { OidcIssuer } from '../support/oidc-issuer';
import { type Postgres, startPostgres } from '../support/postgres';
import { type TestServer, startServer } from '../support/server';

let server: TestServer & { dataDir: string | undefined };
let issuer: OidcIssuer;
let account: ServiceAccount;
const now = () => Math.floor(Date.now() / 1000);

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function exchange(subjectToken: string, extra: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${server.url}/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: GRANT_TYPE_TOKEN_EXCHANGE, subject_token: subjectToken, subject_token_type: TOKEN_TYPE_JWT, ...extra }).toString(),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

async function tokenCount(): Promise<number> {
  return (await server.client.listServiceAccountTokens(account.id, { limit: 500 })).items.length;
}

let pg: Postgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg.stop();
});

describe.each(['sqlite', 'postgres'] as const)('on %s', (kind) => {
  let databaseUrl: string | undefined;
  beforeAll(async () => {
    issuer = await OidcIssuer.start();
    // No cooldown between key-set fetches, so each unknown kid shows its one refetch in the counts.
    databaseUrl = kind === 'postgres' ? await pg.createDatabase('federation') : undefined;
    server = await startServer({ federation: { allowHttpLoopback: true, jwksCooldownMs: 0 }, ...(databaseUrl ? { databaseUrl } : {}) });
    account = await server.client.createServiceAccount({ name: 'ci-deployer' });
    await server.client.createRoleBinding({ service_account_id: account.id, role: 'editor' });
    await server.client.createFederatedCredential(account.id, {
      name: 'github-main',
      issuer: issuer.url,
      audience: 'warden',
      subject: 'repo:acme/app:ref:refs/heads/*',
      claims: { repository: 'acme/app' },
    });
  });

  afterAll(async () => {
    await server?.stop();
    await issuer?.stop();
  });

  describe('federated credentials', () => {
    test('are created, listed, read and deleted through the API, and audited', async () => {
      const other = await server.client.createServiceAccount({ name: 'fc-crud' });
      const created = await server.client.createFederatedCredential(other.id, {
        name: 'k8s',
        issuer: issuer.url,
        audience: 'warden',
        subject: 'system:serviceaccount:ci:deployer',
      });
      expect(created).toMatchObject({ service_account_id: other.id, name: 'k8s', claims: {}, max_token_lifetime_seconds: 3600 });
      expect((await server.client.listFederatedCredentials(other.id)).items.map((c) => c.id)).toEqual([created.id]);
      expect(await server.client.getFederatedCredential(other.id, created.id)).toEqual(created);
      await expect(server.client.createFederatedCredential(other.id, { name: 'k8s', issuer: issuer.url, audience: 'x', subject: 'y' })).rejects.toMatchObject({
        code: 'WARDEN_ERR_NAME_TAKEN',
      });
      await server.client.deleteFederatedCredential(other.id, created.id);
      await expect(server.client.getFederatedCredential(other.id, created.id)).rejects.toMatchObject({ status: 404 });
      const actions = (await server.client.listAuditEvents({ target_id: created.id })).items.map((e) => e.action).sort();
      expect(actions).toEqual(['federated_credential.create', 'federated_credential.delete']);
    });

    test.each([
      ['issuer', { issuer: 'http://issuer.example.com' }, 'https://'],
      ['issuer', { issuer: 'not a url' }, 'absolute URL'],
      ['subject', { subject: 'has space' }, 'visible ASCII'],
      ['claims.sub', { claims: { sub: 'x' } }, 'own fields'],
      ['max_token_lifetime_seconds', { max_token_lifetime_seconds: 30 }, ''],
      ['max_token_lifetime_seconds', { max_token_lifetime_seconds: 43201 }, ''],
    ])('bad %s is refused naming the field, and nothing is created', async (field, change, message) => {
      const before = (await server.client.listFederatedCredentials(account.id)).items.length;
      const body = { name: 'bad-input', issuer: issuer.url, audience: 'warden', subject: 'x', ...change };
      const res = await fetch(`${server.url}/v1/service-accounts/${account.id}/federated-credentials`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const problem = (await res.json()) as { code: string; errors: { path: string; message: string }[] };
      expect(res.status).toBe(400);
      expect(problem.code).toBe('WARDEN_ERR_VALIDATION');
      const error = problem.errors.find((e) => e.path === field.split('.')[0] || e.path === field);
      expect(error).toBeDefined();
      expect(error!.message).toContain(message);
      expect((await server.client.listFederatedCredentials(account.id)).items.length).toBe(before);
    });

    test('need tokens:write on the account, like its tokens', async () => {
      const reader = await server.client.createServiceAccount({ name: 'fc-reader' });
      await server.client.createRoleBinding({ service_account_id: reader.id, role: 'member' });
      const readerToken = (await server.client.createServiceAccountToken(reader.id, { name: 't' })).token;
      const client = server.clientFor(readerToken);
      await expect(client.createFederatedCredential(account.id, { name: 'sneaky', issuer: issuer.url, audience: 'warden', subject: '*' })).rejects.toMatchObject({
        status: 403,
        code: 'WARDEN_ERR_FORBIDDEN',
      });
      expect((await client.listFederatedCredentials(account.id)).items.map((c) => c.name)).toEqual(['github-main']);
    });
  });

  describe('token exchange (RFC 8693)', () => {
    test('a matching token is exchanged for a Warden token that works, audited with the external subject', async () => {
      const subjectToken = await issuer.mint({ repository: 'acme/app' });
      const answer = await exchange(subjectToken);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.body).toMatchObject({ issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 3600, scope: 'api' });
      const accessToken = answer.body.access_token as string;
      expect(accessToken).toMatch(/^wdn_/);
      const me = await server.clientFor(accessToken).whoami();
      expect(me).toMatchObject({ user_type: 'service', id: account.id, scopes: ['api'] });
      const issued = (await server.client.listServiceAccountTokens(account.id)).items.find((t) => t.id === me.token_id)!;
      expect(Date.parse(issued.expires_at!) - Date.now()).toBeLessThanOrEqual(3600 * 1000);

      const events = (await server.client.listAuditEvents({ action: 'token.exchange' })).items;
      const event = events.find((e) => e.target.id === me.token_id)!;
      expect(event.actor).toEqual({ user_type: 'service', id: account.id, token_id: me.token_id, external_subject: `${issuer.url} repo:acme/app:ref:refs/heads/main` });
      // The subject token and the issued secret appear nowhere: not in audit events, logs or the database files.
      const audit = JSON.stringify((await server.client.listAuditEvents({ limit: 500 })).items);
      for (const secret of [subjectToken, subjectToken.split('.')[2]!, accessToken]) {
        expect(audit).not.toContain(secret);
        expect(server.logs()).not.toContain(secret);
        if (server.dataDir) for (const file of readdirSync(server.dataDir)) expect(readFileSync(join(server.dataDir, file)).includes(secret)).toBe(false);
      }
    });

    test('a subject matching the credential\'s "*" pattern is accepted, and the typed client exchanges too', async () => {
      const anonymous = new WardenClient({ endpoint: server.url, retry: { retries: 0 } });
      try {
        const answer = await anonymous.exchangeToken({
          grant_type: GRANT_TYPE_TOKEN_EXCHANGE,
          subject_token: await issuer.mint({ sub: 'repo:acme/app:ref:refs/heads/release-2', repository: 'acme/app' }),
          subject_token_type: TOKEN_TYPE_JWT,
          service_account: 'ci-deployer',
        });
        expect(answer.expires_in).toBe(3600);
        await expect(
          anonymous.exchangeToken({ grant_type: GRANT_TYPE_TOKEN_EXCHANGE, subject_token: await issuer.mint({ aud: 'other' }), subject_token_type: TOKEN_TYPE_JWT }),
        ).rejects.toMatchObject({
          status: 400,
          code: 'WARDEN_ERR_OAUTH_INVALID_GRANT',
        });
      } finally {
        await anonymous.close();
      }
    });

    const refused: [string, () => Promise<string>, Record<string, string>, string, RegExp][] = [
      ['wrong audience', () => issuer.mint({ aud: 'someone-else', repository: 'acme/app' }), {}, 'invalid_grant', /audience/],
      ['wrong subject', () => issuer.mint({ sub: 'repo:evil/app:ref:refs/heads/main', repository: 'acme/app' }), {}, 'invalid_grant', /subject/],
      ['subject outside the pattern (a pull request ref)', () => issuer.mint({ sub: 'repo:acme/app:pull_request', repository: 'acme/app' }), {}, 'invalid_grant', /subject/],
      ['claim mismatch', () => issuer.mint({ repository: 'acme/other' }), {}, 'invalid_grant', /claim "repository"/],
      ['claim missing', () => issuer.mint({}), {}, 'invalid_grant', /claim "repository"/],
      ['expired', () => issuer.mint({ repository: 'acme/app', iat: now() - 900, nbf: now() - 900, exp: now() - 120 }), {}, 'invalid_grant', /expired/],
      ['not yet valid', () => issuer.mint({ repository: 'acme/app', nbf: now() + 300, exp: now() + 900 }), {}, 'invalid_grant', /not valid yet/],
      ['issued in the future', () => issuer.mint({ repository: 'acme/app', iat: now() + 300, nbf: now() - 10, exp: now() + 900 }), {}, 'invalid_grant', /iat/],
      ['no exp', () => issuer.mint({ repository: 'acme/app' }, { omit: ['exp'] }), {}, 'invalid_grant', /"exp"/],
      ['alg none', async () => issuer.unsigned({ repository: 'acme/app' }), {}, 'invalid_grant', /algorithm/],
      ['HS256 signed with the public key', () => issuer.hmacWithPublicKey({ repository: 'acme/app' }), {}, 'invalid_grant', /algorithm/],
      [
        'a tampered payload',
        async () => {
          const [h, , s] = (await issuer.mint({ repository: 'acme/app' })).split('.');
          return `${h}.${Buffer.from(JSON.stringify({ iss: issuer.url, sub: 'repo:acme/app:ref:refs/heads/main', aud: 'warden', repository: 'acme/app', iat: now(), exp: now() + 300 })).toString('base64url')}.${s}`;
        },
        {},
        'invalid_grant',
        /signature/,
      ],
      ['scope widening to scim', () => issuer.mint({ repository: 'acme/app' }), { scope: 'api scim' }, 'invalid_scope', /wider/],
      ['an unknown scope', () => issuer.mint({ repository: 'acme/app' }), { scope: 'admin' }, 'invalid_scope', /unknown scope/],
      ['a service_account that does not trust the issuer', () => issuer.mint({ repository: 'acme/app' }), { service_account: 'fc-reader' }, 'invalid_target', /service_account/],
      ['another grant type', () => issuer.mint({ repository: 'acme/app' }), { grant_type: 'client_credentials' }, 'unsupported_grant_type', /grant_type/],
      [
        'another subject token type',
        () => issuer.mint({ repository: 'acme/app' }),
        { subject_token_type: 'urn:ietf:params:oauth:token-type:saml2' },
        'invalid_request',
        /subject_token_type/,
      ],
      ['a subject token that is not a JWT', async () => 'not-a-jwt', {}, 'invalid_request', /not a JWT/],
    ];
    test.each(refused)('%s is refused and nothing is issued', async (_name, token, extra, error, description) => {
      const before = await tokenCount();
      const answer = await exchange(await token(), extra);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.body.error).toBe(error);
      expect(String(answer.body.error_description)).toMatch(description);
      expect(answer.body.access_token).toBeUndefined();
      expect(await tokenCount()).toBe(before);
    });

    test('a repeated parameter or a JSON body is invalid_request, and nothing is issued', async () => {
      const before = await tokenCount();
      const subjectToken = await issuer.mint({ repository: 'acme/app' });
      const form = `grant_type=${encodeURIComponent(GRANT_TYPE_TOKEN_EXCHANGE)}&subject_token_type=${encodeURIComponent(TOKEN_TYPE_JWT)}&subject_token=${subjectToken}&scope=api&scope=scim`;
      const repeated = await fetch(`${server.url}/v1/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
      expect(repeated.status).toBe(400);
      expect(await repeated.json()).toEqual({ error: 'invalid_request', error_description: 'scope is given more than once' });
      const json = await fetch(`${server.url}/v1/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: GRANT_TYPE_TOKEN_EXCHANGE, subject_token: subjectToken, subject_token_type: TOKEN_TYPE_JWT }),
      });
      expect(json.status).toBe(400);
      expect(await json.json()).toMatchObject({ error: 'invalid_request' });
      expect(await tokenCount()).toBe(before);
    });

    test('a replayed token (same jti) is refused the second time', async () => {
      const subjectToken = await issuer.mint({ repository: 'acme/app' });
      expect((await exchange(subjectToken)).status).toBe(200);
      let before = await tokenCount();
      const again = await exchange(subjectToken);
      expect(again.body).toMatchObject({ error: 'invalid_grant' });
      expect(String(again.body.error_description)).toMatch(/already exchanged/);
      // Another token with the same jti is the same exchange, too.
      const sameJti = await issuer.mint({ repository: 'acme/app', jti: JSON.parse(Buffer.from(subjectToken.split('.')[1]!, 'base64url').toString()).jti });
      expect((await exchange(sameJti)).body).toMatchObject({ error: 'invalid_grant' });
      // Without a jti the token itself is remembered: once, and only once.
      const noJti = await issuer.mint({ repository: 'acme/app' }, { omit: ['jti'] });
      expect((await exchange(noJti)).status).toBe(200);
      before += 1;
      expect((await exchange(noJti)).body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('already exchanged') });
      expect(await tokenCount()).toBe(before);
    });

    // One process owns a SQLite store; several processes share only PostgreSQL.
    if (kind === 'postgres') {
      test('a token exchanged at one server process is a replay at another sharing the store', async () => {
        const second = await startServer({ databaseUrl: databaseUrl!, federation: { allowHttpLoopback: true } });
        try {
          const subjectToken = await issuer.mint({ repository: 'acme/app' });
          expect((await exchange(subjectToken)).status).toBe(200);
          const res = await fetch(`${second.url}/v1/oauth/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ grant_type: GRANT_TYPE_TOKEN_EXCHANGE, subject_token: subjectToken, subject_token_type: TOKEN_TYPE_JWT }).toString(),
          });
          expect(res.status).toBe(400);
          expect(await res.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('already exchanged') });
        } finally {
          await second.stop();
        }
      });
    }

    test('a token from an issuer no credential names is refused without fetching anything from it', async () => {
      const stranger = await OidcIssuer.start();
      try {
        const before = await tokenCount();
        const answer = await exchange(await stranger.mint({ repository: 'acme/app' }));
        expect(answer.body).toMatchObject({ error: 'invalid_grant' });
        expect(String(answer.body.error_description)).toMatch(/no federated credential trusts the issuer/);
        expect(stranger.requests).toEqual({ discovery: 0, jwks: 0 });
        expect(await tokenCount()).toBe(before);
      } finally {
        await stranger.stop();
      }
    });

    test('after key rotation an unknown kid refetches the key set once and the new key is accepted; a kid never published is refused', async () => {
      expect((await exchange(await issuer.mint({ repository: 'acme/app' }))).status).toBe(200);
      const oldKey = issuer.currentKey;
      await issuer.rotate();
      const fetches = issuer.requests.jwks;
      expect((await exchange(await issuer.mint({ repository: 'acme/app' }))).status).toBe(200);
      expect(issuer.requests.jwks).toBe(fetches + 1);
      // The cached set now has the new key: no fetch for the next token.
      expect((await exchange(await issuer.mint({ repository: 'acme/app' }))).status).toBe(200);
      expect(issuer.requests.jwks).toBe(fetches + 1);

      const before = await tokenCount();
      const stale = await exchange(await issuer.mint({ repository: 'acme/app' }, { key: oldKey }));
      expect(stale.body).toMatchObject({ error: 'invalid_grant' });
      expect(String(stale.body.error_description)).toMatch(/kid/);
      const unknown = await exchange(await issuer.mint({ repository: 'acme/app' }, { key: await issuer.unpublishedKey() }));
      expect(unknown.body).toMatchObject({ error: 'invalid_grant' });
      // Each unknown kid cost one refetch, not more.
      expect(issuer.requests.jwks).toBe(fetches + 3);
      expect(await tokenCount()).toBe(before);
    });

    test('refused exchanges are audited without the token', async () => {
      const subjectToken = await issuer.mint({ aud: 'nobody', repository: 'acme/app' });
      await exchange(subjectToken);
      const events = (await server.client.listAuditEvents({ action: 'token.exchange_refused' })).items;
      expect(events.length).toBeGreaterThan(0);
      expect(events[0]).toMatchObject({ outcome: 'failure', actor: { user_type: 'anonymous', id: null } });
      expect(JSON.stringify(events)).not.toContain(subjectToken.split('.')[2]!);
    });
  });
});

describe('with the default key-set cooldown, and two accounts trusting one token', () => {
  let own: TestServer;
  let source: OidcIssuer;
  const post = async (url: string, subjectToken: string, extra: Record<string, string> = {}) => {
    const res = await fetch(`${url}/v1/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: GRANT_TYPE_TOKEN_EXCHANGE, subject_token: subjectToken, subject_token_type: TOKEN_TYPE_JWT, ...extra }).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  beforeAll(async () => {
    source = await OidcIssuer.start();
    own = await startServer({ federation: { allowHttpLoopback: true } });
    for (const name of ['blue', 'green']) {
      const sa = await own.client.createServiceAccount({ name });
      await own.client.createFederatedCredential(sa.id, { name: 'ci', issuer: source.url, audience: 'warden', subject: 'repo:acme/app:ref:refs/heads/main' });
    }
  });
  afterAll(async () => {
    await own?.stop();
    await source?.stop();
  });

  test('several matching accounts need service_account (invalid_target); naming one issues for it', async () => {
    const refused = await post(own.url, await source.mint({}));
    expect(refused.body).toMatchObject({ error: 'invalid_target', error_description: expect.stringContaining('service_account') });
    const green = (await own.client.listServiceAccounts({ name: 'green' })).items[0]!;
    const answer = await post(own.url, await source.mint({}), { service_account: green.id });
    expect(answer.status).toBe(200);
    expect(await own.clientFor(answer.body.access_token as string).whoami()).toMatchObject({ id: green.id });
  });

  test('made-up key ids cost no refetch within the cooldown: refused without a fetch', async () => {
    expect((await post(own.url, await source.mint({}), { service_account: 'blue' })).status).toBe(200);
    const fetches = source.requests.jwks;
    for (let i = 0; i < 3; i++) {
      const answer = await post(own.url, await source.mint({}, { key: await source.unpublishedKey() }), { service_account: 'blue' });
      expect(answer.body).toMatchObject({ error: 'invalid_grant' });
    }
    expect(source.requests.jwks).toBe(fetches);
  });
});

describe('without the loopback setting', () => {
  test('a plain-HTTP issuer is refused at creation', async () => {
    const strict = await startServer();
    try {
      const sa = await strict.client.createServiceAccount({ name: 'strict' });
      await expect(strict.client.createFederatedCredential(sa.id, { name: 'local', issuer: issuer.url, audience: 'warden', subject: '*' })).rejects.toMatchObject({
        status: 400,
        problem: { errors: [{ path: 'issuer', message: expect.stringContaining('https://') }] },
      });
      expect((await strict.client.listFederatedCredentials(sa.id)).items).toEqual([]);
    } finally {
      await strict.stop();
    }
  });
});
