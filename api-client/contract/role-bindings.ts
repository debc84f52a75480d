import { z } from 'zod';
import { Id, ResourceName, Timestamp } from './common';

export const RoleBindingCreate = z.strictObject({
  service_account_id: Id,
  role: ResourceName,
  project_id: Id.nullable().default(null).describe('absent or null: organization scope'),
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
