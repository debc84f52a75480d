// A CDK Terrain project as a user has it: warden-iac installed from `npm pack`, type-checked by tsc
// with skipLibCheck off (the package's declarations checked against cdktn's), then run.
// The same code importing warden-iac/constructs (built against cdktf) must not type-check: that is
// the mismatch the cdktn build exists for.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { packedProject } from '../support/packed';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '..', '..');
const run = promisify(execFile);

/** Uses the parts of the API whose declarations clash across libraries: TerraformCount, a provider, a variable, the stack. */
const program = (entry: string) => `import { App, TerraformCount, TerraformStack, TerraformVariable } from 'cdktn';
import type { Construct } from 'constructs';
import { MachineIdentity, ServiceAccount, WardenProvider } from '${entry}';

class Stack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const provider = new WardenProvider(this, 'warden', {});
    const bots = new TerraformVariable(this, 'bots', { type: 'number', default: 2 });
    new MachineIdentity(this, 'ci', { name: 'ci-bot', roles: [{ role: 'editor' }], provider });
    new ServiceAccount(this, 'bot', { name: 'bot', count: TerraformCount.of(bots.numberValue), provider });
  }
}

const app = new App({ outdir: 'out' });
new Stack(app, 'consumer');
app.synth();
`;

const tsconfig = (files: string[], outDir?: string) =>
  JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'node16',
      moduleResolution: 'node16',
      strict: true,
      skipLibCheck: false,
      types: ['node'],
      ...(outDir ? { outDir } : { noEmit: true }),
    },
    files,
  });

let dir: string;
const tsc = (project: string) =>
  run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { cwd: dir }).then(
    () => ({ code: 0, output: '' }),
    (err: { code: number; stdout: string }) => ({ code: err.code, output: err.stdout }),
  );

beforeAll(async () => {
  // dist as this checkout builds it; the provider bundle is not part of what is checked here.
  dir = await packedProject('warden-cdktn-consumer-', ['cdktn', 'cdktf', 'constructs', '@types/node']);
  writeFileSync(join(dir, 'main.ts'), program('warden-iac/cdktn'));
  writeFileSync(join(dir, 'cdktf-build.ts'), program('warden-iac/constructs'));
  writeFileSync(join(dir, 'tsconfig.json'), tsconfig(['main.ts'], 'dist'));
  writeFileSync(join(dir, 'tsconfig.cdktf-build.json'), tsconfig(['cdktf-build.ts']));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a cdktn project importing warden-iac/cdktn type-checks with skipLibCheck off, TerraformCount included', async () => {
  expect(await tsc('tsconfig.json')).toEqual({ code: 0, output: '' });
});

test('and runs: the packed constructs synthesize with cdktn', async () => {
  await run(process.execPath, ['dist/main.js'], { cwd: dir });
  const doc = JSON.parse(readFileSync(join(dir, 'out', 'stacks', 'consumer', 'cdk.tf.json'), 'utf8')) as {
    '//': { metadata: { version: string } };
    resource: Record<string, Record<string, Record<string, unknown>>>;
  };
  expect(doc['//'].metadata.version).toBe((JSON.parse(readFileSync(join(ROOT, 'node_modules', 'cdktn', 'package.json'), 'utf8')) as { version: string }).version);
  expect(doc.resource.warden_service_account!.bot).toEqual(expect.objectContaining({ name: 'bot', count: '${var.bots}' }));
  expect(Object.keys(doc.resource.warden_token!)).toHaveLength(1);
});

test('the same project importing warden-iac/constructs (the cdktf build) fails with "separate declarations"', async () => {
  const { code, output } = await tsc('tsconfig.cdktf-build.json');
  expect(code).not.toBe(0);
  // cdktn's TerraformCount where the cdktf build's ServiceAccount expects cdktf's.
  expect(output).toMatch(/^cdktf-build\.ts\(\d+,\d+\): error TS2322: Type 'TerraformCount' is not assignable/m);
  expect(output).toContain('Types have separate declarations of a private property');
});
