import type { FastifyInstance } from 'fastify';
import type { SessionCreate, UserCreate } from '../../api-client/contract';
import { writeAudit } from '../domain/audit';
import { reportLeak, revokeById } from '../domain/token-secrets';
import { type UserRow, checkPassword, createSession, createUser, hashPassword } from '../domain/users';
import { errors } from '../errors';
import { registerContractRoute } from './contract-routes';
import type { Deps } from './deps';

/** Routes whose work does not fit one domain call inside one transaction. */
export function registerSpecialRoutes(app: FastifyInstance, deps: Deps): void {
  // Password checks (scrypt) run before the transaction; refusals are audited and look alike,
  // except that a service account's name gets its own code so people learn to use a token.
  registerContractRoute(
    app,
    deps,
    'createSession',
    async (ctx, { prepared }) => {
      const user = prepared as UserRow;
      const session = await createSession(ctx, user);
      await writeAudit(
        ctx.db,
        { user_type: 'user', id: user.id, token_id: null },
        { action: 'session.create', target: { type: 'session', id: null }, outcome: 'success' },
        ctx.requestId,
        ctx.clock.now(),
      );
      return session;
    },
    {
      prepare: async (request, input) => {
        deps.limiter.check(`session:${request.ip}`);
        const body = input.body as SessionCreate;
        const signIn = await checkPassword(deps.store, body.email, body.password);
        if (signIn.ok) return signIn.user;
        await writeAudit(
          deps.store,
          { user_type: signIn.serviceAccountId ? 'service' : 'anonymous', id: signIn.serviceAccountId ?? signIn.userId, token_id: null },
          { action: 'session.refused', target: { type: 'session', id: null }, outcome: 'failure' },
          request.id,
          deps.clock.now(),
        );
        throw signIn.serviceAccountId ? errors.serviceAccountLogin() : errors.invalidCredentials();
      },
    },
  );

  registerContractRoute(app, deps, 'deleteSession', async (ctx) => {
    if (ctx.principal.token_kind !== 'session' || ctx.principal.token_id === null) {
      throw errors.field('authorization', 'sign out needs a session token; revoke API tokens through their own endpoint');
    }
    await revokeById(ctx, ctx.principal.token_id, 'session.delete');
  });

  registerContractRoute(app, deps, 'createUser', (ctx, { body, prepared }) => createUser(ctx, body as UserCreate, prepared as string | null), {
    prepare: async (_request, input) => ((input.body as UserCreate).password ? hashPassword((input.body as UserCreate).password!) : null),
  });

  // Secret scanners report here without credentials. The answer is the same whatever was sent.
  registerContractRoute(app, deps, 'reportLeak', (ctx, { body }) => reportLeak(ctx, (body as { token: string }).token), {
    prepare: async (request) => deps.limiter.check(`leak:${request.ip}`),
  });
}
