import type * as pulumi from '@pulumi/pulumi';

type Host = typeof import('./host');

/**
 * One provider per resource type, serialized by Pulumi into the stack's state and run in its
 * dynamic-provider host. Each method captures only `typeName` and loads the implementation by
 * its package subpath when it runs: serialized code has no file to resolve a relative path
 * against, and anything captured (credentials, clients, zod schemas) would be written to state.
 */
function dynamicProvider(typeName: string): pulumi.dynamic.ResourceProvider {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved in the host, by package name
  const host = (): Host => require('warden-iac/pulumi/host') as Host;
  return {
    async configure(req) {
      host().configure(req.config);
    },
    check: (_olds, news) => host().check(typeName, news),
    diff: (id, olds, news) => host().diff(typeName, id, olds, news),
    create: (inputs) => host().create(typeName, inputs),
    read: (id, props) => host().read(typeName, id, props),
    update: (id, olds, news) => host().update(typeName, id, olds, news),
    delete: (id, props) => host().remove(typeName, id, props),
  };
}

export const serviceAccountProvider = dynamicProvider('warden_service_account');
export const roleBindingProvider = dynamicProvider('warden_role_binding');
export const tokenProvider = dynamicProvider('warden_token');
export const federatedCredentialProvider = dynamicProvider('warden_federated_credential');
