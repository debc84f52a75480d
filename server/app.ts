import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Authenticator } from './domain/auth';
import { type Clock, systemClock } from './domain/clock';
import type { Policy } from './domain/context';
import { secretDigester } from './domain/secrets';
import { consolePlugin } from './console';
import { hashPassword } from './domain/users';
import { fingerprintKey } from './domain/install-key';
import { bootstrap } from './bootstrap';
import { POLICY_DEFAULTS } from './config';
import { registerContractRoutes } from './http/contract-routes';
import type { Deps } from './http/deps';
import { registerMetrics } from './http/metrics';
import { openApiDocument } from './http/openapi';
import { packageLicense } from './version';
import { MAX_BODY_BYTES, serverRoutes } from '../api-client/contract';
import { clientError, frameworkError, installProblemHandlers } from './http/problems';
import { RateLimiter } from './http/rate-limit';
import { registerScimRoutes } from './http/scim-routes';
import { registerSpecialRoutes } from './http/special-routes';
import { registerOAuthRoutes } from './http/oauth-routes';
import { type FederationOptions, FederationVerifier } from './domain/federation';
import type { Store } from './store';

export interface AppOptions {
  store: Store;
  clock?: Clock;
  /** Fastify logger options; `false` for silence. Authorization headers are always redacted. */
  logger?: FastifyServerOptions['logger'];
  /** Token for the bootstrap admin on an empty store; generated when absent. */
  bootstrapToken?: string;
  bootstrapEmail?: string;
  bootstrapPassword?: string;
  /** Called once with a generated bootstrap secret, so the caller can show it (never logged). */
  onGeneratedBootstrapToken?: (secret: string) => void;
  /** Key for HMAC-SHA-256 digests of secrets; plain SHA-256 when absent. */
  tokenHashKey?: string;
  tokenMaxLifetimeDays?: number | null;
  extendedMaxLifetimeDays?: number;
  sessionTtlMinutes?: number;
  /** Requests per minute per client address on sign-in and leak reports. */
  unauthenticatedRateLimit?: number;
  /** Base URL clients reach the server at (WARDEN_PUBLIC_URL), for SCIM `meta.location`; never taken from Host. */
  publicUrl?: string;
  /**
   * Addresses or CIDRs of reverse proxies (WARDEN_TRUSTED_PROXIES): only a request whose socket
   * peer is one of them has its client address taken from X-Forwarded-For. Empty: the socket's peer, always.
   */
  trustedProxies?: string[];
  version?: string;
  /** Workload identity federation: plain-HTTP loopback issuers (tests), key-set fetch cooldown. */
  federation?: FederationOptions;
}

/** Builds the server without listening (tests call `inject` or `listen({ port: 0 })`). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const clock = options.clock ?? systemClock;
  const policy: Policy = {
    tokenMaxLifetimeDays: options.tokenMaxLifetimeDays ?? null,
    extendedMaxLifetimeDays: options.extendedMaxLifetimeDays ?? POLICY_DEFAULTS.extendedMaxLifetimeDays,
    sessionTtlMinutes: options.sessionTtlMinutes ?? POLICY_DEFAULTS.sessionTtlMinutes,
    allowHttpLoopbackIssuers: options.federation?.allowHttpLoopback ?? false,
  };
  const digest = secretDigester(options.tokenHashKey);
  const deps: Deps = {
    store: options.store,
    clock,
    policy,
    digest,
    limiter: new RateLimiter(clock, options.unauthenticatedRateLimit ?? POLICY_DEFAULTS.unauthenticatedRateLimit, 60_000),
    authenticator: new Authenticator(options.store, digest, clock),
    fingerprintKey: await fingerprintKey(options.store, options.tokenHashKey),
    publicUrl: options.publicUrl ? options.publicUrl.replace(/\/+$/, '') : null,
  };

  const { generatedToken } = await bootstrap(options.store, {
    email: options.bootstrapEmail ?? 'admin@warden.local',
    passwordHash: options.bootstrapPassword ? await hashPassword(options.bootstrapPassword) : null,
    token: options.bootstrapToken,
    digest: deps.digest,
    clock,
  });
  if (generatedToken) options.onGeneratedBootstrapToken?.(generatedToken);

  const app = Fastify({
    logger: options.logger === undefined ? false : options.logger,
    bodyLimit: MAX_BODY_BYTES,
    // One line per request, written when it completes (see the onResponse hook), not two.
    logController: new LogController({ disableRequestLogging: true }),
    // A caller's own request id is kept when it is plain; anything else is replaced.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    // The client address decides allowed_cidrs and rate limits: a forwarded one only from a trusted proxy.
    trustProxy: options.trustedProxies && options.trustedProxies.length > 0 ? options.trustedProxies : false,
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors: frameworkError,
    clientErrorHandler: clientError,
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // The server's clock decides expiry, so clients that plan around expiry (the providers'
    // rotation window) read the time from here rather than trusting their own.
    reply.header('date', clock.now().toUTCString());
  });
  app.addHook('onResponse', async (request, reply) => {
    // The user agent says which client (and which provider on which runtime) made the call.
    request.log.info(
      { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, ua: request.headers['user-agent'] },
      'request',
    );
  });
  // Bodies are JSON only (SCIM clients say application/scim+json); text/plain gets 415 like any
  // other type. An empty body with a JSON content type (a DELETE, say) counts as no body.
  app.removeContentTypeParser(['text/plain', 'application/json']);
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser(['application/json', 'application/scim+json'], { parseAs: 'string' }, (request, body, done) =>
    body === '' ? done(null, undefined) : parseJson(request, body as string, done),
  );
  installProblemHandlers(app);
  registerMetrics(app);

  const openapi = JSON.stringify(openApiDocument(options.version ?? '0.0.0', packageLicense()));
  app.get(serverRoutes.openapi.path, async (_request, reply) => reply.type('application/json').send(openapi));
  app.get(serverRoutes.health.path, async () => ({ status: 'ok' }));
  app.get(serverRoutes.readiness.path, async (_request, reply) => {
    try {
      await options.store.ping();
      return { status: 'ready', store: options.store.kind };
    } catch {
      return reply.code(503).send({ status: 'unavailable', store: options.store.kind });
    }
  });

  registerContractRoutes(app, deps);
  registerSpecialRoutes(app, deps);
  registerScimRoutes(app, deps);
  await registerOAuthRoutes(app, deps, new FederationVerifier(clock, options.federation));
  await app.register(consolePlugin);
  return app;
}
