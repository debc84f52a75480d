// The HCL export, round-tripped for real on Terraform and OpenTofu: `warden-server export` of a
// hand-made estate with a read-only token, `fmt -check`, then init and a saved plan whose every
// change is an import that changes nothing, apply (imports only; the server is untouched), and
// an empty second plan. The --project scope gives a smaller estate that plans the same way.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestServer, startServer } from '../support/server';
import { ENGINES, type TerraformPlan, TerraformWorkspace } from '../support/terraform';
import { type Estate, exportCli, makeEstate, snapshot } from './estate';

jest.setTimeout(600_000);

let server: TestServer;
let estate: Estate;
let hcl: string;
let stderr: string;

beforeAll(async () => {
  server = await startServer();
  estate = await makeEstate(server);
  const out = await exportCli([], { WARDEN_ENDPOINT: server.url, WARDEN_TOKEN: estate.readerToken });
  if (out.code !== 0) throw new Error(`export failed: ${out.stderr}`);
  hcl = out.stdout;
  stderr = out.stderr;
});
afterAll(async () => {
  await server?.stop();
});

/** Every planned change, as "<action> <address>"; an import shows as "import no-op <address>". */
const changes = (plan: TerraformPlan) => (plan.resource_changes ?? []).map((c) => `${c.change.importing ? 'import ' : ''}${c.change.actions.join(',')} ${c.address}`).sort();

test('the export lists what it could not declare, on stderr and in the file, and holds no secret', () => {
  for (const text of [stderr, hcl]) {
    // The file's comments are wrapped: "#" and spaces may come between the parts.
    expect(text).toMatch(/token payments-deployer\/old \([^)]+\):\s*(#\s*)?revoked/);
    expect(text).toMatch(/token search-indexer\/paused \([^)]+\):\s*(#\s*)?disabled/);
  }
  for (const secret of [...estate.secrets, server.adminToken]) expect(hcl).not.toContain(secret);
  expect(hcl).not.toMatch(/wdn_[0-9A-Za-z]{36}/);
  expect(hcl).toContain('Token secrets are not exported');
});

test('resource names are readable and distinct, references and data sources are used', () => {
  const names = [...hcl.matchAll(/^resource "(\w+)" "(\w+)"/gm)].map((m) => `${m[1]}.${m[2]}`);
  expect(names).toEqual(
    expect.arrayContaining([
      'warden_service_account.ci_root',
      'warden_service_account.search_ci_root',
      'warden_service_account.payments_payments_deployer',
      'warden_role_binding.payments_payments_deployer_deployer_payments',
      'warden_token.payments_payments_deployer_ci',
      'warden_token.search_search_indexer_sliding',
    ]),
  );
  expect(new Set(names).size).toBe(names.length);
  // 5 accounts, 8 bindings, 8 live tokens (the revoked and the disabled one are listed, not declared).
  expect(names.length).toBe(22);
  expect([...hcl.matchAll(/^import \{/gm)].length).toBe(22);
  expect(hcl).toContain('service_account_id = warden_service_account.payments_payments_deployer.id');
  expect(hcl).toContain('role               = data.warden_role.deployer.name');
  expect(hcl).toContain('data "warden_role" "deployer" {');
  expect(hcl).toMatch(/to = warden_token\.payments_payments_deployer_ci\n {2}id = "[^"/]+\/[^"/]+"/);
});

describe.each(ENGINES)('the exported HCL on %s', (engine) => {
  let ws: TerraformWorkspace;
  let before: unknown;
  let current: string;
  beforeAll(async () => {
    ws = new TerraformWorkspace(engine, server.url, server.adminToken);
    // Exported afresh, right before the import, as docs/export.md says: the engine before this one
    // used an extended token (sliding its expiry) and rotated another.
    const out = await exportCli([], { WARDEN_ENDPOINT: server.url, WARDEN_TOKEN: estate.readerToken });
    if (out.code !== 0) throw new Error(`export failed: ${out.stderr}`);
    current = out.stdout;
    writeFileSync(join(ws.dir, 'main.tf'), current);
    before = await snapshot(server);
  });
  afterAll(() => ws?.remove());

  test('is formatted as `fmt` formats it', async () => {
    const fmt = await ws.run(['fmt', '-check', '-diff', '-no-color']);
    expect({ code: fmt.code, diff: fmt.stdout }).toEqual({ code: 0, diff: '' });
  });

  test('init and plan: every change is an import that changes nothing', async () => {
    await ws.init();
    const plan = await ws.planJson();
    const all = changes(plan);
    expect(all).toHaveLength(22);
    expect(all.filter((c) => !c.startsWith('import no-op '))).toEqual([]);
  });

  test('apply imports them all and changes nothing on the server; the second plan is empty', async () => {
    const applied = await ws.apply();
    expect(applied.stdout).toMatch(/Apply complete! Resources: 22 imported, 0 added, 0 changed, 0 destroyed/);
    expect(await snapshot(server)).toEqual(before);
    await ws.plan(0);
  });

  test('an imported extended token that is used (its expiry slides) is not drift: the plan stays empty', async () => {
    const name = ['slide-a', 'slide-b'][ENGINES.indexOf(engine)]!;
    const [root] = (await server.client.listServiceAccounts({ name: 'ci-root' })).items.filter((a) => a.project_id === null);
    const read = async () => (await server.client.listServiceAccountTokens(root!.id, {})).items.find((t) => t.name === name)!;
    const before = await read();
    await server.clientFor(estate.secretOf[`ci-root/${name}`]!).whoami();
    const after = await read();
    expect(Date.parse(after.expires_at!)).toBeGreaterThan(Date.parse(before.expires_at!));
    await ws.plan(0);
    expect((await read()).token_hint).toBe(before.token_hint);
  });

  test('a token rotates only when asked: adding rotation_triggers changes nothing on the server, changing one rotates with an overlap', async () => {
    // Each engine rotates its own token: a second rotation would end the first one's overlap.
    const name = ['ci', 'release'][ENGINES.indexOf(engine)]!;
    const { payments } = estate.projects;
    const ci = async () =>
      (await server.client.listServiceAccountTokens((await server.client.listServiceAccounts({ name: 'payments-deployer', project_id: payments })).items[0]!.id, {})).items.find(
        (t) => t.name === name,
      )!;
    const withTriggers = (generation: string) =>
      current.replace(`resource "warden_token" "payments_payments_deployer_${name}" {\n`, `$&  rotation_triggers = { generation = "${generation}" }\n  overlap_seconds = 600\n`);
    const hint = (await ci()).token_hint;
    writeFileSync(join(ws.dir, 'main.tf'), withTriggers('1'));
    expect((await ws.apply()).stdout).toContain('0 added, 1 changed, 0 destroyed');
    expect((await ci()).token_hint).toBe(hint);
    writeFileSync(join(ws.dir, 'main.tf'), withTriggers('2'));
    await ws.apply();
    expect((await ci()).token_hint).not.toBe(hint);
    // The secret made by hand keeps working through the overlap.
    await expect(server.clientFor(estate.secretOf[`payments-deployer/${name}`]!).whoami()).resolves.toMatchObject({});
    await ws.plan(0);
  });
});

describe.each(ENGINES)('an export of one project on %s', (engine) => {
  test("declares that project's accounts only and plans only imports", async () => {
    const out = await exportCli(['--project', 'payments', '--format=hcl'], { WARDEN_ENDPOINT: server.url, WARDEN_TOKEN: estate.readerToken });
    expect(out.code).toBe(0);
    expect([...out.stdout.matchAll(/^resource "warden_service_account" "(\w+)"/gm)].map((m) => m[1])).toEqual(['payments_payments_deployer']);
    const ws = new TerraformWorkspace(engine, server.url, server.adminToken);
    try {
      writeFileSync(join(ws.dir, 'main.tf'), out.stdout);
      await ws.init();
      const all = changes(await ws.planJson());
      // The account, its two bindings, its two live tokens, its federated credential.
      expect(all).toHaveLength(6);
      expect(all.filter((c) => !c.startsWith('import no-op '))).toEqual([]);
    } finally {
      ws.remove();
    }
  });
});
