// Warden's constructs: the generated bindings under natural names, and higher-level constructs.
// Written for cdktf; `npm run gen:constructs` derives cdktn/ (CDK Terrain) from this directory.
export { WardenProvider, type WardenProviderConfig } from './generated/provider';
export { ServiceAccount, type ServiceAccountConfig } from './generated/service-account';
export { RoleBinding, type RoleBindingConfig } from './generated/role-binding';
export { Token, type TokenConfig } from './generated/token';
export { FederatedCredential, type FederatedCredentialConfig } from './generated/federated-credential';
export { DataWardenServiceAccount, type DataWardenServiceAccountConfig } from './generated/data-warden-service-account';
export { DataWardenRole, type DataWardenRoleConfig } from './generated/data-warden-role';
export * from './machine-identity';
