// The exported CDKTF stack through `cdktf synth` (the CLI, offline), and the exported CDK Terrain
// stack synthesized by its app, each planned by Terraform and OpenTofu: every change is an import
// that changes nothing. The projects live in ignored directories inside the repository, so that
// `warden-iac/constructs` and `warden-iac/cdktn` resolve to this checkout's build, as from a package.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type TestServer, startServer } from '../support/server';
import { runCommand } from '../support/run';
import { ENGINES, type TerraformPlan, TerraformWorkspace } from '../support/terraform';
import { type Estate, exportCli, makeEstate, snapshot } from './estate';

jest.setTimeout(600_000);

let server: TestServer;
let estate: Estate;
let before: unknown;
const synthesized: Record<'cdktf' | 'cdktn', string> = { cdktf: '', cdktn: '' };
let artifacts: string;

async function exec(cwd: string, command: string, args: string[]): Promise<{ code: number; output: string }> {
  const env = { PATH: process.env.PATH, HOME: cwd, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1', CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1', CI: '1' };
  const { code, output } = await runCommand(command, args, { cwd, env });
  return { code, output };
}

/** The one stack's JSON under an output directory (`<outdir>/stacks/warden/cdk.tf.json`). */
function stackJson(outdir: string): string {
  const file = join(outdir, 'stacks', 'warden', 'cdk.tf.json');
  if (!existsSync(file)) throw new Error(`no synthesized stack at ${file}: ${existsSync(outdir) ? readdirSync(outdir).join(', ') : 'no output directory'}`);
  return file;
}

beforeAll(async () => {
  server = await startServer();
  estate = await makeEstate(server);
  before = await snapshot(server);
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  artifacts = mkdtempSync(join(ROOT, 'test-artifacts', 'export-cdk-'));
  // An export that matches nothing must still be a valid program.
  for (const flavor of ['cdktf', 'cdktn'] as const) {
    const out = await exportCli(['--format', flavor, '--name', 'nothing-matches', '--out', join(artifacts, `${flavor}-empty`)], {
      WARDEN_ENDPOINT: server.url,
      WARDEN_TOKEN: estate.readerToken,
    });
    if (out.code !== 0) throw new Error(`export failed: ${out.stderr}`);
  }
  for (const flavor of ['cdktf', 'cdktn'] as const) {
    const dir = join(artifacts, flavor);
    const out = await exportCli(['--format', flavor, '--out', dir], { WARDEN_ENDPOINT: server.url, WARDEN_TOKEN: estate.readerToken });
    if (out.code !== 0) throw new Error(`export failed: ${out.stderr}`);
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
    if (flavor === 'cdktf') {
      writeFileSync(
        join(dir, 'cdktf.json'),
        JSON.stringify({ language: 'typescript', app: `${tsx} main.ts`, projectId: 'warden-export', sendCrashReports: 'false', terraformProviders: [] }),
      );
      const synth = await exec(dir, join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth']);
      if (synth.code !== 0) throw new Error(`cdktf synth failed:\n${synth.output}`);
      synthesized.cdktf = stackJson(join(dir, 'cdktf.out'));
    } else {
      // cdktn-cli needs Node 22.19+ (see README); the app itself synthesizes on this Node.
      const synth = await exec(dir, tsx, ['main.ts']);
      if (synth.code !== 0) throw new Error(`the cdktn app failed:\n${synth.output}`);
      const outdir = readdirSync(dir).find((f) => f.endsWith('.out'));
      synthesized.cdktn = stackJson(join(dir, outdir ?? 'cdktn.out'));
    }
  }
});
afterAll(async () => {
  await server?.stop();
  if (artifacts) rmSync(artifacts, { recursive: true, force: true });
});

const changes = (plan: TerraformPlan) => (plan.resource_changes ?? []).map((c) => `${c.change.importing ? 'import ' : ''}${c.change.actions.join(',')} ${c.address}`);

test.each(['cdktf', 'cdktn', 'cdktf-empty', 'cdktn-empty'])('the exported %s stack type-checks under strict TypeScript', async (flavor) => {
  const dir = join(artifacts, flavor);
  const compilerOptions = { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, noUnusedLocals: true, skipLibCheck: true, noEmit: true, types: ['node'] };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['main.ts'] }));
  const tsc = await exec(dir, process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
  expect(tsc).toEqual({ code: 0, output: '' });
});

describe.each(ENGINES)('on %s', (engine) => {
  test.each(['cdktf', 'cdktn'] as const)('the synthesized %s stack plans only imports that change nothing', async (flavor) => {
    const ws = new TerraformWorkspace(engine, server.url, server.adminToken);
    try {
      copyFileSync(synthesized[flavor], join(ws.dir, 'main.tf.json'));
      await ws.init();
      const all = changes(await ws.planJson());
      expect(all).toHaveLength(22);
      expect(all.filter((c) => !c.startsWith('import no-op '))).toEqual([]);
      expect(all).toContain('import no-op warden_token.payments_payments_deployer_ci');
      expect(await snapshot(server)).toEqual(before);
    } finally {
      ws.remove();
    }
  });
});
