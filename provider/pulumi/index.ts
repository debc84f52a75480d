/** Warden for Pulumi: dynamic resources derived from the same definitions as the Terraform provider. */
export { ServiceAccount, type ServiceAccountArgs } from './service-account';
export { RoleBinding, type RoleBindingArgs } from './role-binding';
export { Token, type TokenArgs } from './token';
export { FederatedCredential, type FederatedCredentialArgs } from './federated-credential';
/** A fresh secret in the token format, for `Token.secretWo` (the generator the server uses). */
export { generateSecret } from '../../api-client/token-format';
