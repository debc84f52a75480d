import { roleData, serviceAccountData } from './data-sources';
import { ephemeralSecret } from './ephemeral-secret';
import { ephemeralToken } from './ephemeral-token';
import { federatedCredential } from './federated-credential';
import { roleBinding } from './role-binding';
import type { DataSourceDefinition, EphemeralDefinition, ResourceDefinition } from './schema';
import { serviceAccount } from './service-account';
import { token } from './token';

export * from './schema';
export * from './problem';
export { camel, camelPath, checkConfig, complete, isKnown, sameValue, withDefaults } from './values';
export { changedAttributes, planChange, withoutWriteOnly, writeOnlySet, type Plan } from './plan';
export { adoptExisting } from './adopt';
export { endpointProblem, exchangeOidcToken, providerConfig, resolveProviderConfig, serverClock, verifyConnection, type ProviderSettings } from './provider-config';

/** Every resource Warden manages, once; Terraform, Pulumi and CDKTF faces derive from these. */
export const resources: readonly ResourceDefinition[] = [serviceAccount, roleBinding, token, federatedCredential];
export const dataSources: readonly DataSourceDefinition[] = [serviceAccountData, roleData];
export const ephemeralResources: readonly EphemeralDefinition[] = [ephemeralToken, ephemeralSecret];
