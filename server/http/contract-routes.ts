import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type RouteDef, type RouteName, routes, sendsEtag } from '../../api-client/contract';
import type { Ctx } from '../domain/context';
import { ANONYMOUS, type Principal } from '../domain/rbac';
import { errors } from '../errors';
import { type Deps, contextFor, principalOf } from './deps';
import { handlers } from './handlers';
import { fingerprint, once, validIdempotencyKey } from './idempotency';
import { parseOrThrow } from './problems';

export interface RouteInput {
  params: unknown;
  query: unknown;
  body: unknown;
  ifMatch: string | undefined;
  /** What `prepare` computed before the transaction (slow work such as password hashing). */
  prepared?: unknown;
}
export type RouteHandler = (ctx: Ctx, input: RouteInput) => Promise<unknown>;
interface RouteOptions {
  prepare?: (request: FastifyRequest, input: RouteInput) => Promise<unknown>;
}

/** Validated input of a contract route; every field error names its place (`query.limit`, `name`). */
function inputOf(def: RouteDef, request: FastifyRequest) {
  const ifMatch = request.headers['if-match'];
  return {
    params: def.params ? parseOrThrow(def.params, request.params, 'params') : undefined,
    query: def.query ? parseOrThrow(def.query, request.query ?? {}, 'query') : undefined,
    body: def.body ? parseOrThrow(def.body, request.body ?? {}) : undefined,
    ifMatch: def.ifMatch && typeof ifMatch === 'string' ? ifMatch : undefined,
  };
}

/** A SCIM-only token reaches /scim/v2 only; whoami answers every token so it can say what it is. */
function requireApiScope(name: RouteName, principal: Principal): void {
  if (name !== 'whoami' && !principal.scopes.includes('api')) throw errors.scopeDenied();
}

function send(reply: FastifyReply, def: RouteDef, status: number, body: unknown) {
  if (def.response === null) return reply.code(status).send();
  const etag = (body as { etag?: unknown } | undefined)?.etag;
  if (sendsEtag(def) && typeof etag === 'string') reply.header('etag', etag);
  return reply.code(status).send(body);
}

/**
 * Registers `handle` for a contract route: authentication, validation, then the handler. Reads run
 * on the store; changes run in one transaction with their audit event and idempotency record.
 */
export function registerContractRoute(app: FastifyInstance, deps: Deps, name: RouteName, handle: RouteHandler, opts: RouteOptions = {}): void {
  const def: RouteDef = routes[name];
  const authenticate = def.auth === 'token';
  app.route({
    method: def.method,
    url: def.path,
    // Set before the body is parsed, so that every answer of the route carries it: replays and
    // refusals included, even a 413 or 415 raised before the handler runs.
    ...(def.secretResponse
      ? { onRequest: async (_request: FastifyRequest, reply: FastifyReply) => void reply.header('cache-control', 'no-store').header('pragma', 'no-cache') }
      : {}),
    handler: async (request, reply) => {
      const principal = authenticate ? await principalOf(deps, request) : null;
      if (principal) requireApiScope(name, principal);
      const input: RouteInput = inputOf(def, request);
      if (opts.prepare) input.prepared = await opts.prepare(request, input);
      if (def.method === 'GET') return send(reply, def, def.status, await handle(contextFor(deps, request, principal!), input));

      const key = request.headers['idempotency-key'];
      if (key !== undefined && (typeof key !== 'string' || !validIdempotencyKey(key))) {
        throw errors.validation([{ path: 'header.idempotency-key', message: 'must be 1-255 visible ASCII characters' }]);
      }
      const outcome = await deps.store.transaction(async (tx) => {
        const ctx = contextFor(deps, request, principal ?? ANONYMOUS, tx);
        const run = async () => ({ status: def.status, body: await handle(ctx, input) });
        if (key === undefined || def.method !== 'POST') return run();
        return once(
          ctx,
          {
            callerKey: principal ? principal.id : `ip:${request.ip}`,
            key,
            fingerprint: fingerprint(deps.fingerprintKey, def.method, request.url, input.body, def.secretFields),
            secret: def.secretResponse,
            suppliedSecret: suppliedSecretOf(input.body),
          },
          run,
        );
      });
      return send(reply, def, outcome.status, outcome.body);
    },
  });
}

function suppliedSecretOf(body: unknown): string | undefined {
  const secret = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).secret : undefined;
  return typeof secret === 'string' ? secret : undefined;
}

export function registerContractRoutes(app: FastifyInstance, deps: Deps): void {
  for (const [name, handle] of Object.entries(handlers)) registerContractRoute(app, deps, name as RouteName, handle as RouteHandler);
}
