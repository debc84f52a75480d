import { z } from 'zod';
import { Id, ResourceName, Timestamp } from './common';
import { BUILT_IN_ROLES } from './roles';

/** The fields of a role binding, each described once (the resource definition takes these texts too). */
export const BoundServiceAccountId = Id.describe('Id of the service account that receives the role.');
export const BoundRole = ResourceName.describe(`Name of a built-in role (${BUILT_IN_ROLES.join(', ')}) or of a custom role.`);
export const BindingProjectId = Id.describe('Project the role applies to; absent or null means the whole organization.');

export const RoleBindingCreate = z.strictObject({
  service_account_id: BoundServiceAccountId,
  role: BoundRole,
  project_id: BindingProjectId.nullable().default(null),
});
export const RoleBinding = z.object({
  id: Id,
  service_account_id: Id,
  role: z.string(),
  project_id: Id.nullable(),
  created_at: Timestamp,
});
export const RoleBindingListQuery = z.strictObject({
  service_account_id: Id.optional(),
  project_id: Id.optional(),
});
export type RoleBindingCreate = z.input<typeof RoleBindingCreate>;
export type RoleBinding = z.infer<typeof RoleBinding>;
