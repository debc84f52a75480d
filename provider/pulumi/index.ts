/** Warden for Pulumi: dynamic resources derived from the same definitions as the Terraform provider. */
export { ServiceAccount, type ServiceAccountArgs } from './service-account';
export { RoleBinding, type RoleBindingArgs } from './role-binding';
export { Token, type TokenArgs } from './token';
export { FederatedCredential, type FederatedCredentialArgs } from './federated-credential';
