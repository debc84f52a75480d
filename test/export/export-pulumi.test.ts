// The exported Pulumi program under the real `pulumi` CLI (the toolchain's build), from the
// package as `npm pack` builds it, against the real server. The Node language host is not
// available (see README), so the exported program.ts, a module whose `program()` the exported
// index.ts calls, is transpiled into the consumer project and run as the inline program: the same
// declarations a user's `pulumi preview` runs.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { renderPulumi } from '../../provider/export';
import { ROOT, type TestServer, startServer } from '../support/server';
import { type DriverResult, type EngineStack, PulumiProject } from '../pulumi/engine';
import { type Estate, exportCli, makeEstate, snapshot } from './estate';

jest.setTimeout(600_000);

const run = promisify(execFile);

const WARDEN_TYPES = new Set(['ServiceAccount', 'RoleBinding', 'Token', 'FederatedCredential']);
let server: TestServer;
let estate: Estate;
let project: PulumiProject;
let stack: EngineStack;
let before: unknown;
let programText: string;
let indexText: string;
const MODULE = 'exported-program.js';

/** What the engine planned (pre) or did (done) to the Warden resources, unchanged ones left out. */
const steps = (r: DriverResult, phase: 'pre' | 'done') => r.steps.filter((s) => s.phase === phase && WARDEN_TYPES.has(s.type) && s.op !== 'same').map((s) => `${s.op} ${s.type}`);
const count = (list: string[]) => list.reduce<Record<string, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
const exported = (adoptTokens: boolean) => ({ path: join(project.dir, MODULE), options: { adoptTokens } });

beforeAll(async () => {
  [server, project] = await Promise.all([startServer(), PulumiProject.create('warden-export')]);
  estate = await makeEstate(server);
  before = await snapshot(server);
  const out = mkdtempSync(join(tmpdir(), 'warden-export-pulumi-'));
  try {
    const cli = await exportCli(['--format', 'pulumi', '--out', out], { WARDEN_ENDPOINT: server.url, WARDEN_TOKEN: estate.readerToken });
    if (cli.code !== 0) throw new Error(`export failed: ${cli.stderr}`);
    programText = readFileSync(join(out, 'program.ts'), 'utf8');
    indexText = readFileSync(join(out, 'index.ts'), 'utf8');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const { outputText, diagnostics } = ts.transpileModule(programText, {
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  if (diagnostics?.length) throw new Error(`the exported program does not parse: ${ts.flattenDiagnosticMessageText(diagnostics[0]!.messageText, '\n')}`);
  writeFileSync(join(project.dir, MODULE), outputText);
  stack = project.stack('adopt');
  await stack.init([
    { key: 'warden:endpoint', value: server.url },
    { key: 'warden:token', value: server.adminToken, secret: true },
  ]);
});
afterAll(async () => {
  project?.remove();
  await server?.stop();
});

test('the exported program declares every object with adopt: true and no secret', () => {
  expect([...programText.matchAll(/adopt: true/g)]).toHaveLength(22);
  for (const secret of estate.secrets) expect(programText).not.toContain(secret);
});

test.each([
  ['the export', () => ({ 'program.ts': programText, 'index.ts': indexText })],
  ['an export that matches nothing', () => renderPulumi({ scope: 'nothing', projects: [], roles: [], accounts: [], bindings: [], tokens: [], credentials: [], unsupported: [] })],
])('program.ts and index.ts of %s type-check under strict TypeScript against the packed package', async (name, files) => {
  const dir = mkdtempSync(join(project.dir, 'exported-'));
  for (const [path, text] of Object.entries(files())) writeFileSync(join(dir, path), text);
  const compilerOptions = {
    target: 'ES2022',
    module: 'node16',
    moduleResolution: 'node16',
    strict: true,
    noUnusedLocals: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules', '@types')],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['index.ts'] }));
  const tsc = await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir]).then(
    () => ({ code: 0, output: '' }),
    (err: { code: number; stdout: string }) => ({ code: err.code, output: err.stdout }),
  );
  expect(tsc).toEqual({ code: 0, output: '' });
});

test('`pulumi preview` plans only adoptions (creates that adopt) and changes nothing on the server', async () => {
  const preview = await stack.previewModule(exported(false));
  expect(count(steps(preview, 'pre'))).toEqual({ 'create ServiceAccount': 5, 'create RoleBinding': 8, 'create FederatedCredential': 1 });
  const withTokens = await stack.previewModule(exported(true));
  expect(count(steps(withTokens, 'pre'))).toEqual({ 'create ServiceAccount': 5, 'create RoleBinding': 8, 'create FederatedCredential': 1, 'create Token': 8 });
  expect(await snapshot(server)).toEqual(before);
});

test('`pulumi up` adopts the accounts and bindings, keeping their ids and changing nothing; a second preview is empty', async () => {
  const up = await stack.upModule(exported(false));
  expect(count(steps(up, 'done'))).toEqual({ 'create ServiceAccount': 5, 'create RoleBinding': 8, 'create FederatedCredential': 1 });
  expect(up.diagnostics.filter((d) => d.severity === 'warning' && d.message.includes('Adopted the existing'))).toHaveLength(14);
  expect(await snapshot(server)).toEqual(before);
  const again = await stack.previewModule(exported(false), { expectNoChanges: true });
  expect(steps(again, 'pre')).toEqual([]);
});

test('with adoptTokens, `pulumi up` adopts the tokens too, regenerating their secrets with an overlap (the documented choice)', async () => {
  const hints = async () => {
    const out: string[] = [];
    for await (const a of server.client.paginate('listServiceAccounts'))
      for (const t of (await server.client.listServiceAccountTokens(a.id, {})).items) out.push(`${a.name}/${t.name}/${t.token_hint}`);
    return out.sort();
  };
  const earlier = await hints();
  const up = await stack.upModule(exported(true));
  expect(count(steps(up, 'done'))).toEqual({ 'create Token': 8 });
  const now = await hints();
  // The eight live tokens have new secrets; the revoked and the disabled one are untouched.
  expect(now.filter((h) => !earlier.includes(h))).toHaveLength(8);
  // The hand-made secret keeps working for overlapSeconds (one hour by default).
  await expect(server.clientFor(estate.secretOf['payments-deployer/ci']!).whoami()).resolves.toMatchObject({});
  await stack.previewModule(exported(true), { expectNoChanges: true });
});
