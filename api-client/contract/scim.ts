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
  emails: z.array(z.object({ value: z.string().max(254), primary: z.boolean().optional(), type: z.string().optional() })).max(10).optional(),
  active: z.boolean().default(true),
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
    .array(z.object({ op: z.string().transform((s) => s.toLowerCase()).pipe(z.enum(['add', 'replace', 'remove'])), path: z.string().max(256).optional(), value: z.unknown().optional() }))
    .min(1)
    .max(100),
});
export const ScimListQuery = z.strictObject({
  filter: z.string().max(512).optional(),
  startIndex: z.coerce.number().int().min(1).default(1),
  count: z.coerce.number().int().min(0).max(500).default(100),
});
export type ScimUser = z.infer<typeof ScimUser>;
export type ScimUserInput = z.input<typeof ScimUserInput>;
export type ScimPatch = z.input<typeof ScimPatch>;
