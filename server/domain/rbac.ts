import { PERMISSIONS, type Permission, type TokenScope } from '../../api-client/contract';
import { errors } from '../errors';

const READ: Permission[] = ['projects:read', 'roles:read', 'service_accounts:read', 'role_bindings:read', 'tokens:read', 'users:read'];

/** Built-in roles, least privileged last. Immutable; documented by GET /v1/roles. */
export const BUILT_IN_ROLES: Record<'admin' | 'manager' | 'editor' | 'member', { description: string; permissions: Permission[] }> = {
  admin: { description: 'Everything, including roles, users, SCIM and the audit log.', permissions: [...PERMISSIONS] },
  manager: {
    description: 'Manages projects, service accounts, their role bindings and tokens; reads the audit log.',
    permissions: [...READ, 'projects:write', 'service_accounts:write', 'role_bindings:write', 'tokens:write', 'audit:read'],
  },
  editor: { description: 'Creates and changes service accounts and their tokens; cannot grant roles.', permissions: [...READ, 'service_accounts:write', 'tokens:write'] },
  member: { description: 'Reads everything it is bound to; changes nothing.', permissions: READ },
};

export interface Binding {
  id: string;
  role: string;
  project_id: string | null;
  created_at: string;
  permissions: Permission[];
}

/** Who is calling: a person or a service account, through an API token or a password session. */
export interface Principal {
  user_type: 'user' | 'service' | 'anonymous';
  id: string;
  name: string;
  token_id: string | null;
  token_kind: 'api' | 'session';
  scopes: TokenScope[];
  bindings: Binding[];
}

/** Organization bindings apply everywhere; project bindings only in their project. */
/** Who calls the endpoints that need no credentials (sign-in, leak reports). */
export const ANONYMOUS: Principal = { user_type: 'anonymous', id: 'anonymous', name: 'anonymous', token_id: null, token_kind: 'api', scopes: [], bindings: [] };

export function holds(principal: Principal, permission: Permission, projectId: string | null): boolean {
  return principal.bindings.some((b) => (b.project_id === null || (projectId !== null && b.project_id === projectId)) && b.permissions.includes(permission));
}

export function scopeText(projectId: string | null): string {
  return projectId === null ? 'at organization scope' : `in project "${projectId}"`;
}

export function requirePermission(principal: Principal, permission: Permission, projectId: string | null): void {
  if (!holds(principal, permission, projectId)) throw errors.forbidden(permission, scopeText(projectId));
}

/** Projects in which the principal holds `permission`; `'all'` when it holds it organization-wide. */
export function projectsWith(principal: Principal, permission: Permission): 'all' | Set<string> {
  const ids = new Set<string>();
  for (const b of principal.bindings) {
    if (!b.permissions.includes(permission)) continue;
    if (b.project_id === null) return 'all';
    ids.add(b.project_id);
  }
  return ids;
}
