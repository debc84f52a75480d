import { SCIM_LIST_SCHEMA, SCIM_MAX_RESULTS, SCIM_USER_SCHEMA } from '../../api-client/contract';

/**
 * RFC 7643 discovery documents (sections 5-7), which Entra and Okta read before provisioning.
 * They say what this server does: PATCH and ETags yes, bulk, sorting and password changes no.
 */
const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

const meta = (base: string, resourceType: string, path: string) => ({ resourceType, location: `${base}/scim/v2/${path}` });

export function serviceProviderConfig(base: string) {
  return {
    schemas: [SPC_SCHEMA],
    documentationUri: 'https://github.com/warden/warden/blob/main/docs/server.md',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: SCIM_MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'A Warden token with scopes ["scim"] whose owner holds the "scim" permission at organization scope.',
        primary: true,
      },
    ],
    meta: meta(base, 'ServiceProviderConfig', 'ServiceProviderConfig'),
  };
}

const attribute = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  name,
  type,
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...extra,
});

/** The attributes Warden keeps; others an identity provider sends are accepted and ignored. */
export function userSchema(base: string) {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: SCIM_USER_SCHEMA,
    name: 'User',
    description: 'A person. Warden keeps userName (the email address people sign in with), a display name, active and externalId.',
    attributes: [
      attribute('userName', 'string', { required: true, uniqueness: 'server' }),
      attribute('displayName', 'string'),
      attribute('name', 'complex', {
        subAttributes: [
          attribute('formatted', 'string'),
          attribute('givenName', 'string', { mutability: 'writeOnly', returned: 'never' }),
          attribute('familyName', 'string', { mutability: 'writeOnly', returned: 'never' }),
        ],
      }),
      attribute('emails', 'complex', {
        multiValued: true,
        mutability: 'readOnly',
        subAttributes: [attribute('value', 'string', { mutability: 'readOnly' }), attribute('primary', 'boolean', { mutability: 'readOnly' })],
      }),
      attribute('active', 'boolean'),
      attribute('externalId', 'string', { caseExact: true }),
    ],
    meta: meta(base, 'Schema', `Schemas/${SCIM_USER_SCHEMA}`),
  };
}

export function userResourceType(base: string) {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'People',
    schema: SCIM_USER_SCHEMA,
    schemaExtensions: [],
    meta: meta(base, 'ResourceType', 'ResourceTypes/User'),
  };
}

export const listOf = (resources: object[]) => ({
  schemas: [SCIM_LIST_SCHEMA],
  totalResults: resources.length,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources,
});
