import { z } from 'zod';
import { Description, Id, ResourceName, TeamName, Timestamp } from './common';
import { AllowedCidrs } from './network';

export const ServiceAccountCreate = z.strictObject({
  name: ResourceName,
  display_name: z.string().min(1).max(256).optional().describe('defaults to name'),
  description: Description.default(''),
  project_id: Id.nullable().default(null).describe('absent or null: organization scope; fixed after creation'),
  disabled: z.boolean().default(false),
  expires_at: Timestamp.nullable().default(null).describe('lifetime of the account; null: none'),
  teams: z.array(TeamName).max(100).default([]).describe('team names; "public" is always included'),
  allowed_cidrs: AllowedCidrs.default([]).describe('networks the account\'s tokens may be used from; empty: anywhere. A token\'s own allowed_cidrs narrow this further'),
});
export const ServiceAccountPatch = z.strictObject({
  name: ResourceName.optional(),
  display_name: z.string().min(1).max(256).optional(),
  description: Description.optional(),
  disabled: z.boolean().optional(),
  expires_at: Timestamp.nullable().optional(),
  teams: z.array(TeamName).max(100).optional(),
  allowed_cidrs: AllowedCidrs.optional(),
});
export const ServiceAccount = z.object({
  id: Id,
  uid: z.string(),
  name: z.string(),
  display_name: z.string(),
  description: z.string(),
  user_name: z.string().describe('<name>@service'),
  user_type: z.literal('service'),
  project_id: Id.nullable(),
  disabled: z.boolean(),
  expires_at: Timestamp.nullable(),
  teams: z.array(z.string()),
  allowed_cidrs: z.array(z.string()),
  created_at: Timestamp,
  updated_at: Timestamp,
  etag: z.string(),
});
export const ServiceAccountListQuery = z.strictObject({
  project_id: Id.optional(),
  name: ResourceName.optional(),
});
export type ServiceAccountCreate = z.input<typeof ServiceAccountCreate>;
export type ServiceAccountPatch = z.input<typeof ServiceAccountPatch>;
export type ServiceAccount = z.infer<typeof ServiceAccount>;
