import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generateSecret } from '../../api-client/token-format';
import { ROOT, TestClock, type TestServer, startServer } from '../support/server';
import { ENGINES, TerraformWorkspace, resourceOf } from '../support/terraform';

// Secrets that never touch state: warden_token's write-only secret_wo, from an ephemeral variable
// (so the test knows the value at plan time too) and from ephemeral "warden_secret".

const fromVariable = (version: number) => `
provider "warden" {}

variable "secret" {
  type      = string
  ephemeral = true
  sensitive = true
}

resource "warden_service_account" "app" {
  name = "app"
}

resource "warden_token" "ci" {
  service_account_id = warden_service_account.app.id
  name               = "ci"
  overlap_seconds    = 600
  secret_wo          = var.secret
  secret_wo_version  = ${version}
}
`;

/** Every file of the working directory (state, backups, saved plans), as bytes read as latin1. */
function everyFile(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === '.warden' || name === '.terraform') continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(readFileSync(p).toString('latin1'));
    }
  };
  walk(dir);
  return out.join('\n');
}

describe.each(ENGINES)('write-only token secrets on %s', (engine) => {
  const clock = new TestClock();
  let server: TestServer;
  let tf: TerraformWorkspace;
  const token = async () => resourceOf(await tf.state(), 'warden_token.ci').values;
  const first = generateSecret();
  const second = generateSecret();

  beforeAll(async () => {
    server = await startServer({ clock });
    tf = new TerraformWorkspace(engine, server.url, server.adminToken);
    tf.write(fromVariable(1));
    await tf.init();
  });
  afterAll(async () => {
    tf.remove();
    await server.stop();
  });

  test('neither the saved plan nor the state holds the secret, and the secret works', async () => {
    await tf.ok(['plan', '-input=false', '-no-color', '-out=create.plan', `-var=secret=${first}`]);
    const shown = (await tf.ok(['show', '-json', 'create.plan'])).stdout;
    expect(shown).toContain('"secret_wo_version":1');
    expect(shown).not.toContain(first);
    // An ephemeral variable is given again when the saved plan is applied.
    await tf.ok(['apply', '-input=false', '-no-color', `-var=secret=${first}`, 'create.plan']);

    const t = await token();
    expect(t).toMatchObject({ secret_wo: null, secret_wo_version: 1, token: null, token_hint: first.slice(0, 8), status: 'active' });
    expect(tf.stateFile()).not.toContain(first);
    expect(everyFile(tf.dir)).not.toContain(first);
    await expect(server.clientFor(first).whoami()).resolves.toMatchObject({ token_id: t.id });
    // A fresh value of the ephemeral variable changes nothing without a new version.
    await tf.plan(0, `-var=secret=${generateSecret()}`);
  });

  test('bumping secret_wo_version rotates in place to the new secret; the old one works through the overlap', async () => {
    const before = await token();
    tf.write(fromVariable(2));
    const planned = await tf.ok(['plan', '-input=false', '-no-color', '-out=rotate.plan', `-var=secret=${second}`]);
    expect(planned.stdout + planned.stderr).toContain('the secret is rotated because "secret_wo_version" changed from 1 to 2');
    expect((await tf.ok(['show', '-json', 'rotate.plan'])).stdout).not.toContain(second);
    const { stdout } = await tf.ok(['apply', '-input=false', '-no-color', `-var=secret=${second}`, 'rotate.plan']);
    expect(stdout).toContain('0 added, 1 changed, 0 destroyed');

    const after = await token();
    expect(after).toMatchObject({ id: before.id, token: null, token_hint: second.slice(0, 8), secret_wo_version: 2 });
    expect(everyFile(tf.dir)).not.toContain(second);
    await expect(server.clientFor(first).whoami()).resolves.toMatchObject({ token_id: before.id });
    await expect(server.clientFor(second).whoami()).resolves.toMatchObject({ token_id: before.id });
    clock.advance(601_000);
    await expect(server.clientFor(first).whoami()).rejects.toMatchObject({ status: 401 });
    await expect(server.clientFor(second).whoami()).resolves.toMatchObject({ token_id: before.id });
    await tf.plan(0, `-var=secret=${generateSecret()}`);
  });

  test('a secret used before is refused, naming the attribute and the fix, and the state keeps the last version', async () => {
    tf.write(fromVariable(3));
    const refused = await tf.run(['apply', '-auto-approve', '-input=false', '-no-color', `-var=secret=${first}`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('The secret in "secret_wo" was used before (WARDEN_ERR_SECRET_REUSED)');
    expect(refused.stderr).toContain('with warden_token.ci');
    expect(refused.stderr).toMatch(/generate a fresh/i);
    expect(refused.stdout + refused.stderr).not.toContain(first);
    expect((await token()).secret_wo_version).toBe(2);
    await expect(server.clientFor(second).whoami()).resolves.toBeDefined();
  });

  test('a secret not in the token format is refused at validation, naming secret_wo', async () => {
    const bad = `${first.slice(0, -1)}${first.endsWith('a') ? 'b' : 'a'}`;
    const refused = await tf.run(['plan', '-input=false', '-no-color', `-var=secret=${bad}`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('secret_wo');
    expect(refused.stderr).toContain('token format');
    expect(refused.stdout + refused.stderr).not.toContain(bad);
  });

  test('secret_wo without secret_wo_version is refused at validation', async () => {
    tf.write(fromVariable(3).replace(/\n\s*secret_wo_version\s*=\s*3/, ''));
    const refused = await tf.run(['validate', '-no-color']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Missing "secret_wo_version"');
  });

  test('ephemeral "warden_secret" feeds secret_wo and another consumer in the same run; neither state nor plan holds it', async () => {
    const captured = join(tf.dir, 'delivered.env');
    const ciSecrets = join(ROOT, 'dist', 'ci-secrets', 'cli.js');
    tf.write(`
provider "warden" {}

ephemeral "warden_secret" "ci" {}

resource "warden_service_account" "app" {
  name = "app"
}

resource "warden_token" "ci" {
  service_account_id = warden_service_account.app.id
  name               = "ci"
  overlap_seconds    = 600
  secret_wo          = ephemeral.warden_secret.ci.secret
  secret_wo_version  = 4
}

# The same secret, in the same run, to warden-ci-secrets (here a 0600 dotenv file), never through state.
resource "terraform_data" "deliver" {
  triggers_replace = warden_token.ci.secret_wo_version
  provisioner "local-exec" {
    command     = <<-EOT
      umask 077
      printf '{"ci_token":{"sensitive":true,"type":"string","value":"%s"}}' "$SECRET" | node ${JSON.stringify(ciSecrets)} --from terraform --output ci_token=WARDEN_TOKEN --to dotenv --out delivered.env
    EOT
    environment = { SECRET = ephemeral.warden_secret.ci.secret }
  }
}
`);
    const plan = await tf.ok(['plan', '-input=false', '-no-color', '-out=ephemeral.plan']);
    expect(plan.stdout + plan.stderr).toContain('the secret is rotated because "secret_wo_version" changed from 2 to 4');
    await tf.ok(['apply', '-input=false', '-no-color', 'ephemeral.plan']);
    expect(existsSync(captured)).toBe(true);
    expect(statSync(captured).mode & 0o777).toBe(0o600);
    const delivered = /^WARDEN_TOKEN='(wdn_[0-9A-Za-z]{36})'$/m.exec(readFileSync(captured, 'utf8'))?.[1] ?? '';
    expect(delivered).toMatch(/^wdn_[0-9A-Za-z]{36}$/);
    const t = await token();
    expect(t).toMatchObject({ token: null, token_hint: delivered.slice(0, 8), secret_wo_version: 4 });
    await expect(server.clientFor(delivered).whoami()).resolves.toMatchObject({ token_id: t.id });
    expect(tf.stateFile()).not.toContain(delivered);
    expect(everyFile(tf.dir).split(delivered).length - 1).toBe(1); // the dotenv file only
    expect((await tf.ok(['show', '-json', 'ephemeral.plan'])).stdout).not.toContain(delivered);
    // The ephemeral secret is new every run, but without a new version nothing changes.
    await tf.plan(0);
  });
});
