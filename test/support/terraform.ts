import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { install } from '../../provider/terraform/install';
import { toolPath } from '../../scripts/toolchain';
import { type RunResult, runCommand } from './run';
import { ROOT } from './server';

/**
 * The real `terraform` or `tofu` binary running the real provider, as built by `npm run build`
 * (dist/terraform-provider): one build per test run, laid out once per workspace as a mirror.
 * The tests, the demo (scripts/demo.ts) and the Terraform benchmark all run the engine through it.
 */

export type Engine = 'terraform' | 'tofu';

/**
 * The engines the end-to-end suites run on: both, or those named in WARDEN_ENGINES
 * (`WARDEN_ENGINES=tofu npx jest test/terraform` runs OpenTofu's alone).
 */
export const ENGINES: Engine[] = (() => {
  const named = (process.env.WARDEN_ENGINES ?? 'terraform,tofu').split(',').map((e) => e.trim());
  const unknown = named.filter((e) => e !== 'terraform' && e !== 'tofu');
  if (unknown.length > 0 || named.length === 0) throw new Error(`WARDEN_ENGINES must list terraform and/or tofu, not ${JSON.stringify(process.env.WARDEN_ENGINES)}`);
  return named as Engine[];
})();

export type { RunResult } from './run';

export const PROVIDER_BLOCK = `terraform {
  required_providers {
    warden = { source = "warden/warden" }
  }
}
`;

export class TerraformWorkspace {
  readonly dir: string;
  /** Absolute path of the engine's binary. */
  readonly binary: string;
  /** The CLI configuration (TF_CLI_CONFIG_FILE) that points the engine at the provider's mirror. */
  readonly cliConfig: string;
  private readonly env: NodeJS.ProcessEnv;

  /** `dir`: an existing working directory (a synthesized stack, say) instead of a fresh temporary one. */
  constructor(
    readonly engine: Engine,
    endpoint: string,
    token: string,
    env: Record<string, string> = {},
    dir?: string,
  ) {
    this.binary = toolPath(engine);
    if (!existsSync(join(ROOT, 'dist', 'terraform-provider', 'terraform-provider-warden'))) throw new Error('the provider is not built: run `npm run build` first');
    this.dir = dir ?? mkdtempSync(join(tmpdir(), 'warden-tf-'));
    const { cliConfig } = install(join(this.dir, '.warden'));
    this.cliConfig = cliConfig;
    this.env = {
      // The provider runs on the first `node` on PATH: the one running these tests.
      PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
      HOME: this.dir,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
      WARDEN_ENDPOINT: endpoint,
      WARDEN_TOKEN: token,
      ...env,
    };
  }

  /** Removes the working directory (state included). */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Writes main.tf: the provider requirement plus `body`. */
  write(body: string): this {
    writeFileSync(join(this.dir, 'main.tf'), PROVIDER_BLOCK + body);
    return this;
  }

  run(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
    return runCommand(this.binary, args, { cwd: this.dir, env: { ...this.env, ...env } });
  }

  /** Runs and insists on exit code 0 (or `expect`), showing Terraform's output otherwise. */
  async ok(args: string[], expect = 0): Promise<RunResult> {
    const result = await this.run(args);
    if (result.code !== expect) throw new Error(`${this.engine} ${args.join(' ')} exited ${result.code}, expected ${expect}\n${result.stdout}\n${result.stderr}`);
    return result;
  }

  init(): Promise<RunResult> {
    return this.ok(['init', '-input=false', '-no-color']);
  }

  apply(...extra: string[]): Promise<RunResult> {
    return this.ok(['apply', '-auto-approve', '-input=false', '-no-color', ...extra]);
  }

  destroy(): Promise<RunResult> {
    return this.ok(['destroy', '-auto-approve', '-input=false', '-no-color']);
  }

  /** `plan -detailed-exitcode`: 0 no changes, 2 changes. */
  plan(expect: 0 | 2, ...extra: string[]): Promise<RunResult> {
    return this.ok(['plan', '-detailed-exitcode', '-input=false', '-no-color', ...extra], expect);
  }

  /** The plan as JSON (`show -json` of a saved plan). */
  async planJson(): Promise<TerraformPlan> {
    await this.ok(['plan', '-input=false', '-no-color', '-out=tfplan']);
    return JSON.parse((await this.ok(['show', '-json', 'tfplan'])).stdout) as TerraformPlan;
  }

  /** The state as `show -json` prints it. */
  async state(): Promise<TerraformState> {
    return JSON.parse((await this.ok(['show', '-json'])).stdout) as TerraformState;
  }

  /** The raw state file, as a backend would store it. */
  stateFile(): string {
    return readFileSync(join(this.dir, 'terraform.tfstate'), 'utf8');
  }

  async outputs(): Promise<Record<string, { value: unknown; sensitive: boolean }>> {
    return JSON.parse((await this.ok(['output', '-json'])).stdout) as Record<string, { value: unknown; sensitive: boolean }>;
  }
}

export interface StateResource {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  provider_name: string;
  values: Record<string, unknown>;
  sensitive_values: Record<string, unknown>;
}
export interface TerraformState {
  values?: { root_module: { resources?: StateResource[] } };
}
export interface ResourceChange {
  address: string;
  type: string;
  change: { actions: string[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null; replace_paths?: string[][]; importing?: { id: string } };
  action_reason?: string;
}
export interface TerraformPlan {
  resource_changes?: ResourceChange[];
}

export function resourceOf(state: TerraformState, address: string): StateResource {
  const found = state.values?.root_module.resources?.find((r) => r.address === address);
  if (!found) throw new Error(`no ${address} in state`);
  return found;
}
