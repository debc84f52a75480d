// `warden-server export` as a user runs it: bad input names the flag, the scope flags choose
// what is read, and each format holds the same objects.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestServer, startServer } from '../support/server';
import { type Estate, exportCli, makeEstate } from './estate';

jest.setTimeout(120_000);

let server: TestServer;
let estate: Estate;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startServer();
  estate = await makeEstate(server);
  env = { WARDEN_ENDPOINT: server.url, WARDEN_TOKEN: estate.readerToken };
});
afterAll(async () => {
  await server?.stop();
});

test.each([
  [['--scope', 'org'], /unknown option "--scope"/],
  [['--project', 'nope'], /--project "nope": no project has this id or name \(known: payments, search\)/],
  [['--format', 'yaml'], /--format "yaml" is not one of hcl, pulumi, cdktf, cdktn/],
  [['--name'], /--name needs a value/],
  [['--name', 'a b'], /--name "a b" is not a name pattern/],
])('%j is refused with exit code 2 and a message naming the flag', async (args, message) => {
  const out = await exportCli(args, env);
  expect({ code: out.code, stdout: out.stdout }).toEqual({ code: 2, stdout: '' });
  expect(out.stderr).toMatch(message);
});

test('--help prints the usage and exits 0', async () => {
  const out = await exportCli(['--help'], {});
  expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
  expect(out.stdout).toContain('Usage: warden-server export');
});

test('without WARDEN_TOKEN it says which variable to set', async () => {
  const out = await exportCli([], { WARDEN_ENDPOINT: server.url });
  expect(out.code).toBe(2);
  expect(out.stderr).toContain('WARDEN_TOKEN is not set');
});

test('--name with "*" selects accounts by name, with their bindings and tokens', async () => {
  const out = await exportCli(['--name', 'ci-*'], env);
  expect(out.code).toBe(0);
  expect([...out.stdout.matchAll(/^resource "(\w+)" "(\w+)"/gm)].map((m) => `${m[1]}.${m[2]}`)).toEqual([
    'warden_service_account.ci_root',
    'warden_role_binding.ci_root_deployer',
    'warden_role_binding.ci_root_manager',
    'warden_token.ci_root_forever',
    'warden_token.ci_root_scim',
    'warden_token.ci_root_slide_a',
    'warden_token.ci_root_slide_b',
    'warden_service_account.search_ci_root',
    'warden_role_binding.search_ci_root_member_search',
  ]);
});

test('--out writes every format with the same objects, and no secret', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-export-'));
  try {
    for (const format of ['hcl', 'pulumi', 'cdktf', 'cdktn']) {
      const out = await exportCli(['--format', format, '--out', join(dir, format)], env);
      expect(out.code).toBe(0);
      expect(out.stderr).toContain('exported 5 service account(s), 8 role binding(s), 8 token(s), 1 federated credential(s); 2 object(s) not exported');
    }
    const files = { hcl: 'hcl/main.tf', program: 'pulumi/program.ts', index: 'pulumi/index.ts', cdktf: 'cdktf/main.ts', cdktn: 'cdktn/main.ts' };
    const text = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, readFileSync(join(dir, f), 'utf8')]));
    for (const t of Object.values(text)) for (const secret of estate.secrets) expect(t).not.toContain(secret);
    const count = (t: string, re: RegExp) => [...t.matchAll(re)].length;
    expect(count(text.hcl!, /^import \{/gm)).toBe(22);
    expect(count(text.cdktf!, /importFrom\(/g)).toBe(22);
    expect(count(text.program!, /adopt: true/g)).toBe(22);
    expect(text.cdktn).toContain("from 'warden-iac/cdktn'");
    expect(text.cdktf).toContain("from 'warden-iac/constructs'");
    expect(text.index).toContain("from './program'");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
