import { TestClock, type TestServer, startServer } from '../support/server';
import { ENGINES, TerraformWorkspace, resourceOf } from '../support/terraform';

// allowed_cidrs and max_unused_days through the real engines: declared, planned empty, changed in
// place (same token, same secret), enforced by the server, and an idle token replaced.

const DAY = 24 * 3600 * 1000;

const config = (accountCidrs: string, tokenCidrs: string, maxUnusedDays: number) => `
provider "warden" {}

resource "warden_service_account" "app" {
  name          = "app"
  allowed_cidrs = [${accountCidrs}]
}

resource "warden_token" "ci" {
  service_account_id = warden_service_account.app.id
  name               = "ci"
  allowed_cidrs      = [${tokenCidrs}]
  max_unused_days    = ${maxUnusedDays}
}

output "token" {
  value     = warden_token.ci.token
  sensitive = true
}
`;

describe.each(ENGINES)('allowed_cidrs and max_unused_days on %s', (engine) => {
  const clock = new TestClock();
  let server: TestServer;
  let tf: TerraformWorkspace;
  const token = async () => resourceOf(await tf.state(), 'warden_token.ci').values;
  const secret = async () => (await tf.outputs()).token!.value as string;
  /** whoami as if from `from`, through the trusted proxy 127.0.0.1 (loopback only). */
  const statusFrom = async (from: string) => {
    const res = await fetch(`${server.url}/v1/whoami`, { headers: { authorization: `Bearer ${await secret()}`, 'x-forwarded-for': from } });
    await res.body?.cancel();
    return res.status;
  };

  beforeAll(async () => {
    server = await startServer({ clock, trustedProxies: ['127.0.0.1'] });
    tf = new TerraformWorkspace(engine, server.url, server.adminToken);
    tf.write(config('"10.0.0.0/8"', '"10.1.0.0/16"', 30));
    await tf.init();
    await tf.apply();
    const sa = resourceOf(await tf.state(), 'warden_service_account.app').values;
    await server.client.createRoleBinding({ service_account_id: sa.id as string, role: 'member' });
  });
  afterAll(async () => {
    tf.remove();
    await server.stop();
  });

  test('the limits reach the server and state, the next plan is empty, and the server enforces them', async () => {
    const t = await token();
    expect(t).toMatchObject({ allowed_cidrs: ['10.1.0.0/16'], max_unused_days: 30, unused_expires_at: expect.any(String) });
    expect(resourceOf(await tf.state(), 'warden_service_account.app').values.allowed_cidrs).toEqual(['10.0.0.0/8']);
    await tf.plan(0);
    expect(await statusFrom('10.1.2.3')).toBe(200);
    expect(await statusFrom('10.2.0.1')).toBe(401);
    expect(await statusFrom('192.0.2.1')).toBe(401);
  });

  test('changing them is an in-place update that keeps the token and its secret', async () => {
    const before = await token();
    const oldSecret = await secret();
    tf.write(config('"10.0.0.0/8", "192.0.2.0/24"', '', 60));
    const { stdout } = await tf.apply();
    expect(stdout).toContain('0 added, 2 changed, 0 destroyed');
    const after = await token();
    expect(after).toMatchObject({ id: before.id, allowed_cidrs: [], max_unused_days: 60, token_hint: before.token_hint });
    expect(await secret()).toBe(oldSecret);
    expect(await statusFrom('192.0.2.1')).toBe(200);
    expect(await statusFrom('172.16.0.1')).toBe(401);
    await tf.plan(0);
  });

  test('a bad CIDR is refused at plan, naming the attribute', async () => {
    tf.write(config('"10.1.2.3/8"', '', 60));
    const refused = await tf.run(['plan', '-input=false', '-no-color']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('allowed_cidrs');
    expect(refused.stderr).toContain('host bits');
    tf.write(config('"10.0.0.0/8", "192.0.2.0/24"', '', 60));
  });

  test('a token unused for max_unused_days reads as expired and is replaced', async () => {
    const before = await token();
    clock.advance(61 * DAY);
    const plan = await tf.planJson();
    const change = plan.resource_changes!.find((c) => c.address === 'warden_token.ci')!;
    expect(change.change.actions).toEqual(['delete', 'create']);
    expect(change.change.before).toMatchObject({ status: 'expired' });
    await tf.apply();
    const after = await token();
    expect(after.id).not.toBe(before.id);
    expect(after.status).toBe('active');
    expect(await statusFrom('192.0.2.1')).toBe(200);
  });
});
