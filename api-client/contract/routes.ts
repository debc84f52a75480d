import { z } from 'zod';
import { Id, PageQuery, page } from './common';
import { AuditEvent, AuditEventQuery } from './audit';
import { ERRORS } from './errors';
import { NAME } from './limits';
import { Project, ProjectCreate, ProjectPatch } from './projects';
import { RoleBinding, RoleBindingCreate, RoleBindingListQuery } from './role-bindings';
import { Role, RoleCreate, RolePatch } from './roles';
import { ServiceAccount, ServiceAccountCreate, ServiceAccountListQuery, ServiceAccountPatch } from './service-accounts';
import { LeakReport, Token, TokenCreate, TokenPatch, TokenRegenerate, TokenWithSecret } from './tokens';
import { Session, SessionCreate, User, UserCreate } from './users';
import { WhoAmI } from './whoami';
import { FederatedCredential, FederatedCredentialCreate, OAuthError, TokenExchangeRequest, TokenExchangeResponse } from './federation';

/**
 * The HTTP surface, once. The server registers a handler per entry (validation from these
 * schemas), the client derives a method per entry, and the OpenAPI document is generated from it.
 */
export interface RouteDef {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Fastify-style path: `/v1/service-accounts/:id`. */
  path: string;
  summary: string;
  auth: 'none' | 'token';
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Success status and body; `null` body means 204 No Content. */
  status: number;
  response: z.ZodType | null;
  /** Supports `If-Match` against the resource's etag. */
  ifMatch?: boolean;
  /** Top-level body fields that hold a secret (a password, a leaked token): never fingerprinted, stored or logged. */
  secretFields?: readonly string[];
  /** The success response carries a secret: see `SecretResponse`. */
  secretResponse?: SecretResponse;
  /** Rate limited per client address: 429 with `Retry-After`. */
  rateLimited?: boolean;
  /** Media type of the request and success bodies; `application/json` when absent. */
  mediaType?: string;
  /** Media type of the request body alone, when it differs from the response's (the OAuth token endpoint reads forms). */
  requestMediaType?: 'application/x-www-form-urlencoded';
  /** What refusals look like: RFC 9457 problems (default) or RFC 7644 SCIM error documents. */
  errorFormat?: 'problem' | 'scim' | 'oauth';
  /** The success response sends `ETag`; when absent, it does exactly when the response schema has an `etag`. */
  etag?: boolean;
  /** The success response sends `Location`, the URL of what it created. */
  location?: boolean;
  /**
   * Answers the general rules do not imply (see `answersOf` in server/http/openapi.ts): a 401
   * of a route without credentials, a 503 of the readiness probe. No `body`: an error document.
   */
  otherResponses?: readonly OtherResponse[];
}

export interface OtherResponse {
  status: number;
  description: string;
  body?: z.ZodType;
  mediaType?: string;
}

/** Responses whose contract schema has an `etag` send it as the `ETag` header too. */
export function sendsEtag(def: RouteDef): boolean {
  return def.etag ?? (def.response instanceof z.ZodObject && 'etag' in def.response.shape);
}

/**
 * Declares that a route's success response carries a secret. Every response of the route is sent
 * with `Cache-Control: no-store`, and the secret is never stored with an Idempotency-Key record:
 * a repeat under the same key answers as `replay` says.
 */
export interface SecretResponse {
  /** Response field that holds the secret. */
  field: 'token';
  /** Response field that holds the id of the credential (token or session) the secret belongs to. */
  credentialId: 'id';
  /**
   * `reissue`: the same token gets a new secret and the undelivered one stops working at once.
   * `new_session`: the password is checked again, the first attempt's session ends, and the answer
   * is a new session.
   */
  replay: 'reissue' | 'new_session';
}

const REISSUE: SecretResponse = { field: 'token', credentialId: 'id', replay: 'reissue' };
const NEW_SESSION: SecretResponse = { field: 'token', credentialId: 'id', replay: 'new_session' };

const IdParams = z.strictObject({ id: Id });
const TokenParams = z.strictObject({ id: Id, token_id: Id });
const CredentialParams = z.strictObject({ id: Id, credential_id: Id });
const NameParams = z.strictObject({ name: z.string().min(NAME.minLength).max(NAME.maxLength) });
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
const list = <T extends z.ZodRawShape = {}>(filters?: z.ZodObject<T>) => PageQuery.extend((filters?.shape ?? {}) as T);

function route<const R extends RouteDef>(r: R): R {
  return r;
}

export const routes = {
  whoami: route({ method: 'GET', path: '/v1/whoami', summary: 'The caller and its effective bindings', auth: 'token', status: 200, response: WhoAmI }),

  listProjects: route({ method: 'GET', path: '/v1/projects', summary: 'List projects', auth: 'token', query: list(), status: 200, response: page(Project) }),
  createProject: route({ method: 'POST', path: '/v1/projects', summary: 'Create a project', auth: 'token', body: ProjectCreate, status: 201, response: Project }),
  getProject: route({ method: 'GET', path: '/v1/projects/:id', summary: 'Get a project', auth: 'token', params: IdParams, status: 200, response: Project }),
  updateProject: route({
    method: 'PATCH',
    path: '/v1/projects/:id',
    summary: 'Update a project',
    auth: 'token',
    params: IdParams,
    body: ProjectPatch,
    status: 200,
    response: Project,
    ifMatch: true,
  }),
  deleteProject: route({
    method: 'DELETE',
    path: '/v1/projects/:id',
    summary: 'Delete a project (409 while it holds service accounts)',
    auth: 'token',
    params: IdParams,
    status: 204,
    response: null,
  }),

  listRoles: route({ method: 'GET', path: '/v1/roles', summary: 'List built-in and custom roles', auth: 'token', query: list(), status: 200, response: page(Role) }),
  createRole: route({ method: 'POST', path: '/v1/roles', summary: 'Create a custom role', auth: 'token', body: RoleCreate, status: 201, response: Role }),
  getRole: route({ method: 'GET', path: '/v1/roles/:name', summary: 'Get a role', auth: 'token', params: NameParams, status: 200, response: Role }),
  updateRole: route({
    method: 'PATCH',
    path: '/v1/roles/:name',
    summary: 'Update a custom role',
    auth: 'token',
    params: NameParams,
    body: RolePatch,
    status: 200,
    response: Role,
    ifMatch: true,
  }),
  deleteRole: route({
    method: 'DELETE',
    path: '/v1/roles/:name',
    summary: 'Delete a custom role (409 while bound)',
    auth: 'token',
    params: NameParams,
    status: 204,
    response: null,
  }),

  listServiceAccounts: route({
    method: 'GET',
    path: '/v1/service-accounts',
    summary: 'List service accounts',
    auth: 'token',
    query: list(ServiceAccountListQuery),
    status: 200,
    response: page(ServiceAccount),
  }),
  createServiceAccount: route({
    method: 'POST',
    path: '/v1/service-accounts',
    summary: 'Create a service account',
    auth: 'token',
    body: ServiceAccountCreate,
    status: 201,
    response: ServiceAccount,
  }),
  getServiceAccount: route({
    method: 'GET',
    path: '/v1/service-accounts/:id',
    summary: 'Get a service account',
    auth: 'token',
    params: IdParams,
    status: 200,
    response: ServiceAccount,
  }),
  updateServiceAccount: route({
    method: 'PATCH',
    path: '/v1/service-accounts/:id',
    summary: 'Update a service account',
    auth: 'token',
    params: IdParams,
    body: ServiceAccountPatch,
    status: 200,
    response: ServiceAccount,
    ifMatch: true,
  }),
  deleteServiceAccount: route({
    method: 'DELETE',
    path: '/v1/service-accounts/:id',
    summary: 'Delete a service account: revokes its tokens and removes its bindings',
    auth: 'token',
    params: IdParams,
    status: 204,
    response: null,
  }),

  listRoleBindings: route({
    method: 'GET',
    path: '/v1/role-bindings',
    summary: 'List role bindings',
    auth: 'token',
    query: list(RoleBindingListQuery),
    status: 200,
    response: page(RoleBinding),
  }),
  createRoleBinding: route({
    method: 'POST',
    path: '/v1/role-bindings',
    summary: 'Bind a role to a service account (no escalation)',
    auth: 'token',
    body: RoleBindingCreate,
    status: 201,
    response: RoleBinding,
  }),
  getRoleBinding: route({ method: 'GET', path: '/v1/role-bindings/:id', summary: 'Get a role binding', auth: 'token', params: IdParams, status: 200, response: RoleBinding }),
  deleteRoleBinding: route({ method: 'DELETE', path: '/v1/role-bindings/:id', summary: 'Delete a role binding', auth: 'token', params: IdParams, status: 204, response: null }),

  listServiceAccountTokens: route({
    method: 'GET',
    path: '/v1/service-accounts/:id/tokens',
    summary: "List a service account's tokens",
    auth: 'token',
    params: IdParams,
    query: list(),
    status: 200,
    response: page(Token),
  }),
  createServiceAccountToken: route({
    method: 'POST',
    path: '/v1/service-accounts/:id/tokens',
    summary: 'Create a token; the secret is in this response only',
    auth: 'token',
    params: IdParams,
    body: TokenCreate,
    status: 201,
    response: TokenWithSecret,
    secretFields: ['secret'],
    secretResponse: REISSUE,
  }),
  getServiceAccountToken: route({
    method: 'GET',
    path: '/v1/service-accounts/:id/tokens/:token_id',
    summary: 'Get a token (never its secret)',
    auth: 'token',
    params: TokenParams,
    status: 200,
    response: Token,
  }),
  updateServiceAccountToken: route({
    method: 'PATCH',
    path: '/v1/service-accounts/:id/tokens/:token_id',
    summary: 'Disable or re-enable a token',
    auth: 'token',
    params: TokenParams,
    body: TokenPatch,
    status: 200,
    response: Token,
    ifMatch: true,
  }),
  revokeServiceAccountToken: route({
    method: 'DELETE',
    path: '/v1/service-accounts/:id/tokens/:token_id',
    summary: 'Revoke a token at once',
    auth: 'token',
    params: TokenParams,
    status: 204,
    response: null,
  }),
  regenerateServiceAccountToken: route({
    method: 'POST',
    path: '/v1/service-accounts/:id/tokens/:token_id/regenerate',
    summary: 'Issue a new secret; the previous one stops at once or after overlap_seconds',
    auth: 'token',
    params: TokenParams,
    body: TokenRegenerate,
    status: 200,
    response: TokenWithSecret,
    secretFields: ['secret'],
    secretResponse: REISSUE,
  }),

  listFederatedCredentials: route({
    method: 'GET',
    path: '/v1/service-accounts/:id/federated-credentials',
    summary: "List a service account's federated credentials",
    auth: 'token',
    params: IdParams,
    query: list(),
    status: 200,
    response: page(FederatedCredential),
  }),
  createFederatedCredential: route({
    method: 'POST',
    path: '/v1/service-accounts/:id/federated-credentials',
    summary: 'Trust tokens of an external OpenID Connect issuer for this account (needs tokens:write)',
    auth: 'token',
    params: IdParams,
    body: FederatedCredentialCreate,
    status: 201,
    response: FederatedCredential,
  }),
  getFederatedCredential: route({
    method: 'GET',
    path: '/v1/service-accounts/:id/federated-credentials/:credential_id',
    summary: 'Get a federated credential',
    auth: 'token',
    params: CredentialParams,
    status: 200,
    response: FederatedCredential,
  }),
  deleteFederatedCredential: route({
    method: 'DELETE',
    path: '/v1/service-accounts/:id/federated-credentials/:credential_id',
    summary: 'Delete a federated credential; tokens it issued stay until they expire or are revoked',
    auth: 'token',
    params: CredentialParams,
    status: 204,
    response: null,
  }),
  exchangeToken: route({
    method: 'POST',
    path: '/v1/oauth/token',
    summary: 'Exchange an external OIDC token for a short-lived Warden token (RFC 8693); errors per RFC 6749',
    auth: 'none',
    body: TokenExchangeRequest,
    status: 200,
    response: TokenExchangeResponse,
    requestMediaType: 'application/x-www-form-urlencoded',
    errorFormat: 'oauth',
    secretFields: ['subject_token'],
    otherResponses: [
      {
        status: 400,
        description: 'Refused: invalid_request, invalid_grant, invalid_target, invalid_scope or unsupported_grant_type',
        body: OAuthError,
        mediaType: 'application/json',
      },
    ],
  }),

  listUsers: route({ method: 'GET', path: '/v1/users', summary: 'List users (people)', auth: 'token', query: list(), status: 200, response: page(User) }),
  createUser: route({ method: 'POST', path: '/v1/users', summary: 'Create a user', auth: 'token', body: UserCreate, status: 201, response: User, secretFields: ['password'] }),
  getUser: route({ method: 'GET', path: '/v1/users/:id', summary: 'Get a user', auth: 'token', params: IdParams, status: 200, response: User }),
  listUserTokens: route({
    method: 'GET',
    path: '/v1/users/:id/tokens',
    summary: "List a user's personal tokens",
    auth: 'token',
    params: IdParams,
    query: list(),
    status: 200,
    response: page(Token),
  }),
  createUserToken: route({
    method: 'POST',
    path: '/v1/users/:id/tokens',
    summary: 'Create a personal token; the secret is in this response only',
    auth: 'token',
    params: IdParams,
    body: TokenCreate,
    status: 201,
    response: TokenWithSecret,
    secretFields: ['secret'],
    secretResponse: REISSUE,
  }),
  getUserToken: route({ method: 'GET', path: '/v1/users/:id/tokens/:token_id', summary: 'Get a personal token', auth: 'token', params: TokenParams, status: 200, response: Token }),
  updateUserToken: route({
    method: 'PATCH',
    path: '/v1/users/:id/tokens/:token_id',
    summary: 'Disable or re-enable a personal token',
    auth: 'token',
    params: TokenParams,
    body: TokenPatch,
    status: 200,
    response: Token,
    ifMatch: true,
  }),
  revokeUserToken: route({
    method: 'DELETE',
    path: '/v1/users/:id/tokens/:token_id',
    summary: 'Revoke a personal token',
    auth: 'token',
    params: TokenParams,
    status: 204,
    response: null,
  }),
  regenerateUserToken: route({
    method: 'POST',
    path: '/v1/users/:id/tokens/:token_id/regenerate',
    summary: 'Regenerate a personal token',
    auth: 'token',
    params: TokenParams,
    body: TokenRegenerate,
    status: 200,
    response: TokenWithSecret,
    secretFields: ['secret'],
    secretResponse: REISSUE,
  }),

  createSession: route({
    method: 'POST',
    path: '/v1/sessions',
    summary: 'Sign in with email and password (people only)',
    auth: 'none',
    body: SessionCreate,
    status: 201,
    response: Session,
    secretFields: ['password'],
    secretResponse: NEW_SESSION,
    rateLimited: true,
    otherResponses: [
      {
        status: 401,
        description: `Wrong email or password (${ERRORS.INVALID_CREDENTIALS.code}), or a service account, which cannot sign in (${ERRORS.SERVICE_ACCOUNT_LOGIN.code})`,
      },
    ],
  }),
  deleteSession: route({ method: 'DELETE', path: '/v1/sessions/current', summary: 'Sign out', auth: 'token', status: 204, response: null }),

  reportLeak: route({
    method: 'POST',
    path: '/v1/tokens/report-leak',
    summary: 'Report a leaked secret (no auth, rate limited); the answer never says whether it was valid',
    auth: 'none',
    body: LeakReport,
    status: 202,
    response: null,
    secretFields: ['token'],
    rateLimited: true,
  }),

  listAuditEvents: route({
    method: 'GET',
    path: '/v1/audit-events',
    summary: 'List audit events, newest first',
    auth: 'token',
    query: list(AuditEventQuery),
    status: 200,
    response: page(AuditEvent),
  }),
} as const satisfies Record<string, RouteDef>;

export type Routes = typeof routes;
export type RouteName = keyof Routes;
