// `npm run test:runtimes`: the suites that depend on the runtime, run again on each Node.js of the
// matrix (scripts/toolchain/tools.ts), each in a snapshot of the checkout whose better-sqlite3 addon
// is built for that Node. The Terraform provider runs on the same Node (first on PATH), and on
// Node 22 the Pulumi engine suite runs with the newest Pulumi SDK.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { ensureToolchain } from '../../scripts/toolchain';
import { sqliteAddonFor } from '../../scripts/toolchain/sqlite-addon';
import { NODE_RUNTIMES } from '../../scripts/toolchain/tools';

const ROOT = resolve(__dirname, '..', '..');
const SUITES = ['test/server', 'test/client', 'test/terraform/lifecycle.test.ts', 'test/runtimes'];
/** Runs where the newest Pulumi SDK is tested (it needs Node 22 or later). */
const PULUMI_SDK_RUNTIME: keyof typeof NODE_RUNTIMES = 'node22';
/** Not part of a snapshot: what runs leave behind. (.git stays: some suites list the tracked files.) */
const SKIP = new Set(['test-artifacts', '.warden', 'coverage']);

const log = (line: string) => process.stderr.write(`runtimes: ${line}\n`);

/**
 * A copy of the checkout, with node_modules as hard links for speed (nothing writes into it in
 * place), except better-sqlite3's addon, which is this Node's. The rest is copied, so that editing
 * the checkout during a run changes nothing under test.
 */
function snapshot(runtime: string, addon: string): string {
  const dir = mkdtempSync(join(tmpdir(), `warden-${runtime}-`));
  for (const entry of readdirSync(ROOT)) {
    if (SKIP.has(entry)) continue;
    if (entry === 'node_modules') execFileSync('cp', ['-al', join(ROOT, entry), dir]);
    else cpSync(join(ROOT, entry), join(dir, entry), { recursive: true, verbatimSymlinks: true });
  }
  const build = join(dir, 'node_modules', 'better-sqlite3', 'build');
  rmSync(build, { recursive: true, force: true });
  mkdirSync(join(build, 'Release'), { recursive: true });
  copyFileSync(addon, join(build, 'Release', 'better_sqlite3.node'));
  return dir;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env, stdio: 'inherit' });
    child.on('error', fail);
    child.on('close', (code) => done(code ?? 1));
  });
}

async function main(): Promise<void> {
  const results: string[] = [];
  let failed = 0;
  // WARDEN_RUNTIMES=node24 reruns on one Node only.
  const names = Object.keys(NODE_RUNTIMES) as (keyof typeof NODE_RUNTIMES)[];
  const chosen = process.env.WARDEN_RUNTIMES ? process.env.WARDEN_RUNTIMES.split(',') : names;
  const unknown = chosen.filter((n) => !(names as string[]).includes(n));
  if (unknown.length > 0) throw new Error(`WARDEN_RUNTIMES names ${unknown.join(', ')}; the runtimes are ${names.join(', ')}`);
  for (const name of chosen as (keyof typeof NODE_RUNTIMES)[]) {
    const withSdk = name === PULUMI_SDK_RUNTIME;
    const [node, sdk] = ensureToolchain(withSdk ? [name, 'pulumi-sdk'] : [name], log);
    const addon = sqliteAddonFor(node!.path, node!.version, log);
    const dir = snapshot(name, addon);
    const suites = withSdk ? [...SUITES, 'test/pulumi/engine.test.ts'] : SUITES;
    log(`Node.js ${node!.version}: ${suites.join(' ')}${withSdk ? ` (@pulumi/pulumi ${sdk!.version})` : ''}`);
    const env = {
      ...process.env,
      PATH: `${dirname(node!.path)}${delimiter}${process.env.PATH ?? ''}`,
      WARDEN_ENGINES: 'terraform',
      ...(withSdk ? { WARDEN_PULUMI_SDK: sdk!.path } : {}),
    };
    const code = await run(node!.path, [join(dir, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', ...suites], dir, env).finally(() =>
      rmSync(dir, { recursive: true, force: true }),
    );
    results.push(`Node.js ${node!.version}: ${code === 0 ? 'passed' : `FAILED (jest exited ${code})`}`);
    if (code !== 0) failed++;
  }
  for (const line of results) log(line);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((err: unknown) => {
  log(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
