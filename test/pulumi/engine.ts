import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import ts from 'typescript';
import { toolPath } from '../../scripts/toolchain';
import { type Consumer, packedConsumer } from './consumer';
import type { DriverRequest, DriverResult, Operation, ProgramSpec } from './engine-driver';

export type { DriverResult, ProgramSpec } from './engine-driver';

const run = promisify(execFile);
const DRIVER = 'engine-driver.js';

/**
 * A Pulumi project run by the real `pulumi` CLI (the toolchain's build) through the Automation
 * API, with inline programs: the package from `npm pack` installed in a temp project, a `file://`
 * backend and PULUMI_HOME in temp dirs, a passphrase for secrets, no update check and no plugin
 * downloads. Each operation runs engine-driver.ts in its own plain Node process.
 */
export class PulumiProject {
  /** Every operation's result, in order, for the checks that span the whole lifecycle. */
  readonly results: DriverResult[] = [];
  readonly backendDir: string;
  private readonly home: string;
  private readonly env: Record<string, string>;
  private readonly cleanup: () => void;

  private constructor(
    private readonly consumer: Consumer,
    private readonly pulumi: string,
    readonly project: string,
  ) {
    const root = mkdtempSync(join(tmpdir(), 'warden-pulumi-engine-'));
    this.backendDir = join(root, 'backend');
    this.home = join(root, 'home');
    mkdirSync(this.backendDir);
    mkdirSync(this.home);
    this.env = {
      PULUMI_CONFIG_PASSPHRASE: randomBytes(16).toString('hex'),
      PULUMI_HOME: this.home,
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      // The CLI's directory holds pulumi-resource-pulumi-nodejs, the dynamic-provider plugin, which runs `node`.
      PATH: [dirname(this.pulumi), dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
    };
    this.cleanup = () => rmSync(root, { recursive: true, force: true });
  }

  static async create(project = 'warden-engine'): Promise<PulumiProject> {
    // First, so that a missing CLI fails at once, saying how to get it.
    const pulumi = toolPath('pulumi');
    const consumer = await packedConsumer();
    const source = readFileSync(join(__dirname, 'engine-driver.ts'), 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
    writeFileSync(join(consumer.dir, DRIVER), outputText);
    return new PulumiProject(consumer, pulumi, project);
  }

  get dir(): string {
    return this.consumer.dir;
  }

  stack(name: string): EngineStack {
    return new EngineStack(this, name);
  }

  /** Runs one operation; a failed one resolves too (`ok: false`), for tests that expect it. */
  async operation(stack: string, op: Operation, extra: Partial<DriverRequest> = {}): Promise<DriverResult> {
    const requestDir = mkdtempSync(join(tmpdir(), 'warden-pulumi-op-'));
    try {
      const request: DriverRequest = {
        op,
        project: this.project,
        stack,
        workDir: this.consumer.dir,
        backendUrl: `file://${this.backendDir}`,
        pulumiRoot: dirname(dirname(this.pulumi)),
        pulumiHome: this.home,
        env: this.env,
        resultFile: join(requestDir, 'result.json'),
        ...extra,
      };
      // It may hold the stack's credentials (init): readable by this user only, and removed after the run.
      writeFileSync(join(requestDir, 'request.json'), JSON.stringify(request), { mode: 0o600 });
      // Only the Pulumi settings above and no WARDEN_* variable: credentials come from stack config alone.
      const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WARDEN_') && !k.startsWith('PULUMI_')));
      await run(process.execPath, [DRIVER, join(requestDir, 'request.json')], { cwd: this.consumer.dir, env: { ...inherited, ...this.env }, maxBuffer: 64 * 1024 * 1024 });
      const result = JSON.parse(readFileSync(request.resultFile, 'utf8')) as DriverResult;
      this.results.push(result);
      return result;
    } finally {
      rmSync(requestDir, { recursive: true, force: true });
    }
  }

  /** Every file of the backend (state, backups, history), decompressed, for leak checks. */
  backendFiles(): { path: string; text: string }[] {
    const files: { path: string; text: string }[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else {
          const bytes = readFileSync(path);
          files.push({ path, text: (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8') });
        }
      }
    };
    walk(this.backendDir);
    return files;
  }

  /** Everything the CLI printed in every run so far, and every engine event. */
  printed(): string {
    return this.results
      .flatMap((r) => [r.error ?? '', r.stdout, r.stderr, ...r.runs.filter((c) => !c.args.includes('--show-secrets')).flatMap((c) => [c.stdout, c.stderr]), ...r.events])
      .join('\n');
  }

  remove(): void {
    this.consumer.remove();
    this.cleanup();
  }
}

export class EngineStack {
  constructor(
    private readonly project: PulumiProject,
    readonly name: string,
  ) {}

  private async ok(op: Operation, extra: Partial<DriverRequest> = {}): Promise<DriverResult> {
    const result = await this.project.operation(this.name, op, extra);
    if (!result.ok) throw new Error(`pulumi ${op} of stack ${this.name} failed:\n${result.error ?? ''}`);
    return result;
  }

  /** Creates the stack with its config; `secret` values become Pulumi secrets. */
  init(config: { key: string; value: string; secret?: boolean }[]): Promise<DriverResult> {
    return this.ok('init', { config: config.map((c) => ({ ...c, secret: c.secret ?? false })) });
  }

  preview(program: ProgramSpec, options: { expectNoChanges?: boolean } = {}): Promise<DriverResult> {
    return this.ok('preview', { program, ...options });
  }

  /** A preview expected to fail: resolves with the failed result. */
  async previewFailing(program: ProgramSpec): Promise<DriverResult> {
    const result = await this.project.operation(this.name, 'preview', { program });
    if (result.ok) throw new Error(`pulumi preview of stack ${this.name} succeeded, but was expected to fail`);
    return result;
  }

  /** Preview of a program module in the consumer project (see DriverRequest.programModule). */
  previewModule(programModule: NonNullable<DriverRequest['programModule']>, options: { expectNoChanges?: boolean } = {}): Promise<DriverResult> {
    return this.ok('preview', { programModule, ...options });
  }

  upModule(programModule: NonNullable<DriverRequest['programModule']>): Promise<DriverResult> {
    return this.ok('up', { programModule });
  }

  up(program: ProgramSpec): Promise<DriverResult> {
    return this.ok('up', { program });
  }

  refresh(): Promise<DriverResult> {
    return this.ok('refresh');
  }

  destroy(): Promise<DriverResult> {
    return this.ok('destroy');
  }

  /** `pulumi stack export`. */
  async exportState(): Promise<{ version: number; deployment: StateDeployment }> {
    return (await this.ok('export')).deployment as { version: number; deployment: StateDeployment };
  }

  /** `pulumi stack output --json --show-secrets`: the text a user pipes on. */
  async outputJson(): Promise<string> {
    return (await this.ok('output')).revealed ?? '';
  }
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  additionalSecretOutputs?: string[];
  dependencies?: string[];
}

export interface StateDeployment {
  secrets_providers?: { type: string };
  resources?: StateResource[];
}

/** Pulumi's marker of a secret value in state and on the wire. */
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
export const isCiphertext = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  (value as Record<string, unknown>)['4dabf18193072939515e22adb298388d'] === SECRET_SIG &&
  typeof (value as { ciphertext?: unknown }).ciphertext === 'string';
