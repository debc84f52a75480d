// The construct assertions (constructs-suite.ts) on CDK Terrain with cdktn/ and examples/cdktn-gitops,
// then what only cdktn has: the ephemeral token binding and the `targetVersions` checks.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as cdktf from 'cdktf';
import * as cdktn from 'cdktn';
import 'cdktn/lib/testing/adapters/jest';
import type { Construct } from 'constructs';
import * as warden from '../../cdktn';
import * as cdktfWarden from '../../constructs';
import * as gitops from '../../examples/cdktn-gitops/stack';
import { toCdktn } from '../../scripts/constructs-codegen';
import { TOOLS } from '../../scripts/toolchain/tools';
import { describeConstructs, type Flavour } from './constructs-suite';

cdktn.Testing.setupJest();

describeConstructs({
  lib: cdktn as unknown as Flavour['lib'],
  warden: warden as unknown as Flavour['warden'],
  example: { ...(gitops as unknown as Omit<Flavour['example'], 'dir'>), dir: 'examples/cdktn-gitops' },
});

const EXAMPLE = resolve(__dirname, '..', '..', 'examples', 'cdktn-gitops');
const { targetVersions } = JSON.parse(readFileSync(join(EXAMPLE, 'cdktf.json'), 'utf8')) as { targetVersions: Record<string, string> };

/** Synth errors (validations included) of a stack built by `build`, in an app with `context`. */
function synthErrors(context: Record<string, unknown>, build: (stack: cdktn.TerraformStack) => void): string[] {
  const app = cdktn.Testing.app({ context });
  const stack = new cdktn.TerraformStack(app, 'test');
  new warden.WardenProvider(stack, 'warden', {});
  build(stack);
  try {
    app.synth();
    return [];
  } catch (err) {
    return String((err as Error).message).split('\n');
  }
}

const ephemeralToken = (stack: Construct) => new warden.EphemeralWardenToken(stack, 'run', { serviceAccountId: 'sa1', name: 'run-1', scopes: ['api'], expiresInDays: 1 });

describe('warden-iac/cdktn', () => {
  test('exports every name warden-iac/constructs exports, and the ephemeral token and secret bindings', () => {
    expect(Object.keys(warden).sort()).toEqual([...Object.keys(cdktfWarden), 'EphemeralWardenSecret', 'EphemeralWardenToken'].sort());
  });

  test("its MachineIdentity is built on cdktn's classes, not cdktf's", () => {
    const stack = new cdktn.TerraformStack(cdktn.Testing.app(), 'test');
    const identity = new warden.MachineIdentity(stack, 'ci', { name: 'ci' });
    // The bindings' base class and the construct code's own TerraformOutput.
    expect(identity.serviceAccount).toBeInstanceOf(cdktn.TerraformResource);
    expect(identity.serviceAccount).not.toBeInstanceOf(cdktf.TerraformResource);
    expect(identity.tokenOutput).toBeInstanceOf(cdktn.TerraformOutput);
    expect(identity.tokenOutput).not.toBeInstanceOf(cdktf.TerraformOutput);
  });
});

describe('EphemeralWardenToken', () => {
  test('synthesizes an `ephemeral "warden_token"` block with snake_case attributes', () => {
    const app = cdktn.Testing.app({ context: { targetVersions } });
    const stack = new cdktn.TerraformStack(app, 'test');
    new warden.WardenProvider(stack, 'warden', {});
    ephemeralToken(stack);
    const doc = JSON.parse(cdktn.Testing.synth(stack, true)) as { ephemeral: Record<string, Record<string, unknown>> };
    expect(doc.ephemeral.warden_token).toEqual({ run: { service_account_id: 'sa1', name: 'run-1', scopes: ['api'], expires_in_days: 1 } });
  });
});

describe('EphemeralWardenSecret', () => {
  test("feeds a Token's write-only secretWo, with secretWoVersion, and synthesizes no secret", () => {
    const app = cdktn.Testing.app({ context: { targetVersions } });
    const stack = new cdktn.TerraformStack(app, 'test');
    new warden.WardenProvider(stack, 'warden', {});
    const secret = new warden.EphemeralWardenSecret(stack, 'ci', {});
    new warden.Token(stack, 'token', { serviceAccountId: 'sa1', name: 'ci', secretWo: secret.secret, secretWoVersion: 1 });
    const doc = JSON.parse(cdktn.Testing.synth(stack, true)) as {
      ephemeral: Record<string, Record<string, unknown>>;
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(doc.ephemeral.warden_secret).toEqual({ ci: {} });
    expect(doc.resource.warden_token!.token).toMatchObject({ secret_wo: '${ephemeral.warden_secret.ci.secret}', secret_wo_version: 1 });
  });
});

describe('targetVersions in examples/cdktn-gitops/cdktf.json', () => {
  test('are the engines Warden supports and its suites accept', () => {
    // The floors the toolchain accepts: a machine's terraform from TOOLS.terraform.minimum, a tofu on
    // PATH from TOOLS.tofu.preferSystemFrom (the suites run Terraform 1.11.4 and OpenTofu 1.12.6).
    expect(targetVersions).toEqual({ terraform: `>=${TOOLS.terraform.minimum}`, opentofu: `>=${TOOLS.tofu.preferSystemFrom}` });
  });

  test('admit the ephemeral token (Terraform 1.10+, OpenTofu 1.11+), which cdktn refuses under its default targets', () => {
    expect(synthErrors({ targetVersions }, ephemeralToken)).toEqual([]);
    const refused = synthErrors({}, ephemeralToken).join('\n');
    expect(refused).toContain('ephemeral resources requires terraform >=1.10.0, but the project targets terraform >=1.5.7');
    expect(refused).toContain('ephemeral resources requires opentofu >=1.11.0, but the project targets opentofu >=1.6.0');
  });

  test('refuse a provider feature newer than Warden supports: resource identity (Terraform and OpenTofu 1.12+)', () => {
    // Warden's provider serves no resource identity schemas; a binding generated for a provider
    // that did would register the feature like this.
    class IdentityServiceAccount extends warden.ServiceAccount {
      constructor(scope: Construct, id: string) {
        super(scope, id, { name: 'with-identity' });
        this.registerProviderFeatureUsage(cdktn.ProviderFeature.RESOURCE_IDENTITY);
      }
    }
    const errors = synthErrors({ targetVersions }, (stack) => new IdentityServiceAccount(stack, 'sa')).join('\n');
    expect(errors).toContain(`resource identity requires terraform >=1.12.0, but the project targets terraform ${targetVersions.terraform}`);
    expect(errors).toContain(`resource identity requires opentofu >=1.12.0, but the project targets opentofu ${targetVersions.opentofu}`);
  });
});

describe('examples/cdktn-gitops', () => {
  test("mirrors examples/cdktf-gitops: the same stack and app, on cdktn and Warden's cdktn build", () => {
    const cdktfExample = resolve(EXAMPLE, '..', 'cdktf-gitops');
    for (const file of ['stack.ts', 'main.ts']) {
      const mirrored = toCdktn(readFileSync(join(cdktfExample, file), 'utf8'))
        .replace("'../../constructs'", "'../../cdktn'")
        .replace("'warden-iac/constructs'", "'warden-iac/cdktn'");
      expect({ file, code: readFileSync(join(EXAMPLE, file), 'utf8') }).toEqual({ file, code: mirrored });
    }
  });

  test('its workflow runs the cdktn CLI on a Node it supports, with a Terraform inside targetVersions', () => {
    const workflow = readFileSync(join(EXAMPLE, '.github', 'workflows', 'warden.yml'), 'utf8');
    const { engines } = JSON.parse(readFileSync(require.resolve('cdktn-cli/package.json'), 'utf8')) as { engines: { node: string } };
    // setup-node resolves a bare major to its newest release, which satisfies cdktn-cli's minimum of that major.
    expect(Number(/node-version: (\d+)\b/.exec(workflow)?.[1])).toBeGreaterThanOrEqual(Number(/^>=(\d+)\./.exec(engines.node)?.[1]));
    const terraform = /terraform_version: (\d+\.\d+\.\d+)/.exec(workflow)![1]!;
    const floor = /^>=(\d+\.\d+\.\d+)$/.exec(targetVersions.terraform!)![1]!;
    // Numeric collation compares each dotted part as a number: 1.11.4 > 1.9.0.
    expect({ terraform, floor, atLeast: terraform.localeCompare(floor, 'en', { numeric: true }) >= 0 }).toEqual({ terraform, floor, atLeast: true });
    expect(workflow).toContain('run: npx cdktn synth');
    expect(workflow).not.toMatch(/\bcdktf (synth|deploy|diff)\b/);
  });
});
