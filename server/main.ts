import type { FastifyInstance } from 'fastify';
import { resolve } from 'node:path';
import { buildApp } from './app';
import { readEnv } from './config';
import { openStore } from './store';
import { packageVersion } from './version';

/** Reads the environment, opens the store, listens, and shuts down cleanly on SIGTERM/SIGINT. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<FastifyInstance> {
  const config = readEnv(env);
  const store = await openStore(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: resolve(config.WARDEN_DATA_DIR) });
  const app = await buildApp({
    store,
    logger: { level: config.WARDEN_LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    bootstrapToken: config.WARDEN_BOOTSTRAP_TOKEN,
    bootstrapEmail: config.WARDEN_BOOTSTRAP_EMAIL,
    bootstrapPassword: config.WARDEN_BOOTSTRAP_PASSWORD,
    onGeneratedBootstrapToken: (secret) =>
      process.stderr.write(`\nBootstrap admin token (shown once; store it now, e.g. as WARDEN_TOKEN):\n\n  ${secret}\n\n`),
    tokenHashKey: config.WARDEN_TOKEN_HASH_KEY,
    tokenMaxLifetimeDays: config.WARDEN_TOKEN_MAX_LIFETIME_DAYS ?? null,
    extendedMaxLifetimeDays: config.WARDEN_EXTENDED_MAX_LIFETIME_DAYS,
    sessionTtlMinutes: config.WARDEN_SESSION_TTL_MINUTES,
    unauthenticatedRateLimit: config.WARDEN_RATE_LIMIT_PER_MINUTE,
    version: packageVersion(),
  });
  app.addHook('onClose', () => store.close());
  await app.listen({ host: config.WARDEN_HOST, port: config.WARDEN_PORT });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  return app;
}
