import { z } from 'zod';
import { Description, Id, ResourceName, TeamName, Timestamp } from './common';
import { ALLOWED_CIDRS, DESCRIPTION, DISPLAY_NAME, NAME, TEAMS } from './limits';
import { AllowedCidrs, REFUSED_ELSEWHERE } from './network';

/** The fields of a service account, each described once (the resource definitions take these texts too). */
export const ServiceAccountName = ResourceName.describe(`Unique name of the service account in its scope (the organization, or its project): ${NAME.rule}.`);
export const DisplayName = z.string().min(DISPLAY_NAME.minLength).max(DISPLAY_NAME.maxLength).describe('Name shown in the console; the server uses `name` when it is not given.');
export const ServiceAccountDescription = Description.describe(`What the account is for (at most ${DESCRIPTION.maxLength} characters).`);
export const Teams = z.array(TeamName).max(TEAMS.maxItems).describe(`Teams the account belongs to (at most ${TEAMS.maxItems}). The server always adds "${TEAMS.always}".`);
export const ServiceAccountProjectId = Id.describe('Project the account belongs to; absent or null means organization scope. Fixed after creation.');
export const ServiceAccountDisabled = z.boolean().describe('A disabled account cannot authenticate; its tokens are kept.');
export const ServiceAccountExpiresAt = Timestamp.describe('RFC 3339 time (UTC) after which the account cannot authenticate; absent or null means never.');
export const ServiceAccountAllowedCidrs = AllowedCidrs.describe(
  `Networks (CIDR blocks, at most ${ALLOWED_CIDRS.maxItems}) the account's tokens may be used from; empty means anywhere. A token's own allowed_cidrs narrow this further. ${REFUSED_ELSEWHERE}`,
);

export const ServiceAccountCreate = z.strictObject({
  name: ServiceAccountName,
  display_name: DisplayName.optional(),
  description: ServiceAccountDescription.default(''),
  project_id: ServiceAccountProjectId.nullable().default(null),
  disabled: ServiceAccountDisabled.default(false),
  expires_at: ServiceAccountExpiresAt.nullable().default(null),
  teams: Teams.default([]),
  allowed_cidrs: ServiceAccountAllowedCidrs.default([]),
});
export const ServiceAccountPatch = z.strictObject({
  name: ServiceAccountName.optional(),
  display_name: DisplayName.optional(),
  description: ServiceAccountDescription.optional(),
  disabled: ServiceAccountDisabled.optional(),
  expires_at: ServiceAccountExpiresAt.nullable().optional(),
  teams: Teams.optional(),
  allowed_cidrs: ServiceAccountAllowedCidrs.optional(),
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
