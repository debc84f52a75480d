import * as pulumi from '@pulumi/pulumi';
import { propsOf } from './names';
import { federatedCredentialProvider } from './providers';

export interface FederatedCredentialArgs {
  /** Id of the service account the exchanged tokens belong to. */
  serviceAccountId: pulumi.Input<string>;
  /** Unique per service account. */
  name: pulumi.Input<string>;
  /** OpenID Connect issuer URL, exactly as the tokens' "iss" says. */
  issuer: pulumi.Input<string>;
  /** The "aud" the tokens must carry. */
  audience: pulumi.Input<string>;
  /** The "sub" the tokens must carry: exact, or a pattern with "*". */
  subject: pulumi.Input<string>;
  /** Further claims the tokens must carry (GitHub: repository, ref, environment). */
  claims?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Lifetime of the exchanged tokens in seconds (default 3600). */
  maxTokenLifetimeSeconds?: pulumi.Input<number>;
  /** Take over the live credential with this name instead of failing. */
  adopt?: boolean;
}

/** Trusts an external OIDC issuer's tokens for a service account (keyless CI); every change replaces it. */
export class FederatedCredential extends pulumi.dynamic.Resource {
  declare readonly serviceAccountId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly issuer: pulumi.Output<string>;
  declare readonly audience: pulumi.Output<string>;
  declare readonly subject: pulumi.Output<string>;
  declare readonly claims: pulumi.Output<Record<string, string>>;
  declare readonly maxTokenLifetimeSeconds: pulumi.Output<number>;
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: FederatedCredentialArgs, opts?: pulumi.CustomResourceOptions) {
    super(federatedCredentialProvider, name, propsOf('warden_federated_credential', args), opts, 'warden', 'FederatedCredential');
  }

  static get(name: string, id: pulumi.Input<pulumi.ID>, state?: Partial<FederatedCredentialArgs>, opts?: pulumi.CustomResourceOptions): FederatedCredential {
    return new FederatedCredential(name, (state ?? {}) as FederatedCredentialArgs, { ...opts, id });
  }
}
