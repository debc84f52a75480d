// One Pulumi operation through the Automation API, with an inline program, run by the real `pulumi`
// CLI. engine.ts transpiles this file into the consumer project and runs it there with plain
// `node`: the SDK serializes the dynamic providers by reading function sources through the V8
// inspector and resolving modules for real, which jest's sandbox would break. Everything it
// requires comes from the consumer's node_modules, as in a user's program; the repository is
// imported for types only.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type * as automationTypes from '@pulumi/pulumi/automation';
import type * as wardenTypes from '../../provider/pulumi';

/* eslint-disable @typescript-eslint/no-require-imports -- resolved in the consumer project, by package name */
const auto = require('@pulumi/pulumi/automation') as typeof automationTypes;
const { RoleBinding, ServiceAccount, Token } = require('warden-iac/pulumi') as typeof wardenTypes;
const SDK_VERSION = (require('@pulumi/pulumi/package.json') as { version: string }).version;
/* eslint-enable @typescript-eslint/no-require-imports */

/** The program, as data: accounts, their bindings and tokens, each under a key that is its Pulumi name. */
export interface ProgramSpec {
  accounts: { key: string; args: wardenTypes.ServiceAccountArgs }[];
  bindings: { key: string; account: string; args: Omit<wardenTypes.RoleBindingArgs, 'serviceAccountId'> }[];
  tokens: { key: string; account: string; args: Omit<wardenTypes.TokenArgs, 'serviceAccountId'> }[];
}

export type Operation = 'init' | 'preview' | 'up' | 'refresh' | 'destroy' | 'export' | 'output';

export interface DriverRequest {
  op: Operation;
  project: string;
  stack: string;
  /** The consumer project: Pulumi.yaml, the stack config and node_modules. */
  workDir: string;
  backendUrl: string;
  /** The directory above the CLI's bin/. */
  pulumiRoot: string;
  pulumiHome: string;
  /** For every CLI run: passphrase, offline settings. */
  env: Record<string, string>;
  program?: ProgramSpec;
  /**
   * Instead of `program`: a CommonJS module in workDir exporting `program(options)`, run as the
   * inline program (how an exported program, which a user runs from its index.ts, is previewed here).
   */
  programModule?: { path: string; options: Record<string, unknown> };
  /** init: stack config; the secret values are set as Pulumi secrets. */
  config?: { key: string; value: string; secret: boolean }[];
  expectNoChanges?: boolean;
  resultFile: string;
}

/** One step event of the engine, in the order the engine emitted it. */
export interface Step {
  phase: 'pre' | 'done' | 'failed';
  op: string;
  /** The resource type's last part (`ServiceAccount`), `Stack` or the provider type. */
  type: string;
  name: string;
}

export interface Diagnostic {
  severity: string;
  message: string;
  /** The resource it is about, if any. */
  name?: string;
}

/** One invocation of the CLI, with everything it printed. */
export interface CliRun {
  args: string[];
  stdout: string;
  stderr: string;
  code: number;
}

export interface DriverResult {
  ok: boolean;
  /** The CommandError's text (stdout and stderr of the failed run) when `ok` is false. */
  error?: string;
  cliVersion: string;
  /** The @pulumi/pulumi release the program ran on. */
  sdkVersion: string;
  /** What `pulumi stack output --show-secrets` printed: the one output that shows secrets, on request. */
  revealed?: string;
  /** What the main command printed. */
  stdout: string;
  stderr: string;
  steps: Step[];
  diagnostics: Diagnostic[];
  /** The summary event's counts by operation (`create`, `same`, ...). */
  changes?: Record<string, number>;
  outputs?: Record<string, { value: unknown; secret: boolean }>;
  deployment?: unknown;
  runs: CliRun[];
  /** Every engine event as the event log had it, debug diagnostics left out, for leak checks. */
  events: string[];
  debugEvents: number;
}

interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}
type Run = (
  args: string[],
  cwd: string,
  env: Record<string, string>,
  onOutput?: (s: string) => void,
  onError?: (s: string) => void,
  signal?: AbortSignal,
) => Promise<CommandResult>;

const lastPart = (token: string) => token.split(':').pop()!;
const nameOf = (urn: string) => urn.split('::').pop()!;

function inlineProgram(spec: ProgramSpec): automationTypes.PulumiFn {
  return async () => {
    const accounts = new Map<string, wardenTypes.ServiceAccount>();
    for (const { key, args } of spec.accounts) accounts.set(key, new ServiceAccount(key, args));
    const account = (key: string) => {
      const found = accounts.get(key);
      if (!found) throw new Error(`the program has no account "${key}"`);
      return found;
    };
    for (const { key, account: owner, args } of spec.bindings) new RoleBinding(key, { ...args, serviceAccountId: account(owner).id });
    const outputs: Record<string, unknown> = {
      accounts: Object.fromEntries([...accounts].map(([key, a]) => [key, { id: a.id, userName: a.userName }])),
    };
    for (const { key, account: owner, args } of spec.tokens) {
      const token = new Token(key, { ...args, serviceAccountId: account(owner).id });
      outputs[`${key}TokenId`] = token.id;
      outputs[`${key}TokenHint`] = token.tokenHint;
      // Not wrapped in pulumi.secret(): that the output is secret is the resource's doing.
      outputs[`${key}Token`] = token.token;
    }
    return outputs;
  };
}

function moduleProgram({ path, options }: NonNullable<DriverRequest['programModule']>): automationTypes.PulumiFn {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a module written into the consumer project
  const { program } = require(path) as { program: (options: Record<string, unknown>) => Record<string, unknown> };
  return async () => program(options);
}

/** What the run saw, kept outside main() so that a failed operation still reports it. */
const seen: Omit<DriverResult, 'ok'> = { cliVersion: '', sdkVersion: '', stdout: '', stderr: '', steps: [], diagnostics: [], runs: [], events: [], debugEvents: 0 };

function onEvent(event: automationTypes.EngineEvent): void {
  // Debug diagnostics are the SDK's own tracing, shown only with --debug: @pulumi/pulumi logs each
  // RegisterResource response there, secret outputs in plain text. They are counted, not kept.
  if ((event.diagnosticEvent?.severity as string | undefined) === 'debug') {
    seen.debugEvents += 1;
    return;
  }
  seen.events.push(JSON.stringify(event));
  const step = event.resourcePreEvent
    ? (['pre', event.resourcePreEvent.metadata] as const)
    : event.resOutputsEvent
      ? (['done', event.resOutputsEvent.metadata] as const)
      : event.resOpFailedEvent
        ? (['failed', event.resOpFailedEvent.metadata] as const)
        : undefined;
  if (step) seen.steps.push({ phase: step[0], op: step[1].op, type: lastPart(step[1].type), name: nameOf(step[1].urn) });
  const d = event.diagnosticEvent;
  if (d) seen.diagnostics.push({ severity: d.severity, message: d.message, ...(d.urn ? { name: nameOf(d.urn) } : {}) });
  if (event.summaryEvent) seen.changes = event.summaryEvent.resourceChanges as Record<string, number>;
}

async function main(req: DriverRequest): Promise<void> {
  const command = await auto.PulumiCommand.get({ root: req.pulumiRoot });
  seen.cliVersion = command.version?.toString() ?? '';
  seen.sdkVersion = SDK_VERSION;
  // Every CLI run is recorded, so that the test sees all that the engine ever printed. `run` is
  // internal to the SDK (left out of its types), but every command of the workspace goes through it.
  const internal = command as unknown as { run: Run };
  const run = internal.run.bind(command);
  internal.run = async (...args) => {
    try {
      const result = await run(...args);
      seen.runs.push({ args: args[0], stdout: result.stdout, stderr: result.stderr, code: result.code });
      return result;
    } catch (err) {
      const result = (err as { commandResult?: CommandResult }).commandResult;
      seen.runs.push({ args: args[0], stdout: result?.stdout ?? '', stderr: result?.stderr ?? String(err), code: result?.code ?? -1 });
      throw err;
    }
  };

  const stack = await auto.LocalWorkspace.createOrSelectStack(
    {
      projectName: req.project,
      stackName: req.stack,
      program: req.programModule ? moduleProgram(req.programModule) : inlineProgram(req.program ?? { accounts: [], bindings: [], tokens: [] }),
    },
    {
      workDir: req.workDir,
      pulumiHome: req.pulumiHome,
      envVars: req.env,
      pulumiCommand: command,
      projectSettings: { name: req.project, runtime: 'nodejs', backend: { url: req.backendUrl } },
    },
  );
  const cliEnv = { ...req.env, PULUMI_HOME: req.pulumiHome };
  const stream = { onOutput: (s: string) => (seen.stdout += s), onError: (s: string) => (seen.stderr += s), onEvent, color: 'never' as const };

  switch (req.op) {
    case 'init':
      // `pulumi config set [--secret] KEY` with the value on stdin, so that no process's argv shows the admin token.
      for (const { key, value, secret } of req.config ?? []) {
        const args = ['config', 'set', ...(secret ? ['--secret'] : []), key, '--stack', req.stack, '--non-interactive'];
        const set = spawnSync(command.command, args, { cwd: req.workDir, env: { ...process.env, ...cliEnv }, input: value, encoding: 'utf8' });
        seen.runs.push({ args, stdout: set.stdout, stderr: set.stderr, code: set.status ?? -1 });
        if (set.status !== 0) throw new Error(`pulumi ${args.join(' ')} failed: ${set.stderr}`);
      }
      break;
    case 'preview':
      await stack.preview({ ...stream, expectNoChanges: req.expectNoChanges ?? false });
      break;
    case 'up':
      seen.outputs = (await stack.up(stream)).outputs;
      break;
    case 'refresh':
      await stack.refresh(stream);
      break;
    case 'destroy':
      await stack.destroy(stream);
      break;
    case 'export':
      // `pulumi stack export`, as stored: stack.exportStack() would add --show-secrets.
      seen.deployment = JSON.parse((await internal.run(['stack', 'export', '--stack', req.stack], req.workDir, cliEnv)).stdout);
      break;
    case 'output':
      // `pulumi stack output --json --show-secrets`, as a user pipes it into a CI secret store.
      seen.revealed = (await internal.run(['stack', 'output', '--json', '--show-secrets', '--stack', req.stack], req.workDir, cliEnv)).stdout;
      break;
  }
}

const request = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as DriverRequest;
main(request).then(
  () => writeFileSync(request.resultFile, JSON.stringify({ ok: true, ...seen })),
  // A failed operation is a result too: the test asserts on the engine's message.
  (err: unknown) => writeFileSync(request.resultFile, JSON.stringify({ ok: false, error: err instanceof Error ? err.message : String(err), ...seen })),
);
