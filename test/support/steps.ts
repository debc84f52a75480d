import { type WardenClient, NotFoundError } from '../../api-client';
import { type InProcessOptions, type TestServer, startServer } from './server';
import { type Engine, type RunResult, type TerraformPlan, type TerraformState, TerraformWorkspace, resourceOf } from './terraform';

/**
 * An end-to-end case as a list of steps, in the spirit of terraform-plugin-testing's
 * `resource.TestCase{Steps: ...}`: each step applies a configuration (or only checks, or expects
 * the plan to fail), and the case always ends with a destroy and a check that the server keeps
 * nothing of what the case made. A case is self-contained: its own server, its own workspace, and
 * the service accounts its configurations declare.
 */

export interface StepContext {
  tf: TerraformWorkspace;
  server: TestServer;
  state(): Promise<TerraformState>;
  /** The values of one resource in the state. */
  values(address: string): Promise<Record<string, unknown>>;
}

export interface PlannedStep {
  /** `show -json` of the step's saved plan. */
  json: TerraformPlan;
  /** What `plan` printed (stdout and stderr): the plan's reasons are warnings there. */
  output: string;
  /** The saved plan, applied after the checks. */
  file: string;
}

export interface Step {
  /** What the step asserts: the jest test title. */
  title: string;
  /** The main.tf body from this step on; a step without one applies nothing and only checks. */
  config?: string;
  /** Runs before the configuration is written: a change made outside Terraform, time moved on, a value kept for `check`. */
  before?(c: StepContext): Promise<void> | void;
  /** Checks the saved plan before it is applied. Without it the step applies directly (reasons then show in the apply's output). */
  plan?(planned: PlannedStep, c: StepContext): Promise<void> | void;
  /** The plan must fail with each of these in its error output; nothing is applied, and the next steps start from the last applied configuration. */
  expectError?: (string | RegExp)[];
  /** Checks after the apply (`applied` is its output), or the step's only work when it has no configuration. */
  check?(c: StepContext & { applied?: RunResult }): Promise<void> | void;
  /** After an apply the plan must be empty, as terraform-plugin-testing insists; true unless said otherwise. */
  emptyPlanAfter?: boolean;
}

export interface TestCase {
  engine: Engine;
  /** Options of the case's own in-process server (an injected clock, say). */
  server?: InProcessOptions;
  /** Extra environment of the workspace. */
  env?: Record<string, string>;
  steps: Step[];
  /** Further checks after the final destroy; `made` is every object the case's states ever held. */
  destroyed?(c: StepContext, made: Made[]): Promise<void> | void;
}

export interface Made {
  type: string;
  address: string;
  values: Record<string, unknown>;
}

/** Whether the server still has a live object that a state once held; every id the case ever had is asked. */
async function stillLive(client: WardenClient, made: Made): Promise<boolean> {
  const v = made.values as Record<string, string>;
  try {
    switch (made.type) {
      case 'warden_service_account':
        return Boolean(await client.getServiceAccount(v.id!));
      case 'warden_role_binding':
        return Boolean(await client.getRoleBinding(v.id!));
      case 'warden_token':
        return (await client.getServiceAccountToken(v.service_account_id!, v.id!)).state !== 'revoked';
      case 'warden_federated_credential':
        return Boolean(await client.getFederatedCredential(v.service_account_id!, v.id!));
      default:
        throw new Error(`steps() does not know how to look up a ${made.type} on the server`);
    }
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}

async function accountIds(client: WardenClient): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const a of client.paginate('listServiceAccounts', { limit: 500 })) ids.add(a.id);
  return ids;
}

/** Registers the case as a jest `describe`: one test per step, then the destroy. */
export function steps(title: string, testCase: TestCase): void {
  describe(title, () => {
    let server: TestServer;
    let tf: TerraformWorkspace;
    let accountsBefore: Set<string>;
    let initialized = false;
    let lastApplied: string | undefined;
    const made = new Map<string, Made>();
    let context: StepContext;

    const record = async () => {
      for (const r of (await tf.state()).values?.root_module.resources ?? []) {
        // Data sources read what others made; only managed resources are the case's.
        if (r.mode === 'managed' && typeof r.values.id === 'string') made.set(`${r.type}/${r.values.id}`, { type: r.type, address: r.address, values: r.values });
      }
    };

    beforeAll(async () => {
      server = await startServer(testCase.server);
      tf = new TerraformWorkspace(testCase.engine, server.url, server.adminToken, testCase.env);
      accountsBefore = await accountIds(server.client);
      const state = () => tf.state();
      context = { tf, server, state, values: async (address) => resourceOf(await state(), address).values };
    });
    afterAll(async () => {
      tf?.remove();
      await server?.stop();
    });

    for (const step of testCase.steps) {
      test(step.title, async () => {
        await step.before?.(context);
        if (step.config === undefined) {
          await step.check?.(context);
          if (initialized) await record();
          return;
        }
        tf.write(step.config);
        if (!initialized) {
          await tf.init();
          initialized = true;
        }
        if (step.expectError !== undefined) {
          const result = await tf.run(['plan', '-no-color', '-input=false']);
          if (lastApplied !== undefined) tf.write(lastApplied);
          expect(result.code).toBe(1);
          for (const words of step.expectError) expect(result.stderr).toMatch(words);
          await step.check?.(context);
          return;
        }
        let applied: RunResult;
        if (step.plan) {
          const file = 'step.tfplan';
          const planned = await tf.ok(['plan', '-no-color', '-input=false', `-out=${file}`]);
          const json = JSON.parse((await tf.ok(['show', '-json', file])).stdout) as TerraformPlan;
          await step.plan({ json, output: planned.stdout + planned.stderr, file }, context);
          applied = await tf.ok(['apply', '-no-color', '-input=false', file]);
        } else {
          applied = await tf.apply();
        }
        lastApplied = step.config;
        await record();
        await step.check?.({ ...context, applied });
        if (step.emptyPlanAfter !== false) await tf.plan(0);
      });
    }

    test('destroy leaves nothing on the server of what the case made', async () => {
      if (initialized) {
        if (lastApplied !== undefined) tf.write(lastApplied);
        await record();
        await tf.destroy();
      }
      const live: string[] = [];
      for (const m of made.values()) if (await stillLive(server.client, m)) live.push(`${m.address} (${String(m.values.id)})`);
      expect(live).toEqual([]);
      const left = [...(await accountIds(server.client))].filter((id) => !accountsBefore.has(id));
      expect(left).toEqual([]);
      await testCase.destroyed?.(context, [...made.values()]);
    });
  });
}
