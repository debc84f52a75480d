import { z } from 'zod';
import { Description, ResourceName, Timestamp } from './common';

/** Every permission the server knows. A role is a named set of these. */
export const PERMISSIONS = [
  'projects:read',
  'projects:write',
  'roles:read',
  'roles:write',
  'service_accounts:read',
  'service_accounts:write',
  'role_bindings:read',
  'role_bindings:write',
  'tokens:read',
  'tokens:write',
  'users:read',
  'users:write',
  'audit:read',
  'scim',
] as const;
export const Permission = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof Permission>;

export const BUILT_IN_ROLES = ['admin', 'manager', 'editor', 'member'] as const;

export const RoleCreate = z.strictObject({
  name: ResourceName,
  description: Description.default(''),
  permissions: z.array(Permission).min(1).max(PERMISSIONS.length),
});
export const RolePatch = z.strictObject({
  description: Description.optional(),
  permissions: z.array(Permission).min(1).max(PERMISSIONS.length).optional(),
});
export const Role = z.object({
  name: z.string(),
  description: z.string(),
  permissions: z.array(Permission),
  built_in: z.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
  etag: z.string(),
});
export type RoleCreate = z.input<typeof RoleCreate>;
export type RolePatch = z.input<typeof RolePatch>;
export type Role = z.infer<typeof Role>;
