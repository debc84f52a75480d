// A machine identity: one service account, its role bindings and a rotating CI token,
// with the token exposed only as a sensitive output.
import { TerraformOutput, Token as CdktfToken, type TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { TOKEN_SCOPES } from '../api-client/contract/limits';
import { RoleBinding } from './generated/role-binding';
import { ServiceAccount } from './generated/service-account';
import { Token } from './generated/token';
import { checkProps } from './validate';

export interface MachineIdentityRole {
  /** A built-in (`admin`, `manager`, `editor`, `member`) or custom role name. */
  readonly role: string;
  /** Bind at this project's scope; omit for organization scope. */
  readonly projectId?: string;
}

export interface MachineIdentityTokenConfig {
  /** Token name, unique per service account. Default: `ci`. */
  readonly name?: string;
  /** Default: `['api']`. */
  readonly scopes?: string[];
  /** Lifetime in days from creation and from each rotation, within the limits of warden_token's expires_in_days. Default: 90. */
  readonly expiresInDays?: number;
  /** A plan run this many days before expiry rotates the secret (1 to less than `expiresInDays`). Default: 14, or less for short lifetimes (none when `expiresInDays` is a reference). */
  readonly rotateBeforeDays?: number;
  /** After a rotation the previous secret stays valid this long (at most the API's MAX_OVERLAP_SECONDS). Default: 3600. */
  readonly overlapSeconds?: number;
  /** Changing any value rotates the secret. */
  readonly rotationTriggers?: Record<string, string>;
  /** Networks (CIDR blocks) the token may be used from, within the account's. Default: wherever the account allows. */
  readonly allowedCidrs?: string[];
  /** The token stops working after this many days unused (the limits of warden_token's max_unused_days). Default: no limit. */
  readonly maxUnusedDays?: number;
}

export interface MachineIdentityConfig {
  /** Service account name; the rules of warden_service_account's name apply. */
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly teams?: string[];
  /** The service account's own project; omit for organization scope. */
  readonly projectId?: string;
  readonly roles?: MachineIdentityRole[];
  /** Networks (CIDR blocks) the account's tokens may be used from. Default: anywhere. */
  readonly allowedCidrs?: string[];
  /** The token for CI; `false` for none. Default: a token named `ci` with the defaults above. */
  readonly token?: MachineIdentityTokenConfig | false;
  /** Name of the sensitive output holding the secret (a hint output gets `_hint` appended). Default: `<id>_token`. */
  readonly tokenOutputName?: string;
  readonly provider?: TerraformProvider;
}

/** The construct's own default lifetime, always sent: the rotation window must be shorter than a known lifetime. */
const DEFAULT_DAYS = 90;

/** A number given in the code, not a reference or variable (which cdktf encodes as a special number). */
const known = (n: number | undefined): n is number => typeof n === 'number' && !CdktfToken.isUnresolved(n);

/** The token's settings with defaults applied, as the `warden_token` resource receives them. */
function tokenSettings(token: MachineIdentityTokenConfig) {
  const expiresInDays = token.expiresInDays ?? DEFAULT_DAYS;
  // A window must be shorter than the lifetime, or every plan would rotate.
  const defaultWindow = known(expiresInDays) && expiresInDays > 1 ? Math.min(14, expiresInDays - 1) : undefined;
  return {
    name: token.name ?? 'ci',
    scopes: token.scopes ?? [...TOKEN_SCOPES.default],
    expiresInDays,
    rotateBeforeDays: token.rotateBeforeDays ?? defaultWindow,
    overlapSeconds: token.overlapSeconds ?? 3600,
    rotationTriggers: token.rotationTriggers,
    allowedCidrs: token.allowedCidrs,
    maxUnusedDays: token.maxUnusedDays,
  };
}

/**
 * Every problem with the props, each naming the prop. The attribute rules are the provider's own
 * (provider/resources), so synth rejects what the provider would reject, before any plan.
 */
export function validateMachineIdentityConfig(config: MachineIdentityConfig): string[] {
  const errors = checkProps('warden_service_account', '', {
    name: config.name,
    display_name: config.displayName,
    description: config.description,
    teams: config.teams,
    project_id: config.projectId,
    allowed_cidrs: config.allowedCidrs,
  });
  const seen = new Set<string>();
  (config.roles ?? []).forEach((binding, i) => {
    errors.push(...checkProps('warden_role_binding', `roles[${i}].`, { role: binding.role, project_id: binding.projectId }, ['service_account_id']));
    // Two resources for one binding would share it on the server, and destroying one would remove both.
    const key = `${binding.role}@${binding.projectId ?? ''}`;
    if (seen.has(key)) errors.push(`roles[${i}]: repeats role "${binding.role}" at the same scope; remove the duplicate`);
    seen.add(key);
  });
  if (config.token) {
    const t = tokenSettings(config.token);
    errors.push(
      ...checkProps(
        'warden_token',
        'token.',
        {
          name: t.name,
          scopes: t.scopes,
          expires_in_days: t.expiresInDays,
          rotate_before_days: t.rotateBeforeDays,
          overlap_seconds: t.overlapSeconds,
          rotation_triggers: t.rotationTriggers,
          allowed_cidrs: t.allowedCidrs,
          max_unused_days: t.maxUnusedDays,
        },
        ['service_account_id'],
      ),
    );
    if (known(t.rotateBeforeDays) && known(t.expiresInDays) && t.rotateBeforeDays >= t.expiresInDays) {
      errors.push(`token.rotateBeforeDays: ${t.rotateBeforeDays} must be less than token.expiresInDays (${t.expiresInDays}), or every plan would rotate the secret`);
    }
  }
  return errors;
}

export class MachineIdentity extends Construct {
  readonly serviceAccount: ServiceAccount;
  readonly roleBindings: RoleBinding[];
  readonly token?: Token;
  /** Sensitive: the token's secret. */
  readonly tokenOutput?: TerraformOutput;
  /** The first characters of the secret, safe to show. */
  readonly tokenHintOutput?: TerraformOutput;

  constructor(scope: Construct, id: string, config: MachineIdentityConfig) {
    super(scope, id);
    // Checked at synth time, once every value of the stack is set; all problems are reported together.
    this.node.addValidation({ validate: () => validateMachineIdentityConfig(config).map((e) => `MachineIdentity: ${e}`) });
    const provider = config.provider;
    this.serviceAccount = new ServiceAccount(this, 'service_account', {
      name: config.name,
      displayName: config.displayName,
      description: config.description,
      teams: config.teams,
      projectId: config.projectId,
      allowedCidrs: config.allowedCidrs,
      provider,
    });
    this.roleBindings = (config.roles ?? []).map(
      (binding, i) =>
        new RoleBinding(this, `role_binding_${i}`, {
          serviceAccountId: this.serviceAccount.id,
          role: binding.role,
          projectId: binding.projectId,
          provider,
        }),
    );
    if (config.token === false) return;
    this.token = new Token(this, 'token', { serviceAccountId: this.serviceAccount.id, ...tokenSettings(config.token ?? {}), provider });
    // The generator drops `sensitive` from the schema: the output is marked sensitive here
    // (Terraform would also refuse an unmarked output of a sensitive attribute at plan time).
    const outputName = config.tokenOutputName ?? `${id}_token`;
    this.tokenOutput = new TerraformOutput(this, 'token_output', {
      value: this.token.token,
      sensitive: true,
      description: `Secret of the ${config.name} token (sensitive)`,
    });
    this.tokenOutput.overrideLogicalId(outputName);
    this.tokenHintOutput = new TerraformOutput(this, 'token_hint_output', {
      value: this.token.tokenHint,
      description: `First characters of the ${config.name} token, safe to show`,
    });
    this.tokenHintOutput.overrideLogicalId(`${outputName}_hint`);
  }
}
