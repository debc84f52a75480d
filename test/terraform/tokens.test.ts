import { AuthError } from '../../api-client';
import { TestClock, type TestServer, startServer } from '../support/server';
import { ENGINES, TerraformWorkspace, resourceOf } from '../support/terraform';

// Tokens over time: rotation by trigger and by window (the server's clock is injected, and the
// provider plans with the server's time), drift of each kind, and the ephemeral token.

const DAY = 24 * 3600 * 1000;

const config = (version: string) => `
provider "warden" {}

resource "warden_service_account" "app" {
  name = "app"
}

resource "warden_token" "ci" {
  service_account_id = warden_service_account.app.id
  name               = "ci"
  expires_in_days    = 10
  rotate_before_days = 3
  overlap_seconds    = 600
  rotation_triggers  = { version = "${version}" }
}

output "token" {
  value     = warden_token.ci.token
  sensitive = true
}
`;

describe.each(ENGINES)('warden_token over time on %s', (engine) => {
  const clock = new TestClock();
  let server: TestServer;
  let tf: TerraformWorkspace;
  const secret = async () => (await tf.outputs()).token!.value as string;
  const token = async () => resourceOf(await tf.state(), 'warden_token.ci').values;
  const changeOf = async (address: string) => (await tf.planJson()).resource_changes!.find((c) => c.address === address)!;

  beforeAll(async () => {
    server = await startServer({ clock });
    tf = new TerraformWorkspace(engine, server.url, server.adminToken);
    tf.write(config('1'));
    await tf.init();
    await tf.apply();
  });
  afterAll(async () => {
    tf.remove();
    await server.stop();
  });

  test('a changed trigger rotates in place; the old secret works through the overlap, then stops', async () => {
    const before = await token();
    const oldSecret = await secret();
    tf.write(config('2'));
    const { stdout, stderr } = await tf.apply();
    expect(stdout + stderr).toContain('the secret is rotated because "rotation_triggers" changed');
    expect(stdout).toContain('Resources: 0 added, 1 changed, 0 destroyed.');

    const after = await token();
    expect(after.id).toBe(before.id);
    const newSecret = await secret();
    expect(newSecret).not.toBe(oldSecret);
    await expect(server.clientFor(oldSecret).whoami()).resolves.toMatchObject({ token_id: before.id });
    await expect(server.clientFor(newSecret).whoami()).resolves.toMatchObject({ token_id: before.id });

    clock.advance(601_000);
    await expect(server.clientFor(oldSecret).whoami()).rejects.toBeInstanceOf(AuthError);
    await expect(server.clientFor(newSecret).whoami()).resolves.toBeDefined();
    await tf.plan(0);
  });

  test('inside rotate_before_days the plan rotates, and applying that plan renews the lifetime', async () => {
    const before = await token();
    clock.advance(8 * DAY);
    const planned = await tf.ok(['plan', '-no-color', '-input=false', '-out=rotate.plan']);
    expect(planned.stdout + planned.stderr).toMatch(/the secret is rotated because it expires at \S+, within "rotate_before_days" \(3\)/);
    const shown = await tf.ok(['show', '-no-color', 'rotate.plan']);
    expect(shown.stdout).toContain('# warden_token.ci will be updated in-place');
    const { stdout } = await tf.ok(['apply', '-no-color', '-input=false', 'rotate.plan']);
    expect(stdout).toContain('1 changed');
    const after = await token();
    expect(after.token_hint).not.toBe(before.token_hint);
    expect(Date.parse(after.expires_at as string)).toBeGreaterThan(clock.now().getTime() + 9 * DAY);
    await tf.plan(0);
  });

  test('a token disabled outside Terraform is re-enabled in place', async () => {
    const t = await token();
    await server.client.updateServiceAccountToken(t.service_account_id as string, t.id as string, { disabled: true });
    const change = await changeOf('warden_token.ci');
    expect(change.change.actions).toEqual(['update']);
    await tf.apply();
    expect((await server.client.getServiceAccountToken(t.service_account_id as string, t.id as string)).state).toBe('active');
    await tf.plan(0);
  });

  test('a revoked token is replaced, and the plan says why', async () => {
    const t = await token();
    await server.client.revokeServiceAccountToken(t.service_account_id as string, t.id as string);
    const change = await changeOf('warden_token.ci');
    expect(change.change.actions).toEqual(['delete', 'create']);
    expect(change.change.replace_paths).toEqual([['status']]);
    const { stdout, stderr } = await tf.apply();
    expect(stdout + stderr).toContain('the token is revoked on the server, so it is replaced');
    const replaced = await token();
    expect(replaced.id).not.toBe(t.id);
    await expect(server.clientFor(await secret()).whoami()).resolves.toBeDefined();
  });

  test('an expired token is replaced, not reported as deleted', async () => {
    clock.advance(11 * DAY);
    const change = await changeOf('warden_token.ci');
    expect(change.change.actions).toEqual(['delete', 'create']);
    expect(change.change.before).toMatchObject({ status: 'expired' });
    await tf.apply();
    expect((await token()).status).toBe('active');
    await tf.plan(0);
  });

  test('objects deleted outside Terraform are created again', async () => {
    const t = await token();
    await server.client.deleteServiceAccount(t.service_account_id as string);
    const plan = await tf.planJson();
    expect(plan.resource_changes!.map((c) => [c.address, c.change.actions])).toEqual([
      ['warden_service_account.app', ['create']],
      ['warden_token.ci', ['create']],
    ]);
    await tf.apply();
    await tf.plan(0);
  });

  test('an ephemeral token serves one run, never reaches state, and is revoked at the end', async () => {
    const appId = resourceOf(await tf.state(), 'warden_service_account.app').values.id as string;
    await server.client.createRoleBinding({ service_account_id: appId, role: 'member' });
    tf.write(
      `${config('2')}
ephemeral "warden_token" "run" {
  service_account_id = warden_service_account.app.id
}

provider "warden" {
  alias = "as_app"
  token = ephemeral.warden_token.run.token
}

data "warden_role" "seen_by_app" {
  provider = warden.as_app
  name     = "member"
}

output "seen_by_app" { value = data.warden_role.seen_by_app.built_in }
`
    );
    await tf.apply();
    expect((await tf.outputs()).seen_by_app!.value).toBe(true);
    const runTokens = (await server.client.listServiceAccountTokens(appId)).items.filter((t) => t.name.startsWith('run-'));
    expect(runTokens.length).toBeGreaterThan(0);
    expect(runTokens.every((t) => t.state === 'revoked')).toBe(true);
    const stateFile = tf.stateFile();
    for (const t of runTokens) expect(stateFile).not.toContain(t.id);
    expect(stateFile).not.toContain('run-');
  });
});
