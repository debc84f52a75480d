import { Id, ResourceName } from '../../api-client/contract';
import { isNotFound } from './gone';
import { type DataSourceDefinition, ResourceError, computed, optionalComputed, required } from './schema';
import { str } from './values';

export const serviceAccountData: DataSourceDefinition = {
  typeName: 'warden_service_account',
  description: 'Looks up an existing service account by id, or by name (and project_id for a project-scoped account).',
  attributes: {
    id: optionalComputed.string('Id of the service account. Give this or name.', { validate: Id }),
    name: optionalComputed.string('Name of the service account. Give this or id.', { validate: ResourceName }),
    project_id: optionalComputed.string('With name: the project the account belongs to; unset looks in organization scope.', { validate: Id }),
    display_name: computed.string('Name shown in the console.'),
    description: computed.string('What the account is for.'),
    disabled: computed.bool('Whether the account is disabled.'),
    expires_at: computed.string('When the account stops authenticating, if ever.'),
    teams: computed.stringSet('Teams of the account, "public" included.'),
    uid: computed.string('Stable unique id.'),
    user_name: computed.string('"<name>@service".'),
    created_at: computed.string('Creation time (RFC 3339).'),
  },
  check(config) {
    const byId = typeof config.id === 'string';
    const byName = typeof config.name === 'string';
    if (byId === byName && config.id !== null && config.name !== null)
      return [{ severity: 'error', summary: (n) => `Give either ${n('id')} or ${n('name')}`, detail: 'Look the service account up by one of them, not both.', path: ['name'] }];
    if (config.id === null && config.name === null)
      return [
        { severity: 'error', summary: (n) => `Missing ${n('id')} or ${n('name')}`, detail: (n) => `Look the service account up by ${n('id')} or by ${n('name')}.`, path: ['id'] },
      ];
    return [];
  },
  async read(ctx, config) {
    const id = str(config, 'id');
    let sa;
    if (id !== undefined) {
      sa = await ctx.client.getServiceAccount(id).catch((err: unknown) => {
        throw isNotFound(err)
          ? new ResourceError({ summary: `No service account has id "${id}"`, detail: (n) => `Check ${n('id')}, or look the account up by ${n('name')}.`, path: ['id'] }, err)
          : err;
      });
    } else {
      const name = str(config, 'name')!;
      const projectId = str(config, 'project_id') ?? null;
      const page = await ctx.client.listServiceAccounts({ name, ...(projectId ? { project_id: projectId } : {}) });
      sa = page.items.find((s) => s.project_id === projectId);
      if (!sa)
        throw new ResourceError({
          summary: `No service account is named "${name}" ${projectId ? `in project "${projectId}"` : 'in organization scope'}`,
          detail: (n) => `Check ${n('name')} and ${n('project_id')}.`,
          path: ['name'],
        });
    }
    const { id: saId, name, project_id, display_name, description, disabled, expires_at, teams, uid, user_name, created_at } = sa;
    return { id: saId, name, project_id, display_name, description, disabled, expires_at, teams, uid, user_name, created_at };
  },
};

export const roleData: DataSourceDefinition = {
  typeName: 'warden_role',
  description: 'Looks up a built-in or custom role by name.',
  attributes: {
    name: required.string('Name of the role.', { validate: ResourceName }),
    description: computed.string('What the role is for.'),
    permissions: computed.stringSet('Permissions the role grants.'),
    built_in: computed.bool('Whether the role is built in (admin, manager, editor, member).'),
  },
  async read(ctx, config) {
    const name = str(config, 'name')!;
    const role = await ctx.client.getRole(name).catch((err: unknown) => {
      throw isNotFound(err)
        ? new ResourceError(
            { summary: `No role is named "${name}"`, detail: 'Use a built-in role (admin, manager, editor, member) or the name of a custom role.', path: ['name'] },
            err,
          )
        : err;
    });
    return { name: role.name, description: role.description, permissions: role.permissions, built_in: role.built_in };
  },
};
