import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ApiError, type FieldError, errors } from '../errors';
import { ScimError } from '../domain/scim';
import { SCIM_ERROR_SCHEMA } from '../../api-client/contract';

/** zod issue paths become the dotted field paths clients and providers map onto their own. */
export function fieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== undefined && p !== '').join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ path: [path, k].filter(Boolean).join('.'), message: 'is not a known field' }));
    }
    return [{ path, message: issue.message }];
  }).flat();
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw errors.validation(fieldErrors(result.error, prefix));
  return result.data;
}

/** Warden's stable code travels in an extension of the SCIM error message (RFC 7644 section 3.12). */
export const SCIM_WARDEN_ERROR_SCHEMA = 'urn:warden:params:scim:api:messages:2.0:Error';

function sendProblem(reply: FastifyReply, err: ApiError): FastifyReply {
  for (const [k, v] of Object.entries(err.extra.headers ?? {})) reply.header(k, v);
  // Identity providers read SCIM errors only: every refusal under /scim is one, whatever raised it.
  if (reply.request.url.startsWith('/scim/')) {
    const scimType = err instanceof ScimError ? err.scimType : undefined;
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

/** Fastify's own refusals (parsing, size, media type) as problems with stable codes. */
function fromFastify(err: FastifyError): ApiError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.field('', 'the body is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'WARDEN_ERR_TOO_LARGE', 'Content Too Large', 'The body is larger than this server accepts (64 KiB).');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'WARDEN_ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type', 'Send the body as application/json.');
  }
  if (err instanceof SyntaxError || (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500)) {
    return new ApiError(err.statusCode ?? 400, 'WARDEN_ERR_BAD_REQUEST', 'Bad Request', 'The request could not be read; check its body, headers and content type.');
  }
  return null;
}

/** One error handler: known refusals as problems, everything else a plain 500 (logged, never echoed). */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = err instanceof ApiError ? err : fromFastify(err);
    if (known) return sendProblem(reply, known);
    request.log.error({ err }, 'unhandled error');
    return sendProblem(reply, new ApiError(500, 'WARDEN_ERR_INTERNAL', 'Internal Server Error', `Something went wrong on the server; retry later and quote request id ${request.id}.`));
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, new ApiError(404, 'WARDEN_ERR_NO_ROUTE', 'Not Found', `No endpoint ${request.method} ${request.url.split('?')[0]}; see /v1/openapi.json.`)),
  );
}
