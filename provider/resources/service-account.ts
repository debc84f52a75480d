import {
  DisplayName,
  ServiceAccountAllowedCidrs,
  ServiceAccountDescription,
  ServiceAccountDisabled,
  ServiceAccountExpiresAt,
  ServiceAccountName,
  ServiceAccountProjectId,
  TEAMS,
  Teams,
  type ServiceAccount,
  type ServiceAccountPatch,
} from '../../api-client/contract';
import { isWardenError } from '../../api-client/errors';
import { createOrAdopt } from './adopt';
import { deleteIfPresent, readOrGone } from './gone';
import { type ResourceDefinition, type State, apiField, computed, optional, optionalComputed, required } from './schema';
import { bool, sameInstantAs, str, strings } from './values';

const attributes = {
  name: required.string(apiField(ServiceAccountName)),
  display_name: optionalComputed.string(apiField(DisplayName)),
  description: optional.string(apiField(ServiceAccountDescription), { default: '' }),
  project_id: optional.string(apiField(ServiceAccountProjectId, 'Changing it replaces the account.'), { replace: true }),
  disabled: optional.bool(apiField(ServiceAccountDisabled), { default: false }),
  expires_at: optional.string(apiField(ServiceAccountExpiresAt)),
  teams: optional.stringSet(apiField(Teams, 'It appears here only if listed.'), { default: [] }),
  allowed_cidrs: optional.stringSet(apiField(ServiceAccountAllowedCidrs), { default: [] }),
  id: computed.string('Server-assigned id.'),
  uid: computed.string('Stable unique id, safe to use in other systems.'),
  user_name: computed.string('The account\'s user name, "<name>@service".', { dependsOn: ['name'] }),
  created_at: computed.string('Creation time (RFC 3339).'),
};

/** The state as declared: "public" is listed only when the configuration lists it. */
function toState(sa: ServiceAccount, declared: State): State {
  const declaredTeams = strings(declared, 'teams') ?? [];
  return {
    name: sa.name,
    display_name: sa.display_name,
    description: sa.description,
    project_id: sa.project_id,
    disabled: sa.disabled,
    expires_at: sameInstantAs(declared.expires_at, sa.expires_at),
    teams: sa.teams.filter((t) => t !== TEAMS.always || declaredTeams.includes(TEAMS.always)),
    allowed_cidrs: sa.allowed_cidrs,
    id: sa.id,
    uid: sa.uid,
    user_name: sa.user_name,
    created_at: sa.created_at,
  };
}

function patchOf(planned: State): ServiceAccountPatch {
  return {
    name: str(planned, 'name')!,
    ...(str(planned, 'display_name') !== undefined ? { display_name: str(planned, 'display_name')! } : {}),
    description: str(planned, 'description') ?? '',
    disabled: bool(planned, 'disabled') ?? false,
    expires_at: str(planned, 'expires_at') ?? null,
    teams: strings(planned, 'teams') ?? [],
    allowed_cidrs: strings(planned, 'allowed_cidrs') ?? [],
  };
}

export const serviceAccount: ResourceDefinition = {
  typeName: 'warden_service_account',
  description: 'A service account: a non-human identity that authenticates with tokens only, never with a password.',
  attributes,
  importId: 'the service account id',

  async create(ctx, planned) {
    const body = {
      name: str(planned, 'name')!,
      ...(str(planned, 'display_name') !== undefined ? { display_name: str(planned, 'display_name')! } : {}),
      description: str(planned, 'description') ?? '',
      project_id: str(planned, 'project_id') ?? null,
      disabled: bool(planned, 'disabled') ?? false,
      expires_at: str(planned, 'expires_at') ?? null,
      teams: strings(planned, 'teams') ?? [],
      allowed_cidrs: strings(planned, 'allowed_cidrs') ?? [],
    };
    return createOrAdopt(
      serviceAccount,
      ctx,
      planned,
      async () => toState(await ctx.client.createServiceAccount(body), planned),
      (err) => isWardenError(err) && err.code === 'WARDEN_ERR_NAME_TAKEN',
    );
  },

  async find(ctx, planned) {
    const name = str(planned, 'name')!;
    const projectId = str(planned, 'project_id') ?? null;
    const page = await ctx.client.listServiceAccounts({ name, ...(projectId ? { project_id: projectId } : {}) });
    return page.items.find((sa) => sa.name === name && sa.project_id === projectId)?.id;
  },

  read: (ctx, state) => readOrGone(async () => toState(await ctx.client.getServiceAccount(str(state, 'id')!), state)),

  async update(ctx, _prior, planned) {
    return toState(await ctx.client.updateServiceAccount(str(planned, 'id')!, patchOf(planned)), planned);
  },

  delete: (ctx, state) => deleteIfPresent(() => ctx.client.deleteServiceAccount(str(state, 'id')!)),

  async import(ctx, id) {
    return toState(await ctx.client.getServiceAccount(id), { teams: [] });
  },
};
