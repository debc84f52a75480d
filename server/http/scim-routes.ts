import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Id, ScimListQuery, ScimPatch, ScimUserInput } from '../../api-client/contract';
import type { Ctx } from '../domain/context';
import { requirePermission } from '../domain/rbac';
import { ScimError, scimCreate, scimDelete, scimGet, scimList, scimPatch, scimReplace } from '../domain/scim';
import { errors } from '../errors';
import { type Deps, contextFor, principalOf } from './deps';
import { fieldErrors } from './problems';

const IdParams = z.strictObject({ id: Id });

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ScimError(400, 'invalidValue', fieldErrors(result.error).map((e) => `${e.path || '(body)'}: ${e.message}`).join('; '));
  return result.data;
}

function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** RFC 7644 Users for identity providers. */
export function registerScimRoutes(app: FastifyInstance, deps: Deps): void {
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

  app.get('/scim/v2/Users', async (request, reply) => {
    const ctx = await scimCaller(request);
    reply.type('application/scim+json');
    return scimList(ctx, parse(ScimListQuery, request.query ?? {}), baseUrl(request));
  });
  app.get('/scim/v2/Users/:id', async (request, reply) => {
    const ctx = await scimCaller(request);
    reply.type('application/scim+json');
    return scimGet(ctx, parse(IdParams, request.params).id, baseUrl(request));
  });
  app.post('/scim/v2/Users', async (request, reply) => {
    const ctx = await scimCaller(request);
    const input = parse(ScimUserInput, request.body ?? {});
    const user = await write(ctx, (c) => scimCreate(c, input, baseUrl(request)));
    return reply.code(201).type('application/scim+json').header('location', user.meta.location).send(user);
  });
  app.put('/scim/v2/Users/:id', async (request, reply) => {
    const ctx = await scimCaller(request);
    const { id } = parse(IdParams, request.params);
    const input = parse(ScimUserInput, request.body ?? {});
    reply.type('application/scim+json');
    return write(ctx, (c) => scimReplace(c, id, input, baseUrl(request)));
  });
  app.patch('/scim/v2/Users/:id', async (request, reply) => {
    const ctx = await scimCaller(request);
    const { id } = parse(IdParams, request.params);
    const patch = parse(ScimPatch, request.body ?? {});
    reply.type('application/scim+json');
    return write(ctx, (c) => scimPatch(c, id, patch, baseUrl(request)));
  });
  app.delete('/scim/v2/Users/:id', async (request, reply) => {
    const ctx = await scimCaller(request);
    const { id } = parse(IdParams, request.params);
    await write(ctx, (c) => scimDelete(c, id));
    return reply.code(204).send();
  });
}
