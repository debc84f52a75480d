import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ERRORS, MAX_BODY_TEXT, routes } from '../../api-client/contract';
import { writeAudit } from '../domain/audit';
import { type FederationVerifier, type RefusalContext, exchangeToken } from '../domain/federation';
import { ApiError, isOAuthRefusal, oauthRefusal, refuse } from '../errors';
import { type Deps, ANONYMOUS, contextFor } from './deps';
import { fieldErrors } from './problems';

const FORM = 'application/x-www-form-urlencoded';
/** A parsed form, and the names given more than once (RFC 6749 section 3.2 forbids repeats). */
interface Form {
  values: Record<string, string>;
  repeated: string[];
}

/** RFC 6749 section 5.2: the entry's `error`, the refusal's detail as `error_description`. */
function sendRefusal(reply: FastifyReply, refusal: ApiError): FastifyReply {
  return reply.code(refusal.status).type('application/json').send({ error: refusal.entry.oauth, error_description: refusal.message });
}

/**
 * `POST /v1/oauth/token`, in its own plugin scope: it alone reads form bodies, and every refusal
 * it makes is an RFC 6749 error document, not a problem.
 */
export async function registerOAuthRoutes(app: FastifyInstance, deps: Deps, verifier: FederationVerifier): Promise<void> {
  const def = routes.exchangeToken;
  await app.register(async (scope) => {
    scope.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) => {
      const values: Record<string, string> = {};
      const repeated: string[] = [];
      for (const [k, v] of new URLSearchParams(body as string)) {
        if (k in values) repeated.push(k);
        values[k] = v;
      }
      done(null, { values, repeated } satisfies Form);
    });
    scope.setErrorHandler((err: FastifyError, request, reply) => {
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      if (isOAuthRefusal(err)) return sendRefusal(reply, err);
      if (err instanceof ApiError || (err.statusCode !== undefined && err.statusCode < 500)) {
        return sendRefusal(reply, oauthRefusal('invalid_request', `send the parameters as ${FORM} (at most ${MAX_BODY_TEXT})`));
      }
      request.log.error({ err: { message: err.message, code: err.code } }, 'token exchange failed');
      return sendRefusal(reply, refuse(ERRORS.OAUTH_SERVER_ERROR, request.id));
    });
    scope.post(def.path, async (request, reply) => {
      // RFC 6749 section 5.1: token responses and their errors are never cached.
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      const form = request.body as Form | undefined;
      if (!form || typeof form !== 'object' || !('values' in form)) throw oauthRefusal('invalid_request', `send the parameters as ${FORM}`);
      if (form.repeated.length > 0) throw oauthRefusal('invalid_request', `${form.repeated[0]} is given more than once`);
      if (form.values.grant_type !== undefined && form.values.grant_type !== '' && form.values.grant_type !== 'urn:ietf:params:oauth:grant-type:token-exchange') {
        throw oauthRefusal('unsupported_grant_type', 'grant_type must be urn:ietf:params:oauth:grant-type:token-exchange');
      }
      const parsed = def.body.safeParse(form.values);
      if (!parsed.success) {
        const first = fieldErrors(parsed.error)[0]!;
        throw oauthRefusal('invalid_request', `${first.path || 'body'}: ${first.message}`);
      }
      const refusal: RefusalContext = { credentialId: null };
      try {
        const answer = await exchangeToken(
          { store: deps.store, verifier, clock: deps.clock },
          parsed.data,
          (fn) => deps.store.transaction((tx) => fn(contextFor(deps, request, ANONYMOUS, tx))),
          refusal,
        );
        return reply.code(200).type('application/json').send(answer);
      } catch (err) {
        if (isOAuthRefusal(err)) {
          // Audited without the token or its unverified claims: only which credential refused it.
          await writeAudit(
            deps.store,
            { user_type: 'anonymous', id: null, token_id: null },
            { action: 'token.exchange_refused', target: { type: 'federated_credential', id: refusal.credentialId }, outcome: 'failure' },
            request.id,
            deps.clock.now(),
          );
        }
        throw err;
      }
    });
  });
}
