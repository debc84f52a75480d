import { BindingProjectId, BoundRole, BoundServiceAccountId, type RoleBinding } from '../../api-client/contract';
import { isWardenError } from '../../api-client/errors';
import { createOrAdopt } from './adopt';
import { deleteIfPresent, readOrGone } from './gone';
import { type ResourceDefinition, apiField, computed, optional, required } from './schema';
import { str } from './values';

function toState(b: RoleBinding) {
  return { service_account_id: b.service_account_id, role: b.role, project_id: b.project_id, id: b.id, created_at: b.created_at };
}

export const roleBinding: ResourceDefinition = {
  typeName: 'warden_role_binding',
  description: 'Grants a role to a service account, in the whole organization or in one project. A caller can grant only permissions it holds itself.',
  attributes: {
    service_account_id: required.string(apiField(BoundServiceAccountId), { replace: true }),
    role: required.string(apiField(BoundRole), { replace: true }),
    project_id: optional.string(apiField(BindingProjectId), { replace: true }),
    id: computed.string('Server-assigned id.'),
    created_at: computed.string('Creation time (RFC 3339).'),
  },
  importId: 'the role binding id',

  async create(ctx, planned) {
    const body = { service_account_id: str(planned, 'service_account_id')!, role: str(planned, 'role')!, project_id: str(planned, 'project_id') ?? null };
    return createOrAdopt(
      roleBinding,
      ctx,
      planned,
      async () => toState(await ctx.client.createRoleBinding(body)),
      (err) => isWardenError(err) && err.code === 'WARDEN_ERR_BINDING_EXISTS',
    );
  },

  async find(ctx, planned) {
    const projectId = str(planned, 'project_id') ?? null;
    for await (const b of ctx.client.paginate('listRoleBindings', { service_account_id: str(planned, 'service_account_id')! })) {
      if (b.role === str(planned, 'role') && b.project_id === projectId) return b.id;
    }
    return undefined;
  },

  read: (ctx, state) => readOrGone(async () => toState(await ctx.client.getRoleBinding(str(state, 'id')!))),

  delete: (ctx, state) => deleteIfPresent(() => ctx.client.deleteRoleBinding(str(state, 'id')!)),

  async import(ctx, id) {
    return toState(await ctx.client.getRoleBinding(id));
  },
};
