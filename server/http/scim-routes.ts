import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ERRORS, Id, SCIM_USER_SCHEMA, ScimListQuery, ScimPatch, type ScimUser, ScimUserInput, scimRoutes } from '../../api-client/contract';
import type { Ctx } from '../domain/context';
import { requirePermission } from '../domain/rbac';
import { scimCreate, scimDelete, scimGet, scimList, scimPatch, scimReplace } from '../domain/scim';
import { errors, refuse } from '../errors';
import { type Deps, contextFor, principalOf } from './deps';
import { fieldErrors } from './problems';
import { listOf, serviceProviderConfig, userResourceType, userSchema } from './scim-discovery';

const IdParams = z.strictObject({ id: Id });

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw refuse(ERRORS.SCIM_INVALID_VALUE, ERRORS.VALIDATION.detail(fieldErrors(result.error)));
  return result.data;
}

const ifMatchOf = (request: FastifyRequest) => (typeof request.headers['if-match'] === 'string' ? request.headers['if-match'] : undefined);

/** A SCIM resource with its version as the ETag header (RFC 7644 3.14). */
function sendUser(reply: FastifyReply, user: ScimUser, status = 200) {
  return reply.code(status).type('application/scim+json').header('etag', user.meta.version).send(user);
}

/**
 * RFC 7644 Users for identity providers, and the discovery documents. `meta.location` is built
 * from `publicUrl` (WARDEN_PUBLIC_URL), never from the request's Host header, which a caller
 * chooses; without it, locations are absolute paths.
 */
export function registerScimRoutes(app: FastifyInstance, deps: Deps): void {
  const base = deps.publicUrl ?? '';
  /**
   * SCIM needs both: a token whose scopes include `scim`, and the `scim` permission at
   * organization scope from its owner's bindings. A scope only narrows; it never grants.
   */
  async function scimCaller(request: FastifyRequest): Promise<Ctx> {
    const principal = await principalOf(deps, request);
    if (!principal.scopes.includes('scim')) throw errors.scopeDenied('scim');
    requirePermission(principal, 'scim', null);
    return contextFor(deps, request, principal);
  }
  const write = <T>(ctx: Ctx, fn: (ctx: Ctx) => Promise<T>) => deps.store.transaction((tx) => fn({ ...ctx, db: tx }));

  // Discovery says nothing about anyone, so identity providers may read it before authenticating.
  const scim = (reply: FastifyReply, body: object) => reply.type('application/scim+json').send(body);
  const handle: Record<keyof typeof scimRoutes, (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>> = {
    scimServiceProviderConfig: async (_request, reply) => scim(reply, serviceProviderConfig(base)),
    scimListResourceTypes: async (_request, reply) => scim(reply, listOf([userResourceType(base)])),
    scimGetResourceType: async (request, reply) => {
      if ((request.params as { id: string }).id !== 'User') throw refuse(ERRORS.SCIM_NOT_FOUND, 'The only resource type is User.');
      return scim(reply, userResourceType(base));
    },
    scimListSchemas: async (_request, reply) => scim(reply, listOf([userSchema(base)])),
    scimGetSchema: async (request, reply) => {
      if ((request.params as { id: string }).id !== SCIM_USER_SCHEMA) throw refuse(ERRORS.SCIM_NOT_FOUND, `The only schema is ${SCIM_USER_SCHEMA}.`);
      return scim(reply, userSchema(base));
    },
    scimListUsers: async (request, reply) => {
      const ctx = await scimCaller(request);
      return scim(reply, await scimList(ctx, parse(ScimListQuery, request.query ?? {}), base));
    },
    scimGetUser: async (request, reply) => {
      const ctx = await scimCaller(request);
      return sendUser(reply, await scimGet(ctx, parse(IdParams, request.params).id, base));
    },
    scimCreateUser: async (request, reply) => {
      const ctx = await scimCaller(request);
      const input = parse(ScimUserInput, request.body ?? {});
      const user = await write(ctx, (c) => scimCreate(c, input, base));
      return sendUser(reply.header('location', user.meta.location), user, 201);
    },
    scimReplaceUser: async (request, reply) => {
      const ctx = await scimCaller(request);
      const { id } = parse(IdParams, request.params);
      const input = parse(ScimUserInput, request.body ?? {});
      return sendUser(reply, await write(ctx, (c) => scimReplace(c, id, input, base, ifMatchOf(request))));
    },
    scimPatchUser: async (request, reply) => {
      const ctx = await scimCaller(request);
      const { id } = parse(IdParams, request.params);
      const patch = parse(ScimPatch, request.body ?? {});
      return sendUser(reply, await write(ctx, (c) => scimPatch(c, id, patch, base, ifMatchOf(request))));
    },
    scimDeleteUser: async (request, reply) => {
      const ctx = await scimCaller(request);
      const { id } = parse(IdParams, request.params);
      await write(ctx, (c) => scimDelete(c, id, ifMatchOf(request)));
      return reply.code(204).send();
    },
  };
  // Registered at the contract's paths, which the OpenAPI document describes.
  for (const [name, def] of Object.entries(scimRoutes)) app.route({ method: def.method, url: def.path, handler: handle[name as keyof typeof scimRoutes] });
}
