import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiError, type FieldError, errors, refuse } from '../errors';
import { ERRORS, SCIM_ERROR_SCHEMA } from '../../api-client/contract';

/** zod issue paths become the dotted field paths clients and providers map onto their own. */
export function fieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter((p) => p !== undefined && p !== '').join('.');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => ({ path: [path, k].filter(Boolean).join('.'), message: 'is not a known field' }));
      }
      return [{ path, message: issue.message }];
    })
    .flat();
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw errors.validation(fieldErrors(result.error, prefix));
  return result.data;
}

const isScim = (url: string) => url.startsWith('/scim/');

/** Warden's stable code travels in an extension of the SCIM error message (RFC 7644 section 3.12). */
export const SCIM_WARDEN_ERROR_SCHEMA = 'urn:warden:params:scim:api:messages:2.0:Error';

function sendProblem(reply: FastifyReply, err: ApiError): FastifyReply {
  for (const [k, v] of Object.entries(err.extra.headers ?? {})) reply.header(k, v);
  // Identity providers read SCIM errors only: every refusal under /scim is one, whatever raised it.
  if (isScim(reply.request.url)) {
    const { scimType } = err.entry;
    return reply
      .code(err.status)
      .type('application/scim+json')
      .send({
        schemas: [SCIM_ERROR_SCHEMA, SCIM_WARDEN_ERROR_SCHEMA],
        status: String(err.status),
        ...(scimType ? { scimType } : {}),
        detail: err.message,
        [SCIM_WARDEN_ERROR_SCHEMA]: { code: err.code, request_id: reply.request.id },
      });
  }
  return reply
    .code(err.status)
    .type('application/problem+json')
    .send({
      type: `urn:warden:error:${err.code}`,
      title: err.title,
      status: err.status,
      detail: err.message,
      code: err.code,
      request_id: reply.request.id,
      ...(err.extra.errors ? { errors: err.extra.errors } : {}),
      ...(err.extra.existing_id ? { existing_id: err.extra.existing_id } : {}),
    });
}

/** Fastify's own refusals (parsing, size, media type) as problems with stable codes; SCIM's in its terms. */
function fromFastify(err: FastifyError, scim: boolean): ApiError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return scim ? refuse(ERRORS.SCIM_INVALID_SYNTAX, 'The body is not valid JSON.') : errors.field('', 'the body is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return refuse(ERRORS.TOO_LARGE);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return refuse(ERRORS.UNSUPPORTED_MEDIA_TYPE, scim ? 'application/scim+json' : 'application/json');
  }
  if (err instanceof SyntaxError || (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500)) {
    return refuse(ERRORS.BAD_REQUEST, 'unreadable').with({ status: err.statusCode ?? 400 });
  }
  return null;
}

/** Patterns of every registered route with its methods, to tell 405 from 404. */
function methodIndex(app: FastifyInstance): (path: string) => string[] {
  const known: { pattern: RegExp; methods: string[] }[] = [];
  app.addHook('onRoute', (route) => {
    const source = route.url
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/:[A-Za-z_]+/g, '[^/]+')
      .replace(/\*/g, '.*');
    known.push({ pattern: new RegExp(`^${source}/?$`), methods: ([] as string[]).concat(route.method) });
  });
  return (path) => [...new Set(known.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods))].sort();
}

/** One error handler: known refusals as problems, everything else a plain 500 (logged, never echoed). */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = err instanceof ApiError ? err : fromFastify(err, isScim(request.url));
    if (known) return sendProblem(reply, known);
    request.log.error({ err }, 'unhandled error');
    return sendProblem(reply, refuse(ERRORS.INTERNAL));
  });
  const methodsOf = methodIndex(app);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = methodsOf(path);
    if (allowed.length > 0) {
      return sendProblem(reply, refuse(ERRORS.METHOD_NOT_ALLOWED, path, request.method, allowed).with({ headers: { allow: allowed.join(', ') } }));
    }
    return sendProblem(reply, refuse(ERRORS.NO_ROUTE, request.method, path));
  });
}

/** Fastify's refusals before routing (a malformed URL escape): problems too, with the request id. */
export function frameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // No route was chosen, so no-store is sent here for the routes whose every answer must carry it.
  reply.header('x-request-id', request.id).header('cache-control', 'no-store').header('pragma', 'no-cache');
  void sendProblem(reply, err.code === 'FST_ERR_BAD_URL' ? refuse(ERRORS.BAD_URL) : refuse(ERRORS.BAD_REQUEST, 'unroutable'));
}

/**
 * Node's own refusals, before any request object exists (a malformed request line, headers over
 * the size limit): a problem document with a fresh request id, written to the socket.
 */
export function clientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return;
  const refusal = err.code === 'HPE_HEADER_OVERFLOW' ? refuse(ERRORS.HEADERS_TOO_LARGE) : refuse(ERRORS.BAD_REQUEST, 'not_http');
  const requestId = randomUUID();
  const body = JSON.stringify({
    type: `urn:warden:error:${refusal.code}`,
    title: refusal.title,
    status: refusal.status,
    detail: refusal.message,
    code: refusal.code,
    request_id: requestId,
  });
  socket.end(
    `HTTP/1.1 ${refusal.status} ${refusal.title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nCache-Control: no-store\r\nPragma: no-cache\r\nConnection: close\r\n\r\n${body}`,
  );
}
