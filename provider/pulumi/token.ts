import * as pulumi from '@pulumi/pulumi';
import { propsOf } from './names';
import { tokenProvider } from './providers';

export interface TokenArgs {
  /** Id of the service account the token belongs to. */
  serviceAccountId: pulumi.Input<string>;
  /** Unique among the live tokens of its service account. */
  name: pulumi.Input<string>;
  /** "api" and/or "scim"; default ["api"]. */
  scopes?: pulumi.Input<pulumi.Input<string>[]>;
  /** Lifetime in days from creation and from each rotation. Conflicts with expiresAt. */
  expiresInDays?: pulumi.Input<number>;
  /** Fixed expiry (RFC 3339, UTC). */
  expiresAt?: pulumi.Input<string>;
  /** Sliding expiry, capped at maxAgeDays after creation. */
  extended?: pulumi.Input<boolean>;
  maxAgeDays?: pulumi.Input<number>;
  /** Networks (CIDR blocks) the token may be used from, within the account's allowedCidrs; changes in place. */
  allowedCidrs?: pulumi.Input<pulumi.Input<string>[]>;
  /** The token stops working after this many days without use (then it is replaced); changes in place. */
  maxUnusedDays?: pulumi.Input<number>;
  /** Arbitrary keepers: changing any value rotates the secret in place. */
  rotationTriggers?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Rotate when an update runs within this many days of expiry. Needs expiresInDays. */
  rotateBeforeDays?: pulumi.Input<number>;
  /** On rotation the previous secret keeps working this many seconds (at most 7 days). */
  overlapSeconds?: pulumi.Input<number>;
  /**
   * A secret you generated in the token format (`generateSecret()` from warden-iac/pulumi),
   * issued instead of a server-generated one; `token` is then null. Pulumi has no write-only
   * inputs: it is kept in the stack's state as an encrypted secret input, never as an output.
   * Used at creation and whenever secretWoVersion changes.
   */
  secretWo?: pulumi.Input<string>;
  /** Required with secretWo: changing it rotates the token to the current secretWo, with the overlap. */
  secretWoVersion?: pulumi.Input<number>;
  /** Take over the live token with this name on its service account; its secret is regenerated. */
  adopt?: boolean;
}

/** An API token of a service account; `token` is a secret output, known to the run that created or rotated it. */
export class Token extends pulumi.dynamic.Resource {
  declare readonly serviceAccountId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly scopes: pulumi.Output<string[]>;
  declare readonly expiresInDays: pulumi.Output<number | null>;
  declare readonly expiresAt: pulumi.Output<string | null>;
  declare readonly extended: pulumi.Output<boolean>;
  declare readonly maxAgeDays: pulumi.Output<number | null>;
  declare readonly allowedCidrs: pulumi.Output<string[]>;
  declare readonly maxUnusedDays: pulumi.Output<number | null>;
  /** With maxUnusedDays: when the token stops working unless used before, as last read. */
  declare readonly unusedExpiresAt: pulumi.Output<string | null>;
  declare readonly rotationTriggers: pulumi.Output<Record<string, string> | null>;
  declare readonly rotateBeforeDays: pulumi.Output<number | null>;
  declare readonly overlapSeconds: pulumi.Output<number>;
  declare readonly secretWoVersion: pulumi.Output<number | null>;
  /** The secret (a Pulumi secret); null when secretWo supplied it. */
  declare readonly token: pulumi.Output<string>;
  /** First characters of the secret, safe to show. */
  declare readonly tokenHint: pulumi.Output<string>;
  /** active, disabled, expired, revoked or owner_inactive, as last read. */
  declare readonly status: pulumi.Output<string>;
  declare readonly lastUsedAt: pulumi.Output<string | null>;

  constructor(name: string, args: TokenArgs, opts?: pulumi.CustomResourceOptions) {
    // The secret input is encrypted in state even when the program passes it as a plain string.
    const inputs = args.secretWo === undefined ? args : { ...args, secretWo: pulumi.secret(args.secretWo) };
    super(tokenProvider, name, propsOf('warden_token', inputs), pulumi.mergeOptions(opts, { additionalSecretOutputs: ['token'] }), 'warden', 'Token');
  }

  /** `id` is "<serviceAccountId>/<tokenId>" when no state is given; the secret cannot be read back. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, state?: Partial<TokenArgs>, opts?: pulumi.CustomResourceOptions): Token {
    return new Token(name, (state ?? {}) as TokenArgs, { ...opts, id });
  }
}
