import { AuthError } from '../../api-client';
import { TestClock } from '../support/server';
import { type StepContext, steps } from '../support/steps';
import { ENGINES } from '../support/terraform';

// Tokens over time: rotation by trigger and by window (the server's clock is injected, and the
// provider plans with the server's time), drift of each kind, and the ephemeral token; one case of
// steps (test/support/steps.ts) per engine.

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

const ephemeralConfig = `${config('2')}
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
`;

const secret = async ({ tf }: StepContext) => (await tf.outputs()).token!.value as string;
const token = ({ values }: StepContext) => values('warden_token.ci');

for (const engine of ENGINES) {
  const clock = new TestClock();
  /** What a step's `before` saw, for its checks. */
  let before: Record<string, unknown>;
  let oldSecret: string;

  steps(`warden_token over time on ${engine}`, {
    engine,
    server: { clock },
    steps: [
      {
        title: 'the first apply converges',
        config: config('1'),
      },
      {
        title: 'a changed trigger rotates in place; the old secret works through the overlap, then stops',
        async before(c) {
          before = await token(c);
          oldSecret = await secret(c);
        },
        config: config('2'),
        async check(c) {
          const { stdout, stderr } = c.applied!;
          expect(stdout + stderr).toContain('the secret is rotated because "rotation_triggers" changed');
          expect(stdout).toContain('Resources: 0 added, 1 changed, 0 destroyed.');

          const after = await token(c);
          expect(after.id).toBe(before.id);
          const newSecret = await secret(c);
          expect(newSecret).not.toBe(oldSecret);
          await expect(c.server.clientFor(oldSecret).whoami()).resolves.toMatchObject({ token_id: before.id });
          await expect(c.server.clientFor(newSecret).whoami()).resolves.toMatchObject({ token_id: before.id });

          clock.advance(601_000);
          await expect(c.server.clientFor(oldSecret).whoami()).rejects.toBeInstanceOf(AuthError);
          await expect(c.server.clientFor(newSecret).whoami()).resolves.toBeDefined();
        },
      },
      {
        title: 'inside rotate_before_days the plan rotates, and applying that plan renews the lifetime',
        async before(c) {
          before = await token(c);
          clock.advance(8 * DAY);
        },
        config: config('2'),
        async plan({ output, file }, { tf }) {
          expect(output).toMatch(/the secret is rotated because it expires at \S+, within "rotate_before_days" \(3\)/);
          const shown = await tf.ok(['show', '-no-color', file]);
          expect(shown.stdout).toContain('# warden_token.ci will be updated in-place');
        },
        async check(c) {
          expect(c.applied!.stdout).toContain('1 changed');
          const after = await token(c);
          expect(after.token_hint).not.toBe(before.token_hint);
          expect(Date.parse(after.expires_at as string)).toBeGreaterThan(clock.now().getTime() + 9 * DAY);
        },
      },
      {
        title: 'a token disabled outside Terraform is re-enabled in place',
        async before(c) {
          before = await token(c);
          await c.server.client.updateServiceAccountToken(before.service_account_id as string, before.id as string, { disabled: true });
        },
        config: config('2'),
        plan({ json }) {
          expect(json.resource_changes!.find((c) => c.address === 'warden_token.ci')!.change.actions).toEqual(['update']);
        },
        async check({ server }) {
          expect((await server.client.getServiceAccountToken(before.service_account_id as string, before.id as string)).state).toBe('active');
        },
      },
      {
        title: 'a revoked token is replaced, and the plan says why',
        async before(c) {
          before = await token(c);
          await c.server.client.revokeServiceAccountToken(before.service_account_id as string, before.id as string);
        },
        config: config('2'),
        plan({ json, output }) {
          const change = json.resource_changes!.find((c) => c.address === 'warden_token.ci')!;
          expect(change.change.actions).toEqual(['delete', 'create']);
          expect(change.change.replace_paths).toEqual([['status']]);
          expect(output).toContain('the token is revoked on the server, so it is replaced');
        },
        async check(c) {
          const replaced = await token(c);
          expect(replaced.id).not.toBe(before.id);
          await expect(c.server.clientFor(await secret(c)).whoami()).resolves.toBeDefined();
        },
      },
      {
        title: 'an expired token is replaced, not reported as deleted',
        before() {
          clock.advance(11 * DAY);
        },
        config: config('2'),
        plan({ json }) {
          const change = json.resource_changes!.find((c) => c.address === 'warden_token.ci')!;
          expect(change.change.actions).toEqual(['delete', 'create']);
          expect(change.change.before).toMatchObject({ status: 'expired' });
        },
        async check(c) {
          expect((await token(c)).status).toBe('active');
        },
      },
      {
        title: 'objects deleted outside Terraform are created again',
        async before(c) {
          await c.server.client.deleteServiceAccount((await token(c)).service_account_id as string);
        },
        config: config('2'),
        plan({ json }) {
          expect(json.resource_changes!.map((c) => [c.address, c.change.actions])).toEqual([
            ['warden_service_account.app', ['create']],
            ['warden_token.ci', ['create']],
          ]);
        },
      },
      {
        title: 'an ephemeral token serves one run, never reaches state, and is revoked at the end',
        async before({ server, values }) {
          before = await values('warden_service_account.app');
          await server.client.createRoleBinding({ service_account_id: before.id as string, role: 'member' });
        },
        config: ephemeralConfig,
        async check({ tf, server }) {
          const appId = before.id as string;
          expect((await tf.outputs()).seen_by_app!.value).toBe(true);
          const runTokens = (await server.client.listServiceAccountTokens(appId)).items.filter((t) => t.name.startsWith('run-'));
          expect(runTokens.length).toBeGreaterThan(0);
          expect(runTokens.every((t) => t.state === 'revoked')).toBe(true);
          const stateFile = tf.stateFile();
          for (const t of runTokens) expect(stateFile).not.toContain(t.id);
          expect(stateFile).not.toContain('run-');
        },
      },
    ],
  });
}
