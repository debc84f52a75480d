// The Pulumi face as a user runs it: installed from `npm pack`, serialized by the SDK's own
// serializer, and executed by the SDK's real dynamic-provider host, driven over gRPC like the
// engine drives it, against the real server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSecret } from '../../server/domain/secrets';
import { uniqueName } from '../support/fixtures';
import { OidcIssuer } from '../support/oidc-issuer';
import { type TestServer, startServer } from '../support/server';
import { type Consumer, packedConsumer, startHost } from './consumer';
import { EngineSide, UNKNOWN, secret } from './host-client';

jest.setTimeout(120_000);

const urn = (type: string, name: string) => `urn:pulumi:test::warden-test::pulumi-nodejs:dynamic/warden:${type}::${name}`;
const SA = urn('ServiceAccount', 'sa');
const RB = urn('RoleBinding', 'rb');
const TK = urn('Token', 'tk');
const FC = urn('FederatedCredential', 'fc');
// A fresh, well-formed secret each run: the serialized text must not contain it.
const LEAK = { endpoint: 'http://leak-check.invalid:9', token: generateSecret() };

let server: TestServer;
let consumer: Consumer;
let providers: Record<string, string>;
let projectId: string;
let issuer: OidcIssuer;
/** The host's environment: no WARDEN_* variables, so credentials come only from configure. */
const hostEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WARDEN_')));

beforeAll(async () => {
  [server, consumer, issuer] = await Promise.all([startServer({ federation: { allowHttpLoopback: true } }), packedConsumer(), OidcIssuer.start()]);
  providers = await consumer.serialize({ WARDEN_ENDPOINT: LEAK.endpoint, WARDEN_TOKEN: LEAK.token, PULUMI_CONFIG: JSON.stringify({ 'warden:token': LEAK.token }) });
  projectId = (await server.client.createProject({ name: uniqueName('pulumi') })).id;
});
afterAll(async () => {
  consumer?.remove();
  await server?.stop();
  await issuer?.stop();
});

describe('the providers serialized from the packed package', () => {
  it('serialize, one per resource type, into a module exporting the handler the host loads', () => {
    expect(Object.keys(providers).sort()).toEqual(['federatedCredentialProvider', 'roleBindingProvider', 'serviceAccountProvider', 'tokenProvider']);
    for (const text of Object.values(providers)) expect(text).toMatch(/^exports\.handler = /);
  });

  it('require only package subpaths that the package exports', () => {
    const exported = (JSON.parse(readFileSync(join(consumer.dir, 'node_modules', 'warden-iac', 'package.json'), 'utf8')) as { exports: Record<string, string> }).exports;
    for (const text of Object.values(providers)) {
      const required = [...text.matchAll(/require\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]!);
      expect(required.length).toBeGreaterThan(0);
      for (const path of required) {
        expect(path).toMatch(/^warden-iac\//);
        expect(Object.keys(exported)).toContain(`.${path.slice('warden-iac'.length)}`);
      }
    }
  });

  it('contain no credential, neither from the environment nor from stack config', () => {
    for (const text of Object.values(providers)) {
      expect(text).not.toContain(LEAK.token);
      expect(text).not.toContain(LEAK.endpoint);
      expect(text).not.toMatch(/wdn_[A-Za-z0-9]{10}/);
    }
  });
});

describe('in the dynamic-provider host', () => {
  let host: Awaited<ReturnType<typeof startHost>>;
  let engine: EngineSide;
  const withProvider = (type: 'serviceAccountProvider' | 'roleBindingProvider' | 'tokenProvider' | 'federatedCredentialProvider', props: Record<string, unknown>) => ({
    ...props,
    __provider: providers[type],
  });
  const saInputs = (props: Record<string, unknown>) => withProvider('serviceAccountProvider', props);
  const rbInputs = (props: Record<string, unknown>) => withProvider('roleBindingProvider', props);
  const tkInputs = (props: Record<string, unknown>) => withProvider('tokenProvider', props);
  const fcInputs = (props: Record<string, unknown>) => withProvider('federatedCredentialProvider', props);
  const whoamiWith = (token: string) => server.clientFor(token).whoami();

  beforeAll(async () => {
    host = await startHost(consumer.dir, hostEnv());
    engine = new EngineSide(host.port);
    // Stack config, as the engine sends it: every key with its namespace, secrets wrapped.
    await engine.configure({ 'warden:endpoint': server.url, 'warden:token': secret(server.adminToken), 'warden-test:other': 'x' });
  });
  afterAll(async () => {
    engine?.close();
    await host?.stop();
  });

  describe('check', () => {
    it('accepts valid inputs and returns them', async () => {
      const res = await engine.check(SA, {}, saInputs({ name: 'ci-bot', teams: ['a'] }));
      expect(res.failures).toEqual([]);
      expect(res.inputs).toMatchObject({ name: 'ci-bot', teams: ['a'] });
    });

    it('names the property of each failure, in camelCase', async () => {
      const res = await engine.check(SA, {}, saInputs({ name: 'Not Valid!', displayName: 7, uid: 'x', colour: 'red' }));
      expect(res.failures.map((f) => f.property).sort()).toEqual(['colour', 'displayName', 'name', 'uid']);
      expect(res.failures.find((f) => f.property === 'displayName')!.reason).toContain('"displayName" must be a string');
      const missing = await engine.check(RB, {}, rbInputs({ role: 'member' }));
      expect(missing.failures).toEqual([{ property: 'serviceAccountId', reason: expect.stringContaining('"serviceAccountId" must be set') }]);
    });

    it('applies the cross-attribute rules of the definition', async () => {
      const res = await engine.check(TK, {}, tkInputs({ serviceAccountId: 'sa_x', name: 'ci', expiresInDays: 30, expiresAt: '2030-01-01T00:00:00Z' }));
      expect(res.failures).toEqual([{ property: 'expiresAt', reason: expect.stringContaining('"expiresAt" cannot be given with "expiresInDays"') }]);
    });

    it('accepts values unknown during preview', async () => {
      const res = await engine.check(TK, {}, tkInputs({ serviceAccountId: UNKNOWN, name: 'ci', rotationTriggers: { version: UNKNOWN } }));
      expect(res.failures).toEqual([]);
    });
  });

  describe('a service account', () => {
    let id: string;
    let outputs: Record<string, unknown>;
    const inputs = (extra: Record<string, unknown> = {}) => saInputs({ name: uniqueNameOnce, projectId, description: 'deploys', teams: ['platform'], ...extra });
    const uniqueNameOnce = uniqueName('pulumi-sa');

    it('is created, with every attribute echoed as a camelCase output', async () => {
      ({ id, properties: outputs } = await engine.create(SA, inputs()));
      const onServer = await server.client.getServiceAccount(id);
      expect(outputs).toMatchObject({
        name: uniqueNameOnce,
        projectId,
        description: 'deploys',
        teams: ['platform'],
        disabled: false,
        uid: onServer.uid,
        userName: onServer.user_name,
        displayName: onServer.display_name,
      });
      expect(outputs).not.toHaveProperty('id');
      expect(outputs).not.toHaveProperty('user_name');
    });

    it('diffs to no change against the same inputs', async () => {
      expect(await engine.diff(SA, id, outputs, inputs())).toEqual({ changes: 'none', replaces: [], deleteBeforeReplace: true });
    });

    it('diffs an in-place update, and updates', async () => {
      expect(await engine.diff(SA, id, outputs, inputs({ description: 'deploys prod' }))).toEqual({ changes: 'some', replaces: [], deleteBeforeReplace: true });
      ({ properties: outputs } = await engine.update(SA, id, outputs, inputs({ description: 'deploys prod' })));
      expect(outputs.description).toBe('deploys prod');
      expect((await server.client.getServiceAccount(id)).description).toBe('deploys prod');
    });

    it('diffs a replacement, deleting first, when the project changes', async () => {
      const other = (await server.client.createProject({ name: uniqueName('other') })).id;
      expect(await engine.diff(SA, id, outputs, inputs({ description: 'deploys prod', projectId: other }))).toEqual({
        changes: 'some',
        replaces: ['projectId'],
        deleteBeforeReplace: true,
      });
    });

    it('reads drift: disabled out of band is an in-place repair', async () => {
      await server.client.updateServiceAccount(id, { disabled: true });
      const read = await engine.read(SA, id, outputs);
      expect(read).toMatchObject({ id, properties: { disabled: true } });
      expect(await engine.diff(SA, id, read.properties, inputs({ description: 'deploys prod' }))).toMatchObject({ changes: 'some', replaces: [] });
      ({ properties: outputs } = await engine.update(SA, id, read.properties, inputs({ description: 'deploys prod' })));
      expect((await server.client.getServiceAccount(id)).disabled).toBe(false);
    });

    it('reads drift: deleted out of band is an empty id, so the engine drops and recreates it', async () => {
      await server.client.deleteServiceAccount(id);
      expect((await engine.read(SA, id, outputs)).id).toBe('');
    });
  });

  describe('a role binding and a token', () => {
    let accountId: string;
    beforeAll(async () => {
      accountId = (await engine.create(SA, saInputs({ name: uniqueName('pulumi-ci'), projectId }))).id;
    });

    it('binds a role, and a change of role replaces the binding', async () => {
      const { id, properties } = await engine.create(RB, rbInputs({ serviceAccountId: accountId, role: 'editor', projectId }));
      expect(await server.client.getRoleBinding(id)).toMatchObject({ role: 'editor', project_id: projectId, service_account_id: accountId });
      expect(await engine.diff(RB, id, properties, rbInputs({ serviceAccountId: accountId, role: 'editor', projectId }))).toMatchObject({ changes: 'none' });
      expect(await engine.diff(RB, id, properties, rbInputs({ serviceAccountId: accountId, role: 'member', projectId }))).toEqual({
        changes: 'some',
        replaces: ['role'],
        deleteBeforeReplace: true,
      });
      await engine.delete(RB, id, properties);
      await expect(server.client.getRoleBinding(id)).rejects.toMatchObject({ status: 404 });
    });

    it('creates a token and rotates it by trigger: with an overlap the old secret keeps working, without one it stops at once', async () => {
      const inputs = (version: string, overlapSeconds: number) =>
        tkInputs({ serviceAccountId: accountId, name: 'ci', expiresInDays: 30, rotationTriggers: { version }, overlapSeconds });
      const created = await engine.create(TK, inputs('1', 3600));
      const first = created.properties.token as string;
      expect(first).toMatch(/^wdn_/);
      expect(created.properties).toMatchObject({ tokenHint: expect.any(String), status: 'active', rotationTriggers: { version: '1' }, overlapSeconds: 3600 });
      await expect(whoamiWith(first)).resolves.toBeDefined();
      expect(await engine.diff(TK, created.id, created.properties, inputs('1', 3600))).toMatchObject({ changes: 'none' });

      // A changed trigger is an in-place update that regenerates the secret.
      expect(await engine.diff(TK, created.id, created.properties, inputs('2', 3600))).toEqual({ changes: 'some', replaces: [], deleteBeforeReplace: true });
      const rotated = await engine.update(TK, created.id, created.properties, inputs('2', 3600));
      const second = rotated.properties.token as string;
      expect(second).toMatch(/^wdn_/);
      expect(second).not.toBe(first);
      await expect(whoamiWith(second)).resolves.toBeDefined();
      await expect(whoamiWith(first)).resolves.toBeDefined();

      // Without an overlap the replaced secret stops at once.
      const again = await engine.update(TK, created.id, rotated.properties, inputs('3', 0));
      await expect(whoamiWith(again.properties.token as string)).resolves.toBeDefined();
      await expect(whoamiWith(second)).rejects.toMatchObject({ status: 401 });
    });

    it('takes a client secret through secretWo: never an output, rotated by secretWoVersion with the overlap', async () => {
      const inputs = (secretWo: string, secretWoVersion: number) =>
        tkInputs({ serviceAccountId: accountId, name: 'wo', overlapSeconds: 3600, secretWo: secret(secretWo), secretWoVersion });
      const first = generateSecret();
      const created = await engine.create(TK, inputs(first, 1));
      expect(created.properties).toMatchObject({ token: null, tokenHint: first.slice(0, 8), secretWoVersion: 1, status: 'active' });
      expect(created.properties).not.toHaveProperty('secretWo');
      await expect(whoamiWith(first)).resolves.toMatchObject({ token_id: created.id.split('/').pop() });
      // A new value alone is not a change: the version says when the secret changes.
      expect(await engine.diff(TK, created.id, created.properties, inputs(generateSecret(), 1))).toMatchObject({ changes: 'none' });
      expect(await engine.diff(TK, created.id, created.properties, inputs(generateSecret(), 2))).toEqual({ changes: 'some', replaces: [], deleteBeforeReplace: true });
      const second = generateSecret();
      const rotated = await engine.update(TK, created.id, created.properties, inputs(second, 2));
      expect(rotated.properties).toMatchObject({ token: null, tokenHint: second.slice(0, 8), secretWoVersion: 2 });
      await expect(whoamiWith(second)).resolves.toBeDefined();
      await expect(whoamiWith(first)).resolves.toBeDefined();
      expect(JSON.stringify([created.properties, rotated.properties])).not.toMatch(new RegExp(`${first}|${second}`));
      // A secret seen before is refused, naming what to do.
      await expect(engine.update(TK, created.id, rotated.properties, inputs(first, 3))).rejects.toThrow(/WARDEN_ERR_SECRET_REUSED|issued before/);
    });

    it('takes allowedCidrs and maxUnusedDays, changing both in place without rotating', async () => {
      const inputs = (allowedCidrs: string[], maxUnusedDays: number) => tkInputs({ serviceAccountId: accountId, name: 'limits', allowedCidrs, maxUnusedDays });
      const created = await engine.create(TK, inputs(['192.0.2.0/24'], 30));
      expect(created.properties).toMatchObject({ allowedCidrs: ['192.0.2.0/24'], maxUnusedDays: 30, unusedExpiresAt: expect.any(String) });
      expect(await engine.diff(TK, created.id, created.properties, inputs(['192.0.2.0/24'], 30))).toMatchObject({ changes: 'none' });
      expect(await engine.diff(TK, created.id, created.properties, inputs([], 60))).toEqual({ changes: 'some', replaces: [], deleteBeforeReplace: true });
      const updated = await engine.update(TK, created.id, created.properties, inputs([], 60));
      expect(updated.properties).toMatchObject({ allowedCidrs: [], maxUnusedDays: 60, token: created.properties.token, tokenHint: created.properties.tokenHint });
      expect(await server.client.getServiceAccountToken(accountId, created.id)).toMatchObject({ allowed_cidrs: [], max_unused_days: 60 });
      const bad = await engine.check(TK, {}, inputs(['10.1.2.3/8'], 30));
      expect(bad.failures).toEqual([{ property: 'allowedCidrs', reason: expect.stringContaining('host bits') }]);
    });

    it('reads drift: a token disabled out of band is re-enabled in place, keeping its secret', async () => {
      const { id, properties } = await engine.create(TK, tkInputs({ serviceAccountId: accountId, name: 'disabled-drift' }));
      await server.client.updateServiceAccountToken(accountId, id, { disabled: true });
      const read = await engine.read(TK, id, properties);
      expect(read.properties.status).toBe('disabled');
      const news = tkInputs({ serviceAccountId: accountId, name: 'disabled-drift' });
      expect(await engine.diff(TK, id, read.properties, news)).toMatchObject({ changes: 'some', replaces: [] });
      const repaired = await engine.update(TK, id, read.properties, news);
      expect(repaired.properties).toMatchObject({ status: 'active', token: properties.token });
      await expect(whoamiWith(properties.token as string)).resolves.toBeDefined();
    });

    it('reads drift: a token revoked out of band is replaced', async () => {
      const { id, properties } = await engine.create(TK, tkInputs({ serviceAccountId: accountId, name: 'revoked-drift' }));
      await server.client.revokeServiceAccountToken(accountId, id);
      const read = await engine.read(TK, id, properties);
      expect(read).toMatchObject({ id, properties: { status: 'revoked' } });
      const diff = await engine.diff(TK, id, read.properties, tkInputs({ serviceAccountId: accountId, name: 'revoked-drift' }));
      expect(diff).toMatchObject({ changes: 'some', replaces: ['status'], deleteBeforeReplace: true });
    });

    it('deletes a token by revoking it', async () => {
      const { id, properties } = await engine.create(TK, tkInputs({ serviceAccountId: accountId, name: 'to-delete' }));
      await engine.delete(TK, id, properties);
      expect((await server.client.getServiceAccountToken(accountId, id)).state).toBe('revoked');
      await expect(whoamiWith(properties.token as string)).rejects.toMatchObject({ status: 401 });
    });
  });

  describe('adopt', () => {
    it('takes over a service account, its binding and its token by their unique names', async () => {
      const name = uniqueName('legacy');
      const existing = await server.client.createServiceAccount({ name, project_id: projectId, description: 'made by hand' });
      const binding = await server.client.createRoleBinding({ service_account_id: existing.id, role: 'member', project_id: projectId });
      const token = await server.client.createServiceAccountToken(existing.id, { name: 'ci' });

      const sa = await engine.create(SA, saInputs({ name, projectId, description: 'managed', adopt: true }));
      expect(sa.id).toBe(existing.id);
      expect((await server.client.getServiceAccount(existing.id)).description).toBe('managed');
      const rb = await engine.create(RB, rbInputs({ serviceAccountId: existing.id, role: 'member', projectId, adopt: true }));
      expect(rb.id).toBe(binding.id);
      const tk = await engine.create(TK, tkInputs({ serviceAccountId: existing.id, name: 'ci', overlapSeconds: 600, adopt: true }));
      expect(tk.id).toBe(token.id);
      // The secret cannot be read back, so adoption regenerates it; the old one lasts the overlap.
      expect(tk.properties.token).not.toBe(token.token);
      await expect(whoamiWith(tk.properties.token as string)).resolves.toBeDefined();
      await expect(whoamiWith(token.token)).resolves.toBeDefined();
      expect(host.stderr()).toContain(`Adopted the existing warden_service_account ${existing.id}`);
    });

    it('without adopt, a taken name is an error and nothing is taken over', async () => {
      const name = uniqueName('taken');
      const existing = await server.client.createServiceAccount({ name, description: 'made by hand' });
      await expect(engine.create(SA, saInputs({ name, description: 'managed' }))).rejects.toMatchObject({ details: expect.stringContaining('already exists') });
      expect((await server.client.getServiceAccount(existing.id)).description).toBe('made by hand');
    });

    it('creates the object when nothing has that name yet', async () => {
      const sa = await engine.create(SA, saInputs({ name: uniqueName('fresh'), adopt: true }));
      expect((await server.client.getServiceAccount(sa.id)).id).toBe(sa.id);
    });
  });

  describe('errors', () => {
    it("surface with the server's message", async () => {
      await expect(engine.create(RB, rbInputs({ serviceAccountId: 'sa_doesnotexist000000000000', role: 'member' }))).rejects.toMatchObject({
        details: expect.stringMatching(/service account/i),
      });
    });

    it('name the missing stack config when there are no credentials', async () => {
      const bare = await startHost(consumer.dir, hostEnv());
      const side = new EngineSide(bare.port);
      try {
        await side.configure({});
        await expect(side.create(SA, saInputs({ name: uniqueName('nocreds') }))).rejects.toMatchObject({ details: expect.stringContaining('"warden:endpoint"') });
      } finally {
        side.close();
        await bare.stop();
      }
    });

    it('say that the server refused the credentials, without repeating them', async () => {
      const wrong = generateSecret();
      const bad = await startHost(consumer.dir, hostEnv());
      const side = new EngineSide(bad.port);
      try {
        await side.configure({ 'warden:endpoint': server.url, 'warden:token': secret(wrong) });
        const err = (await side.create(SA, saInputs({ name: uniqueName('badcreds') })).catch((e: unknown) => e)) as { details: string };
        expect(err.details).toContain("refused the provider's credentials");
        expect(err.details).not.toContain(wrong);
        expect(bad.stderr()).not.toContain(wrong);
      } finally {
        side.close();
        await bad.stop();
      }
    });
  });

  describe('keyless CI', () => {
    it('a FederatedCredential is created with camelCase outputs, and a host configured with only warden:oidcToken works through the exchange', async () => {
      const account = await engine.create(SA, saInputs({ name: uniqueName('pulumi-keyless') }));
      await server.client.createRoleBinding({ service_account_id: account.id, role: 'editor' });
      const inputs = fcInputs({
        serviceAccountId: account.id,
        name: 'gitlab',
        issuer: issuer.url,
        audience: 'warden',
        subject: 'project_path:acme/infra:*',
        claims: { ref_type: 'branch' },
      });
      const fc = await engine.create(FC, inputs);
      expect(fc.properties).toMatchObject({
        serviceAccountId: account.id,
        issuer: issuer.url,
        claims: { ref_type: 'branch' },
        maxTokenLifetimeSeconds: 3600,
        createdAt: expect.any(String),
      });
      expect(await server.client.getFederatedCredential(account.id, fc.id)).toMatchObject({ subject: 'project_path:acme/infra:*' });
      expect(await engine.diff(FC, fc.id, fc.properties, inputs)).toMatchObject({ changes: 'none' });
      expect((await engine.diff(FC, fc.id, fc.properties, { ...inputs, audience: 'other' })).replaces).toEqual(['audience']);

      const oidcToken = await issuer.mint({ sub: 'project_path:acme/infra:ref_type:branch:ref:main', ref_type: 'branch' });
      const keyless = await startHost(consumer.dir, { ...hostEnv(), WARDEN_OIDC_CACHE_DIR: join(consumer.dir, 'oidc-cache') });
      const side = new EngineSide(keyless.port);
      try {
        await side.configure({ 'warden:endpoint': server.url, 'warden:oidcToken': secret(oidcToken) });
        const made = await side.create(SA, saInputs({ name: uniqueName('made-keylessly') }));
        const event = (await server.client.listAuditEvents({ target_id: made.id, action: 'service_account.create' })).items[0]!;
        expect(event.actor).toMatchObject({ user_type: 'service', id: account.id });
        expect(keyless.stderr()).not.toContain(oidcToken);
      } finally {
        side.close();
        await keyless.stop();
      }

      // A token the credential does not trust is refused, in the stack config's terms.
      const refusedHost = await startHost(consumer.dir, { ...hostEnv(), WARDEN_OIDC_CACHE_DIR: join(consumer.dir, 'oidc-cache') });
      const refusedSide = new EngineSide(refusedHost.port);
      try {
        await refusedSide.configure({ 'warden:endpoint': server.url, 'warden:oidcToken': secret(await issuer.mint({ sub: 'project_path:evil/infra:x', ref_type: 'branch' })) });
        await expect(refusedSide.create(SA, saInputs({ name: uniqueName('refused') }))).rejects.toMatchObject({ details: expect.stringContaining('invalid_grant') });
      } finally {
        refusedSide.close();
        await refusedHost.stop();
      }
      await engine.delete(FC, fc.id, fc.properties);
      await expect(server.client.getFederatedCredential(account.id, fc.id)).rejects.toMatchObject({ status: 404 });
    });
  });

  it('writes no secret to its output streams', () => {
    expect(host.stderr()).not.toContain(server.adminToken);
    expect(host.stderr()).not.toMatch(/wdn_[A-Za-z0-9]{30}/);
  });
});
