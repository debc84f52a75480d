// The Pulumi face under the real engine: the `pulumi` CLI (PULUMI_VERSION, built by `npm run
// toolchain`) runs an inline program through the Automation API, from the package as `npm pack`
// builds it, against the real server. One stack lives through the whole file, step by step, as a
// user's stack would: preview, up, no-op, update, replace, drift, rotation, adoption, destroy.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PULUMI_VERSION } from '../../scripts/toolchain/tools';
import { TestClock, type TestServer, startServer } from '../support/server';
import { pulumiSdk } from './consumer';
import { type DriverResult, type EngineStack, type ProgramSpec, PulumiProject, type StateDeployment, type StateResource, isCiphertext } from './engine';

jest.setTimeout(600_000);

const DAY = 24 * 3600 * 1000;
/** The checkout's @pulumi/pulumi, or the release WARDEN_PULUMI_SDK names (see consumer.ts). */
const sdkUnderTest = (JSON.parse(readFileSync(join(pulumiSdk(), 'package.json'), 'utf8')) as { version: string }).version;
const OVERLAP_SECONDS = 600;
/** Any whole Warden secret: `wdn_` and 36 base62 characters. A token hint is shorter. */
const SECRET_SHAPE = /wdn_[0-9A-Za-z]{36}/;
const WARDEN_TYPES = new Set(['ServiceAccount', 'RoleBinding', 'Token']);

const clock = new TestClock();
let server: TestServer;
let project: PulumiProject;
let dev: EngineStack;
let projects: { payments: string; search: string; other: string };
/** Every secret this file has seen: none may ever be printed or stored in plain text. */
const secrets = new Set<string>();

interface Knobs {
  paymentsProject: string;
  paymentsDisplayName: string;
  quarter: string;
  adoptLegacy: boolean;
}
let knobs: Knobs;

/** examples/pulumi/index.ts, as data: two teams' project-scoped accounts and bindings, and a rotating CI token. */
function program(k: Knobs): ProgramSpec {
  const team = (name: string, projectId: string, displayName = `${name} deployer`) => ({
    key: `${name}-deployer`,
    args: { name: `${name}-deployer`, displayName, description: `Deploys ${name} from CI`, projectId, teams: [name] },
  });
  return {
    accounts: [
      team('payments', k.paymentsProject, k.paymentsDisplayName),
      team('search', projects.search),
      ...(k.adoptLegacy ? [{ key: 'legacy', args: { name: 'legacy-bot', projectId: projects.search, description: 'managed by Pulumi', adopt: true } }] : []),
    ],
    bindings: [
      { key: 'payments-deployer-editor', account: 'payments-deployer', args: { role: 'editor', projectId: k.paymentsProject } },
      { key: 'search-deployer-editor', account: 'search-deployer', args: { role: 'editor', projectId: projects.search } },
    ],
    tokens: [
      {
        key: 'ci',
        account: 'payments-deployer',
        args: { name: 'ci', expiresInDays: 90, rotateBeforeDays: 14, overlapSeconds: OVERLAP_SECONDS, rotationTriggers: { quarter: k.quarter } },
      },
    ],
  };
}

/** The last successful `pulumi up`, whose outputs say what the stack holds. */
let last: DriverResult;
async function up(): Promise<DriverResult> {
  last = await dev.up(program(knobs));
  secrets.add(ciSecret());
  return last;
}
const output = <T>(name: string): T => last.outputs![name]!.value as T;
const accountId = (key: string) => output<Record<string, { id: string }>>('accounts')[key]!.id;
const ciSecret = () => output<string>('ciToken');
const ciTokenId = () => output<string>('ciTokenId');

/** What the engine did to the Warden resources, in the order it finished, without the unchanged ones. */
const done = (r: DriverResult) => r.steps.filter((s) => s.phase === 'done' && WARDEN_TYPES.has(s.type) && s.op !== 'same').map((s) => `${s.op} ${s.name}`);
/** What a preview plans for the Warden resources, unchanged ones left out. */
const planned = (r: DriverResult) => r.steps.filter((s) => s.phase === 'pre' && WARDEN_TYPES.has(s.type) && s.op !== 'same').map((s) => `${s.op} ${s.name}`);
const sorted = (list: string[]) => [...list].sort();

const resourcesOf = (d: StateDeployment) => d.resources ?? [];
const wardenResources = (d: StateDeployment) => resourcesOf(d).filter((r) => r.type.startsWith('pulumi-nodejs:dynamic/warden:'));
const resource = (d: StateDeployment, name: string): StateResource | undefined => resourcesOf(d).find((r) => r.urn.endsWith(`::${name}`));

async function accountNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const a of server.client.paginate('listServiceAccounts')) names.push(a.name);
  return names.sort();
}
const whoami = (secret: string) => server.clientFor(secret).whoami();

/** Each place a secret appears in `text`, as a short excerpt with the secret itself masked: [] when none. */
function leaksIn(text: string): string[] {
  const found = new Set<string>();
  const known = [server.adminToken, ...secrets];
  for (const m of text.matchAll(new RegExp(`${known.join('|')}|${SECRET_SHAPE.source}`, 'g'))) {
    found.add(`...${text.slice(Math.max(0, m.index - 80), m.index)}<${m[0].slice(0, 8)}...>${text.slice(m.index + m[0].length, m.index + m[0].length + 40)}...`);
  }
  return [...found];
}

/** The state holds the token only as ciphertext, in the resource and in the stack output. */
async function expectTokenOnlyAsSecret(): Promise<StateDeployment> {
  const { deployment } = await dev.exportState();
  const token = resource(deployment, 'ci')!;
  expect(isCiphertext(token.outputs!.token)).toBe(true);
  expect(isCiphertext(resource(deployment, `${project.project}-dev`)!.outputs!.ciToken)).toBe(true);
  expect(leaksIn(JSON.stringify(deployment))).toEqual([]);
  return deployment;
}

beforeAll(async () => {
  [server, project] = await Promise.all([startServer({ clock }), PulumiProject.create()]);
  const make = async (name: string) => (await server.client.createProject({ name })).id;
  projects = { payments: await make('payments'), search: await make('search'), other: await make('payments-eu') };
  knobs = { paymentsProject: projects.payments, paymentsDisplayName: 'payments deployer', quarter: '2026Q1', adoptLegacy: false };
  dev = project.stack('dev');
  // As docs/pulumi.md says: the endpoint as plain config, the admin token as a secret.
  await dev.init([
    { key: 'warden:endpoint', value: server.url },
    { key: 'warden:token', value: server.adminToken, secret: true },
  ]);
});
afterAll(async () => {
  project?.remove();
  await server?.stop();
});

describe(`warden-iac/pulumi under the real pulumi CLI, with @pulumi/pulumi ${sdkUnderTest} on Node.js ${process.version}`, () => {
  it('`pulumi preview` plans every resource as a create and changes nothing; `pulumi up` then creates them', async () => {
    const preview = await dev.preview(program(knobs));
    expect(preview.cliVersion).toBe(PULUMI_VERSION);
    expect(preview.sdkVersion).toBe(sdkUnderTest);
    expect(sorted(planned(preview))).toEqual([
      'create ci',
      'create payments-deployer',
      'create payments-deployer-editor',
      'create search-deployer',
      'create search-deployer-editor',
    ]);
    expect(await accountNames()).toEqual([]);

    const result = await up();
    expect(sorted(done(result))).toEqual(['create ci', 'create payments-deployer', 'create payments-deployer-editor', 'create search-deployer', 'create search-deployer-editor']);
    const payments = accountId('payments-deployer');
    expect(await server.client.getServiceAccount(payments)).toMatchObject({
      name: 'payments-deployer',
      display_name: 'payments deployer',
      project_id: projects.payments,
      teams: ['public', 'payments'],
    });
    expect((await server.client.listRoleBindings({ service_account_id: payments })).items).toEqual([expect.objectContaining({ role: 'editor', project_id: projects.payments })]);
    const token = await server.client.getServiceAccountToken(payments, ciTokenId());
    expect(token).toMatchObject({ name: 'ci', state: 'active' });
    expect(Date.parse(token.expires_at!)).toBeGreaterThan(clock.now().getTime() + 89 * DAY);
    expect(ciSecret()).toMatch(SECRET_SHAPE);
    await expect(whoami(ciSecret())).resolves.toMatchObject({ id: payments, token_id: ciTokenId() });
    expect(last.outputs!.ciToken!.secret).toBe(true);
    expect(last.outputs!.ciTokenHint!.secret).toBe(false);
  });

  it('the state holds the token only as a Pulumi secret, and no Warden credential anywhere, `__provider` included', async () => {
    const deployment = await expectTokenOnlyAsSecret();
    expect(deployment.secrets_providers?.type).toBe('passphrase');
    const providers = wardenResources(deployment).map((r) => r.inputs!.__provider);
    expect(providers).toHaveLength(5);
    for (const text of providers) {
      expect(typeof text).toBe('string');
      expect(text).toContain('warden-iac/pulumi/host');
      expect(text).not.toContain(server.adminToken);
      expect(text).not.toContain(server.url);
    }
    // Every file of the backend (the checkpoint, its backups and history), and the stack's config file.
    const files = project.backendFiles();
    expect(files.some((f) => f.text.includes('payments-deployer'))).toBe(true);
    expect(files.flatMap(({ text }) => leaksIn(text))).toEqual([]);
    const stackConfig = readFileSync(join(project.dir, `Pulumi.${dev.name}.yaml`), 'utf8');
    expect(stackConfig).toContain('secure:');
    expect(stackConfig).not.toContain(server.adminToken);
  });

  it("the engine prints no secret: not in any CLI run's stdout or stderr, nor in its events", () => {
    const printed = project.printed();
    expect(printed).toContain('payments-deployer');
    expect(last.stdout).toMatch(/ciToken\s*:\s*\[secret\]/);
    expect(leaksIn(printed)).toEqual([]);
  });

  it('a second `pulumi up` changes nothing, and `pulumi preview --expect-no-changes` passes', async () => {
    const secret = ciSecret();
    const again = await up();
    expect(done(again)).toEqual([]);
    expect(again.changes).toEqual({ same: 6 });
    expect(ciSecret()).toBe(secret);
    const preview = await dev.preview(program(knobs), { expectNoChanges: true });
    expect(planned(preview)).toEqual([]);
  });

  it('a changed displayName updates the account in place, keeping its id; nothing else changes', async () => {
    const id = accountId('payments-deployer');
    knobs.paymentsDisplayName = 'Payments CI deployer';
    const result = await up();
    expect(done(result)).toEqual(['update payments-deployer']);
    expect(result.stdout).toMatch(/~ {2}pulumi-nodejs:dynamic\/warden:ServiceAccount payments-deployer updated \([\d.]+s\) \[diff: ~displayName\]/);
    expect(accountId('payments-deployer')).toBe(id);
    expect((await server.client.getServiceAccount(id)).display_name).toBe('Payments CI deployer');
  });

  it('a changed projectId replaces the account, deleting it before creating it, its binding and token deleted before it and created after it', async () => {
    const old = { account: accountId('payments-deployer'), token: ciTokenId(), secret: ciSecret() };
    knobs.paymentsProject = projects.other;
    const preview = await dev.preview(program(knobs));
    expect(preview.steps.filter((s) => s.phase === 'pre' && s.name === 'payments-deployer').map((s) => s.op)).toEqual(['delete-replaced', 'replace', 'create-replacement']);

    const result = await up();
    const order = done(result);
    const at = (step: string) => {
      expect(order).toContain(step);
      return order.indexOf(step);
    };
    expect(at('delete-replaced payments-deployer')).toBeLessThan(at('create-replacement payments-deployer'));
    for (const dependent of ['payments-deployer-editor', 'ci']) {
      expect(at(`delete-replaced ${dependent}`)).toBeLessThan(at('delete-replaced payments-deployer'));
      expect(at(`create-replacement ${dependent}`)).toBeGreaterThan(at('create-replacement payments-deployer'));
    }
    expect(order.filter((s) => s.includes('search-'))).toEqual([]);

    await expect(server.client.getServiceAccount(old.account)).rejects.toMatchObject({ status: 404 });
    const account = accountId('payments-deployer');
    expect(account).not.toBe(old.account);
    expect(await server.client.getServiceAccount(account)).toMatchObject({ name: 'payments-deployer', project_id: projects.other });
    expect((await server.client.listRoleBindings({ service_account_id: account })).items).toEqual([expect.objectContaining({ role: 'editor', project_id: projects.other })]);
    await expect(whoami(ciSecret())).resolves.toMatchObject({ id: account, token_id: ciTokenId() });
    await expect(whoami(old.secret)).rejects.toMatchObject({ status: 401 });
  });

  describe('drift through `pulumi refresh`', () => {
    it('a token revoked out of band is replaced by the next `pulumi up`', async () => {
      const old = { token: ciTokenId(), secret: ciSecret() };
      await server.client.revokeServiceAccountToken(accountId('payments-deployer'), old.token);
      await dev.refresh();
      const state = await expectTokenOnlyAsSecret();
      expect(resource(state, 'ci')!.outputs!.status).toBe('revoked');

      const result = await up();
      expect(done(result)).toEqual(['delete-replaced ci', 'replace ci', 'create-replacement ci']);
      expect(ciTokenId()).not.toBe(old.token);
      await expect(whoami(ciSecret())).resolves.toMatchObject({ token_id: ciTokenId() });
      await expect(whoami(old.secret)).rejects.toMatchObject({ status: 401 });
    });

    it('an account deleted out of band drops out of the state with its binding and token, and `pulumi up` creates them again', async () => {
      const old = accountId('payments-deployer');
      await server.client.deleteServiceAccount(old);
      await dev.refresh();
      const state = await dev.exportState();
      for (const name of ['payments-deployer', 'payments-deployer-editor', 'ci']) expect(resource(state.deployment, name)).toBeUndefined();
      expect(resource(state.deployment, 'search-deployer')).toBeDefined();

      const result = await up();
      expect(sorted(done(result))).toEqual(['create ci', 'create payments-deployer', 'create payments-deployer-editor']);
      expect(accountId('payments-deployer')).not.toBe(old);
      expect(await server.client.getServiceAccount(accountId('payments-deployer'))).toMatchObject({ project_id: projects.other, display_name: 'Payments CI deployer' });
      await expect(whoami(ciSecret())).resolves.toMatchObject({ id: accountId('payments-deployer') });
    });

    it('a token disabled out of band is re-enabled in place by `pulumi up`, keeping its id and its secret', async () => {
      const before = { token: ciTokenId(), secret: ciSecret() };
      await server.client.updateServiceAccountToken(accountId('payments-deployer'), before.token, { disabled: true });
      await expect(whoami(before.secret)).rejects.toMatchObject({ status: 401 });
      await dev.refresh();
      const state = await expectTokenOnlyAsSecret();
      expect(resource(state, 'ci')!.outputs!.status).toBe('disabled');

      const result = await up();
      expect(done(result)).toEqual(['update ci']);
      expect(ciTokenId()).toBe(before.token);
      expect(ciSecret()).toBe(before.secret);
      await expect(whoami(before.secret)).resolves.toMatchObject({ token_id: before.token });
    });
  });

  describe('rotation', () => {
    it('a changed rotationTriggers rotates the secret in place; the old one works through overlapSeconds, then stops', async () => {
      const before = { token: ciTokenId(), secret: ciSecret() };
      knobs.quarter = '2026Q2';
      const preview = await dev.preview(program(knobs));
      expect(planned(preview)).toEqual(['update ci']);
      // The preview says why, in the program's own property names.
      expect(preview.diagnostics).toContainEqual(
        expect.objectContaining({ severity: 'info', message: expect.stringContaining('warden_token "ci": the secret is rotated because "rotationTriggers" changed') }),
      );

      const result = await up();
      expect(done(result)).toEqual(['update ci']);
      expect(ciTokenId()).toBe(before.token);
      expect(ciSecret()).not.toBe(before.secret);
      await expectTokenOnlyAsSecret();
      await expect(whoami(ciSecret())).resolves.toMatchObject({ token_id: before.token });
      await expect(whoami(before.secret)).resolves.toMatchObject({ token_id: before.token });

      clock.advance((OVERLAP_SECONDS - 5) * 1000);
      await expect(whoami(before.secret)).resolves.toMatchObject({ token_id: before.token });
      clock.advance(10 * 1000);
      await expect(whoami(before.secret)).rejects.toMatchObject({ status: 401 });
      await expect(whoami(ciSecret())).resolves.toMatchObject({ token_id: before.token });
    });

    it('within rotateBeforeDays of expiry, `pulumi preview` shows the rotation and `pulumi up` renews the secret and its lifetime', async () => {
      const before = { secret: ciSecret(), expiresAt: (await server.client.getServiceAccountToken(accountId('payments-deployer'), ciTokenId())).expires_at! };
      await dev.preview(program(knobs), { expectNoChanges: true });
      clock.advance(Date.parse(before.expiresAt) - clock.now().getTime() - 13 * DAY);
      const preview = await dev.preview(program(knobs));
      expect(planned(preview)).toEqual(['update ci']);
      expect(preview.diagnostics).toContainEqual(
        expect.objectContaining({ severity: 'info', message: expect.stringMatching(/the secret is rotated because it expires at \S+, within "rotateBeforeDays" \(14\)/) }),
      );

      const result = await up();
      expect(done(result)).toEqual(['update ci']);
      expect(ciSecret()).not.toBe(before.secret);
      const token = await server.client.getServiceAccountToken(accountId('payments-deployer'), ciTokenId());
      expect(Date.parse(token.expires_at!)).toBeGreaterThan(clock.now().getTime() + 89 * DAY);
      await expect(whoami(ciSecret())).resolves.toBeDefined();
    });

    it('`pulumi stack output --json --show-secrets` feeds warden-ci-secrets, whose dotenv file authenticates', async () => {
      const outputs = JSON.parse(await dev.outputJson()) as Record<string, unknown>;
      expect(outputs.ciToken).toBe(ciSecret());
      const dir = mkdtempSync(join(tmpdir(), 'warden-pulumi-ci-'));
      try {
        const out = join(dir, '.env.ci');
        const cli = join(project.dir, 'node_modules', 'warden-iac', 'dist', 'ci-secrets', 'cli.js');
        const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
          const child = execFile(process.execPath, [cli, '--input', '-', '--from', 'pulumi', '--output', 'ciToken=WARDEN_TOKEN', '--to', 'dotenv', '--out', out], (err, so, se) =>
            err ? reject(new Error(`${err.message}\n${se}`)) : resolve({ stdout: so, stderr: se }),
          );
          child.stdin!.end(JSON.stringify(outputs));
        });
        expect(stdout).toBe(`wrote WARDEN_TOKEN to ${out} (mode 0600, dotenv)\n`);
        expect(stderr).toBe('');
        expect(statSync(out).mode & 0o777).toBe(0o600);
        const written = /^WARDEN_TOKEN='([^']+)'\n$/.exec(readFileSync(out, 'utf8'))![1]!;
        expect(written).toBe(ciSecret());
        await expect(whoami(written)).resolves.toMatchObject({ token_id: ciTokenId() });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it('`adopt: true` takes over an account created through the API, and the engine output shows the adoption warning', async () => {
    const existing = await server.client.createServiceAccount({ name: 'legacy-bot', project_id: projects.search, description: 'made by hand' });
    knobs.adoptLegacy = true;
    const result = await up();
    expect(done(result)).toEqual(['create legacy']);
    expect(accountId('legacy')).toBe(existing.id);
    expect(await server.client.getServiceAccount(existing.id)).toMatchObject({ description: 'managed by Pulumi', project_id: projects.search });
    expect((await accountNames()).filter((n) => n === 'legacy-bot')).toHaveLength(1);
    const message = `Adopted the existing warden_service_account ${existing.id}: An object with this unique name already existed`;
    expect(result.diagnostics.filter((d) => d.message.includes(message)).map((d) => d.severity)).toEqual(['warning']);
    expect(result.stdout).toMatch(new RegExp(`Diagnostics:\\n(.*\\n)*? +warning: ${message}`));
    expect(result.stdout).toMatch(/Resources:\n +\+ 1 created/);
    const again = await up();
    expect(done(again)).toEqual([]);
  });

  it('bad input fails `pulumi preview` with a message naming the property, and creates nothing', async () => {
    const bad = project.stack('bad');
    await bad.init([
      { key: 'warden:endpoint', value: server.url },
      { key: 'warden:token', value: server.adminToken, secret: true },
    ]);
    const before = await accountNames();
    const result = await bad.previewFailing({
      accounts: [
        { key: 'fine', args: { name: 'fine-bot' } },
        { key: 'broken', args: { name: 'Not A Name!', teams: ['x'] } },
      ],
      bindings: [],
      tokens: [],
    });
    expect(result.error).toContain(
      `pulumi-nodejs:dynamic/warden:ServiceAccount resource 'broken': property name value {Not A Name!} has a problem: "name" must be 1-63 characters`,
    );
    expect(await accountNames()).toEqual(before);
    const { deployment } = await bad.exportState();
    expect(wardenResources(deployment)).toEqual([]);
  });

  it('`pulumi destroy` deletes every resource, leaving nothing on the server', async () => {
    const accounts = ['payments-deployer', 'search-deployer', 'legacy'].map(accountId);
    const result = await dev.destroy();
    const order = done(result);
    expect(sorted(order)).toEqual([
      'delete ci',
      'delete legacy',
      'delete payments-deployer',
      'delete payments-deployer-editor',
      'delete search-deployer',
      'delete search-deployer-editor',
    ]);
    // Dependents first: a binding or token goes before its account.
    for (const [dependent, account] of [
      ['ci', 'payments-deployer'],
      ['payments-deployer-editor', 'payments-deployer'],
      ['search-deployer-editor', 'search-deployer'],
    ]) {
      expect(order.indexOf(`delete ${dependent}`)).toBeLessThan(order.indexOf(`delete ${account}`));
    }
    expect(await accountNames()).toEqual([]);
    for (const id of accounts) {
      await expect(server.client.getServiceAccount(id)).rejects.toMatchObject({ status: 404 });
      expect((await server.client.listRoleBindings({ service_account_id: id })).items).toEqual([]);
    }
    for (const secret of secrets) await expect(whoami(secret)).rejects.toMatchObject({ status: 401 });
    expect(wardenResources((await dev.exportState()).deployment)).toEqual([]);
  });

  it('over the whole lifecycle, no CLI run printed a secret and no state file held one in plain text', () => {
    expect(secrets.size).toBeGreaterThanOrEqual(5);
    expect(leaksIn(project.printed())).toEqual([]);
    expect(project.backendFiles().flatMap(({ text }) => leaksIn(text))).toEqual([]);
  });
});
