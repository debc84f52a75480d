import { z } from 'zod';

/** RFC 7643 User, the subset Warden stores. */
export const SCIM_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCIM_LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SCIM_PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export const ScimUserInput = z.looseObject({
  schemas: z.array(z.string()).refine((s) => s.includes(SCIM_USER_SCHEMA), `must include ${SCIM_USER_SCHEMA}`),
  userName: z.string().min(1).max(254),
  name: z.object({ formatted: z.string().max(256).optional(), givenName: z.string().max(128).optional(), familyName: z.string().max(128).optional() }).optional(),
  displayName: z.string().max(256).optional(),
  emails: z
    .array(z.object({ value: z.string().max(254), primary: z.boolean().optional(), type: z.string().optional() }))
    .max(10)
    .optional(),
  active: z.preprocess((v) => (typeof v === 'string' && /^(true|false)$/i.test(v) ? v.toLowerCase() === 'true' : v), z.boolean()).default(true),
  externalId: z.string().max(256).optional(),
});
export const ScimUser = z.object({
  schemas: z.array(z.string()),
  id: z.string(),
  externalId: z.string().optional(),
  userName: z.string(),
  displayName: z.string().optional(),
  name: z.object({ formatted: z.string().optional() }).optional(),
  emails: z.array(z.object({ value: z.string(), primary: z.boolean().optional() })).optional(),
  active: z.boolean(),
  meta: z.object({ resourceType: z.literal('User'), created: z.string(), lastModified: z.string(), location: z.string(), version: z.string() }),
});
export const ScimPatch = z.strictObject({
  schemas: z.array(z.string()).refine((s) => s.includes(SCIM_PATCH_SCHEMA), `must include ${SCIM_PATCH_SCHEMA}`),
  Operations: z
    .array(
      z.object({
        op: z
          .string()
          .transform((s) => s.toLowerCase())
          .pipe(z.enum(['add', 'replace', 'remove'])),
        path: z.string().max(256).optional(),
        value: z.unknown().optional(),
      }),
    )
    .min(1)
    .max(100),
});
/** Most resources one list answers; a larger `count` is clamped to it (RFC 7644 3.4.2.4). */
export const SCIM_MAX_RESULTS = 500;
/** A whole number in decimal digits, as a query string carries it. */
const scimInt = z.preprocess((v) => (typeof v === 'string' && /^-?[0-9]{1,10}$/.test(v) ? Number(v) : v), z.number({ error: 'must be a whole number' }).int());
/**
 * RFC 7644 3.4.2.4: `startIndex` below 1 means 1, `count` below 0 means 0, and a `count` above the
 * maximum is clamped. `attributes`, `excludedAttributes`, `sortBy` and `sortOrder` are accepted
 * and ignored (the ServiceProviderConfig says sorting is not supported; whole resources are sent).
 */
export const ScimListQuery = z.strictObject({
  filter: z.string().max(512).optional(),
  startIndex: scimInt.default(1).transform((n) => Math.max(1, n)),
  count: scimInt.default(100).transform((n) => Math.min(SCIM_MAX_RESULTS, Math.max(0, n))),
  attributes: z.string().max(1024).optional(),
  excludedAttributes: z.string().max(1024).optional(),
  sortBy: z.string().max(256).optional(),
  sortOrder: z.enum(['ascending', 'descending']).optional(),
});
export type ScimUser = z.infer<typeof ScimUser>;
export type ScimUserInput = z.output<typeof ScimUserInput>;
export type ScimPatch = z.output<typeof ScimPatch>;

/** RFC 7644 3.4.2 list response. */
export const ScimListResponse = z.object({
  schemas: z.array(z.string()),
  totalResults: z.number().int(),
  startIndex: z.number().int(),
  itemsPerPage: z.number().int(),
  Resources: z.array(ScimUser),
});
/** RFC 7644 3.12 error document, with Warden's code in an extension. */
export const ScimErrorDocument = z.looseObject({
  schemas: z.array(z.string()),
  status: z.string().describe('the HTTP status, as a string'),
  scimType: z.string().optional(),
  detail: z.string().optional(),
  'urn:warden:params:scim:api:messages:2.0:Error': z.object({ code: z.string(), request_id: z.string() }).optional(),
});
/** RFC 7643 sections 5-7: ServiceProviderConfig, ResourceType and Schema resources (kept open). */
export const ScimDiscoveryResource = z.looseObject({ schemas: z.array(z.string()) });
export const ScimDiscoveryList = z.looseObject({ schemas: z.array(z.string()), totalResults: z.number().int(), Resources: z.array(ScimDiscoveryResource) });
