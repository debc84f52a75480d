/** Warden for Pulumi: dynamic resources derived from the same definitions as the Terraform provider. */
export * from './generated';
/** A fresh secret in the token format, for `Token.secretWo` (the generator the server uses). */
export { generateSecret } from '../../api-client/token-format';
