import * as pulumi from '@pulumi/pulumi';
import { propsOf } from './names';
import { roleBindingProvider } from './providers';

export interface RoleBindingArgs {
  /** Id of the service account that receives the role. */
  serviceAccountId: pulumi.Input<string>;
  /** A built-in role (admin, manager, editor, member) or a custom role. */
  role: pulumi.Input<string>;
  /** Project the role applies to; unset means the whole organization. */
  projectId?: pulumi.Input<string>;
  /** Take over the identical live binding instead of creating one. */
  adopt?: boolean;
}

/** Grants a role to a service account; every change replaces the binding. */
export class RoleBinding extends pulumi.dynamic.Resource {
  declare readonly serviceAccountId: pulumi.Output<string>;
  declare readonly role: pulumi.Output<string>;
  declare readonly projectId: pulumi.Output<string | null>;
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: RoleBindingArgs, opts?: pulumi.CustomResourceOptions) {
    super(roleBindingProvider, name, propsOf('warden_role_binding', args), opts, 'warden', 'RoleBinding');
  }

  static get(name: string, id: pulumi.Input<pulumi.ID>, state?: Partial<RoleBindingArgs>, opts?: pulumi.CustomResourceOptions): RoleBinding {
    return new RoleBinding(name, (state ?? {}) as RoleBindingArgs, { ...opts, id });
  }
}
