import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OidcIssuer } from '../support/oidc-issuer';
import { type TestServer, startServer } from '../support/server';
import { ENGINES, TerraformWorkspace, resourceOf } from '../support/terraform';

// warden_federated_credential through the real engines, then keyless CI: an apply whose only
// credential is an OIDC token from a real (local) issuer, exchanged by the provider at configure.

const trust = (subject: string) => `
provider "warden" {}

resource "warden_service_account" "deployer" {
  name = "gitops-deployer"
}

resource "warden_role_binding" "deployer" {
  service_account_id = warden_service_account.deployer.id
  role               = "editor"
}

resource "warden_federated_credential" "github" {
  service_account_id         = warden_service_account.deployer.id
  name                       = "github-main"
  issuer                     = "${issuer.url}"
  audience                   = "warden"
  subject                    = "${subject}"
  claims                     = { repository = "acme/infra" }
  max_token_lifetime_seconds = 900
}
`;

let issuer: OidcIssuer;

describe.each(ENGINES)('keyless CI with the real %s', (engine) => {
  let server: TestServer;
  let tf: TerraformWorkspace;

  beforeAll(async () => {
    issuer ??= await OidcIssuer.start();
    server = await startServer({ federation: { allowHttpLoopback: true } });
    tf = new TerraformWorkspace(engine, server.url, server.adminToken);
    tf.write(trust('repo:acme/infra:ref:refs/heads/main'));
    await tf.init();
  });
  afterAll(async () => {
    tf.remove();
    await server.stop();
  });

  test('apply creates the federated credential; a second plan is empty; import matches', async () => {
    await tf.apply();
    const fc = resourceOf(await tf.state(), 'warden_federated_credential.github').values;
    expect(fc).toMatchObject({ name: 'github-main', issuer: issuer.url, audience: 'warden', claims: { repository: 'acme/infra' }, max_token_lifetime_seconds: 900 });
    expect(await server.client.getFederatedCredential(fc.service_account_id as string, fc.id as string)).toMatchObject({ subject: 'repo:acme/infra:ref:refs/heads/main' });
    await tf.plan(0);

    await tf.ok(['state', 'rm', 'warden_federated_credential.github']);
    await tf.ok(['import', '-input=false', '-no-color', 'warden_federated_credential.github', `${String(fc.service_account_id)}/${String(fc.id)}`]);
    expect(resourceOf(await tf.state(), 'warden_federated_credential.github').values).toEqual(fc);
    await tf.plan(0);
  });

  test('changing the subject replaces the credential', async () => {
    const before = resourceOf(await tf.state(), 'warden_federated_credential.github').values;
    tf.write(trust('repo:acme/infra:environment:production'));
    await tf.apply();
    const after = resourceOf(await tf.state(), 'warden_federated_credential.github').values;
    expect(after.id).not.toBe(before.id);
    await expect(server.client.getFederatedCredential(before.service_account_id as string, before.id as string)).rejects.toMatchObject({ status: 404 });
    tf.write(trust('repo:acme/infra:ref:refs/heads/main'));
    await tf.apply();
  });

  test('an apply with no Warden token, only an OIDC token file, works through the exchange', async () => {
    const cacheDir = join(tf.dir, 'oidc-cache');
    const keyless = new TerraformWorkspace(engine, server.url, '', { WARDEN_OIDC_TOKEN_FILE: join(tf.dir, 'oidc-token'), WARDEN_OIDC_CACHE_DIR: cacheDir });
    const mint = async (claims: Record<string, unknown> = {}) =>
      writeFileSync(join(tf.dir, 'oidc-token'), await issuer.mint({ sub: 'repo:acme/infra:ref:refs/heads/main', repository: 'acme/infra', ...claims }));
    try {
      keyless.write(`
provider "warden" {}

resource "warden_service_account" "app" {
  name = "made-keylessly"
}
`);
      await keyless.init();
      // Each engine command runs a new provider process, which exchanges a fresh token (a token is used once).
      await mint();
      await keyless.apply();
      const app = resourceOf(await keyless.state(), 'warden_service_account.app').values;
      const deployer = resourceOf(await tf.state(), 'warden_service_account.deployer').values;
      const created = (await server.client.listAuditEvents({ target_id: app.id as string, action: 'service_account.create' })).items[0]!;
      expect(created.actor).toMatchObject({ user_type: 'service', id: deployer.id });
      const exchange = (await server.client.listAuditEvents({ action: 'token.exchange' })).items.find((e) => e.actor.token_id === created.actor.token_id)!;
      expect(exchange.actor.external_subject).toBe(`${issuer.url} repo:acme/infra:ref:refs/heads/main`);
      const issued = await server.client.getServiceAccountToken(deployer.id as string, created.actor.token_id!);
      expect(Math.abs(Date.parse(issued.expires_at!) - Date.parse(issued.created_at) - 900 * 1000)).toBeLessThan(2000);

      // A token for another audience is refused at configure, naming the setting.
      await mint({ aud: 'someone-else' });
      const refused = await keyless.run(['plan', '-input=false', '-no-color']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/refused to exchange the OIDC token \(WARDEN_OIDC_TOKEN_FILE\)/);
      expect(refused.stderr).toMatch(/invalid_grant/);

      // One token serves the provider processes of one run through the 0600 cache (one exchange);
      // without that cache, the same token again is a replay and refused.
      await mint();
      const exchangesBefore = (await server.client.listAuditEvents({ action: 'token.exchange', limit: 500 })).items.length;
      await keyless.plan(0);
      await keyless.plan(0);
      expect((await server.client.listAuditEvents({ action: 'token.exchange', limit: 500 })).items.length).toBe(exchangesBefore + 1);
      expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
      for (const file of readdirSync(cacheDir)) expect(statSync(join(cacheDir, file)).mode & 0o777).toBe(0o600);
      // The cached token is ciphertext under a key only the OIDC token gives: no secret at rest.
      for (const file of readdirSync(cacheDir)) expect(readFileSync(join(cacheDir, file), 'utf8')).not.toMatch(/wdn_[0-9A-Za-z]{36}/);
      rmSync(cacheDir, { recursive: true, force: true });
      const replay = await keyless.run(['plan', '-input=false', '-no-color']);
      expect(replay.code).toBe(1);
      expect(replay.stderr).toMatch(/already exchanged/);

      await mint();
      await keyless.destroy();
      await expect(server.client.getServiceAccount(app.id as string)).rejects.toMatchObject({ status: 404 });
    } finally {
      keyless.remove();
    }
  });

  test('destroy removes the credential', async () => {
    const fc = resourceOf(await tf.state(), 'warden_federated_credential.github').values;
    await tf.destroy();
    await expect(server.client.getServiceAccount(fc.service_account_id as string)).rejects.toMatchObject({ status: 404 });
  });
});

afterAll(async () => {
  await issuer?.stop();
});
