import * as pulumi from '@pulumi/pulumi';
import { propsOf } from './names';
import { serviceAccountProvider } from './providers';

export interface ServiceAccountArgs {
  /** Unique name: 1-63 characters of a-z, 0-9, "-" or "_", starting with a letter. */
  name: pulumi.Input<string>;
  /** Name shown in the console; the server uses `name` when unset. */
  displayName?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /** Project the account belongs to; unset means organization scope. Changing it replaces the account. */
  projectId?: pulumi.Input<string>;
  /** A disabled account cannot authenticate; its tokens are kept. */
  disabled?: pulumi.Input<boolean>;
  /** RFC 3339 time (UTC) after which the account cannot authenticate. */
  expiresAt?: pulumi.Input<string>;
  teams?: pulumi.Input<pulumi.Input<string>[]>;
  /** Networks (CIDR blocks) the account's tokens may be used from; empty: anywhere. */
  allowedCidrs?: pulumi.Input<pulumi.Input<string>[]>;
  /** Take over the live account with this name (and project) instead of creating one: the migration path into a stack. */
  adopt?: boolean;
}

/** A Warden service account: a non-human identity that authenticates with tokens only. */
export class ServiceAccount extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly displayName: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string>;
  declare readonly projectId: pulumi.Output<string | null>;
  declare readonly disabled: pulumi.Output<boolean>;
  declare readonly expiresAt: pulumi.Output<string | null>;
  declare readonly teams: pulumi.Output<string[]>;
  declare readonly allowedCidrs: pulumi.Output<string[]>;
  /** Stable unique id, safe to use in other systems. */
  declare readonly uid: pulumi.Output<string>;
  /** "<name>@service". */
  declare readonly userName: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: ServiceAccountArgs, opts?: pulumi.CustomResourceOptions) {
    super(serviceAccountProvider, name, propsOf('warden_service_account', args), opts, 'warden', 'ServiceAccount');
  }

  /** An existing account of this stack's state (or by id, read from the server). */
  static get(name: string, id: pulumi.Input<pulumi.ID>, state?: Partial<ServiceAccountArgs>, opts?: pulumi.CustomResourceOptions): ServiceAccount {
    return new ServiceAccount(name, (state ?? {}) as ServiceAccountArgs, { ...opts, id });
  }
}
