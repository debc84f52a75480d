import type { z } from 'zod';
import type { RouteDef, Routes, WhoAmI } from '../../api-client/contract';
import type { Ctx } from '../domain/context';
import * as projects from '../domain/projects';
import * as roleBindings from '../domain/role-bindings';
import * as roles from '../domain/roles';
import * as serviceAccounts from '../domain/service-accounts';
import * as tokens from '../domain/tokens';
import * as users from '../domain/users';
import * as audit from '../domain/audit-events';
import * as federation from '../domain/federated-credentials';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
export interface Input<R extends RouteDef> {
  params: Out<R['params']>;
  query: Out<R['query']>;
  body: Out<R['body']>;
  ifMatch: string | undefined;
}
type Result<R extends RouteDef> = R['response'] extends z.ZodType ? z.input<R['response']> : void;
export type Handlers = { [K in keyof Routes]: (ctx: Ctx, input: Input<Routes[K]>) => Promise<Result<Routes[K]>> };

const SA = 'service_account' as const;
const USER = 'user' as const;

function whoami(ctx: Ctx): WhoAmI {
  const p = ctx.principal;
  return {
    user_type: p.user_type === 'service' ? 'service' : 'user',
    id: p.id,
    name: p.name,
    token_id: p.token_kind === 'session' ? null : p.token_id,
    scopes: p.scopes,
    bindings: p.bindings,
  };
}

/**
 * One domain call per contract route. Routes that need more than the domain (sign-in, leak
 * reports) are handled in `special-routes.ts`; everything here runs as an authenticated caller.
 */
export const handlers: Omit<Handlers, 'createSession' | 'deleteSession' | 'reportLeak' | 'createUser' | 'exchangeToken'> = {
  whoami: async (ctx) => whoami(ctx),

  listProjects: (ctx, { query }) => projects.listProjects(ctx, query),
  createProject: (ctx, { body }) => projects.createProject(ctx, body),
  getProject: (ctx, { params }) => projects.getProject(ctx, params.id),
  updateProject: (ctx, { params, body, ifMatch }) => projects.updateProject(ctx, params.id, body, ifMatch),
  deleteProject: (ctx, { params }) => projects.deleteProject(ctx, params.id),

  listRoles: (ctx, { query }) => roles.listRoles(ctx, query),
  createRole: (ctx, { body }) => roles.createRole(ctx, body),
  getRole: (ctx, { params }) => roles.getRole(ctx, params.name),
  updateRole: (ctx, { params, body, ifMatch }) => roles.updateRole(ctx, params.name, body, ifMatch),
  deleteRole: (ctx, { params }) => roles.deleteRole(ctx, params.name),

  listServiceAccounts: (ctx, { query }) => serviceAccounts.listServiceAccounts(ctx, query),
  createServiceAccount: (ctx, { body }) => serviceAccounts.createServiceAccount(ctx, body),
  getServiceAccount: (ctx, { params }) => serviceAccounts.getServiceAccount(ctx, params.id),
  updateServiceAccount: (ctx, { params, body, ifMatch }) => serviceAccounts.updateServiceAccount(ctx, params.id, body, ifMatch),
  deleteServiceAccount: (ctx, { params }) => serviceAccounts.deleteServiceAccount(ctx, params.id),

  listRoleBindings: (ctx, { query }) => roleBindings.listRoleBindings(ctx, query),
  createRoleBinding: (ctx, { body }) => roleBindings.createRoleBinding(ctx, body),
  getRoleBinding: (ctx, { params }) => roleBindings.getRoleBinding(ctx, params.id),
  deleteRoleBinding: (ctx, { params }) => roleBindings.deleteRoleBinding(ctx, params.id),

  listServiceAccountTokens: (ctx, { params, query }) => tokens.listTokens(ctx, SA, params.id, query),
  createServiceAccountToken: (ctx, { params, body }) => tokens.createToken(ctx, SA, params.id, body),
  getServiceAccountToken: (ctx, { params }) => tokens.getToken(ctx, SA, params.id, params.token_id),
  updateServiceAccountToken: (ctx, { params, body, ifMatch }) => tokens.patchToken(ctx, SA, params.id, params.token_id, body, ifMatch),
  revokeServiceAccountToken: (ctx, { params }) => tokens.revokeToken(ctx, SA, params.id, params.token_id),
  regenerateServiceAccountToken: (ctx, { params, body }) => tokens.regenerateToken(ctx, SA, params.id, params.token_id, body),

  listFederatedCredentials: (ctx, { params, query }) => federation.listFederatedCredentials(ctx, params.id, query),
  createFederatedCredential: (ctx, { params, body }) => federation.createFederatedCredential(ctx, params.id, body),
  getFederatedCredential: (ctx, { params }) => federation.getFederatedCredential(ctx, params.id, params.credential_id),
  deleteFederatedCredential: (ctx, { params }) => federation.deleteFederatedCredential(ctx, params.id, params.credential_id),

  listUsers: (ctx, { query }) => users.listUsers(ctx, query),
  getUser: (ctx, { params }) => users.getUser(ctx, params.id),
  listUserTokens: (ctx, { params, query }) => tokens.listTokens(ctx, USER, params.id, query),
  createUserToken: (ctx, { params, body }) => tokens.createToken(ctx, USER, params.id, body),
  getUserToken: (ctx, { params }) => tokens.getToken(ctx, USER, params.id, params.token_id),
  updateUserToken: (ctx, { params, body, ifMatch }) => tokens.patchToken(ctx, USER, params.id, params.token_id, body, ifMatch),
  revokeUserToken: (ctx, { params }) => tokens.revokeToken(ctx, USER, params.id, params.token_id),
  regenerateUserToken: (ctx, { params, body }) => tokens.regenerateToken(ctx, USER, params.id, params.token_id, body),

  listAuditEvents: (ctx, { query }) => audit.listAuditEvents(ctx, query),
};
