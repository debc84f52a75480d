import { z } from 'zod';
import { ERRORS, MAX_BODY_TEXT, OAuthError, Problem, type RouteDef, ScimErrorDocument, routes, scimRoutes, sendsEtag, serverRoutes } from '../../api-client/contract';

/** Everything the server answers, in the order the document lists it. */
export const documentedRoutes: Record<string, RouteDef> = { ...routes, ...scimRoutes, ...serverRoutes };

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;
/** Methods whose bodies Fastify reads (and refuses with 413 or 415), whatever the route declares. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
const openApiPath = (path: string) => path.replace(/:([a-z_]+)/g, '{$1}');

/** Response headers, declared once; a response names the ones it sends. */
const HEADERS = {
  'X-Request-Id': { description: "The request's id (the caller's own when it sent a plain one); quoted in problems and logs", required: true, schema: { type: 'string' } },
  ETag: { description: "The resource's version, as in its body; send it back in If-Match", required: true, schema: { type: 'string' } },
  Location: { description: 'The URL of the created resource (built from WARDEN_PUBLIC_URL, else an absolute path)', required: true, schema: { type: 'string' } },
  'Retry-After': { description: 'Seconds until the rate limit window ends', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } },
  Allow: { description: 'The methods this path answers', required: true, schema: { type: 'string' } },
  'WWW-Authenticate': { description: 'Bearer realm="warden"', required: true, schema: { type: 'string' } },
  'Cache-Control': { description: 'no-store: every answer of a route whose success carries a secret', required: true, schema: { type: 'string', const: 'no-store' } },
  Pragma: { description: 'no-cache, for HTTP/1.0 caches', required: true, schema: { type: 'string', const: 'no-cache' } },
} as const;
type HeaderName = keyof typeof HEADERS;
/** Headers a status always carries, whichever route answers it. */
const HEADERS_BY_STATUS: Record<string, HeaderName[]> = { '401': ['WWW-Authenticate'], '405': ['Allow'], '429': ['Retry-After'] };

/**
 * The refusals, each with the rule that says which routes give it: the route table declares the
 * facts (auth, params, If-Match, methods, rate limits) and these rules turn them into statuses.
 */
const REFUSALS: { status: number; description: string; applies: (def: RouteDef) => boolean }[] = [
  { status: 400, description: 'Invalid input (`errors` names each field), malformed JSON or a malformed URL escape', applies: () => true },
  { status: 401, description: 'Missing, malformed, unknown, expired or revoked credentials', applies: (d) => d.auth === 'token' },
  { status: 403, description: 'Authenticated but not allowed (missing permission, token scope, escalation)', applies: (d) => d.auth === 'token' },
  { status: 404, description: 'Not found', applies: (d) => d.params !== undefined },
  {
    status: 409,
    description: 'Conflict: duplicate name, still in use, already bound (existing_id), the last organization admin, a revoked token on replay',
    applies: (d) => d.method !== 'GET' && d.auth === 'token',
  },
  { status: 412, description: 'If-Match does not match the current etag', applies: (d) => d.ifMatch === true },
  { status: 413, description: `The body is larger than ${MAX_BODY_TEXT}`, applies: (d) => BODY_METHODS.has(d.method) },
  { status: 415, description: 'The body is not JSON', applies: (d) => BODY_METHODS.has(d.method) },
  { status: 422, description: `The Idempotency-Key was used with another body (${ERRORS.IDEMPOTENCY_MISMATCH.code})`, applies: idempotent },
  { status: 429, description: 'Rate limited per client address; see Retry-After', applies: (d) => d.rateLimited === true },
];

function idempotent(def: RouteDef): boolean {
  return def.method === 'POST' && def.errorFormat !== 'scim' && def.errorFormat !== 'oauth';
}

const ERROR_CONTENT = {
  problem: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  scim: { 'application/scim+json': { schema: { $ref: '#/components/schemas/ScimError' } } },
  oauth: { 'application/json': { schema: { $ref: '#/components/schemas/OAuthError' } } },
};

function headersOf(names: HeaderName[]): Record<string, { $ref: string }> {
  return Object.fromEntries(['X-Request-Id' as const, ...names].map((n) => [n, { $ref: `#/components/headers/${n}` }]));
}

interface ResponseObject {
  description: string;
  headers: Record<string, { $ref: string }>;
  content?: Record<string, { schema: object }>;
}

/** Every answer of a route: its success, the refusals its facts imply, and what it declares besides. */
function answersOf(def: RouteDef): Record<string, ResponseObject> {
  const media = def.mediaType ?? 'application/json';
  // A route whose success carries a secret sends no-store on every answer, refusals included.
  // The OAuth token endpoint too (RFC 6749 section 5.1), whose secret is not a stored credential.
  const always: HeaderName[] = def.secretResponse || def.errorFormat === 'oauth' ? ['Cache-Control', 'Pragma'] : [];
  const errorContent = ERROR_CONTENT[def.errorFormat ?? 'problem'];
  const out: Record<string, ResponseObject> = {};
  const add = (status: number, description: string, content?: ResponseObject['content'], extra: HeaderName[] = []) => {
    const key = String(status);
    const existing = out[key];
    const headers = headersOf([...always, ...(HEADERS_BY_STATUS[key] ?? []), ...extra]);
    if (existing && content && existing.content && !Object.keys(content).some((m) => m in existing.content!)) {
      existing.description += `; or ${description}`;
      Object.assign(existing.content, content);
    } else out[key] = { description, headers, ...(content ? { content } : {}) };
  };
  const success = def.response ? { [media]: { schema: jsonSchema(def.response, 'output') } } : undefined;
  const successHeaders: HeaderName[] = [...(sendsEtag(def) ? (['ETag'] as const) : []), ...(def.location ? (['Location'] as const) : [])];
  add(def.status, def.secretResponse ? 'Success; the secret is in this response only' : def.response ? 'Success' : 'Success, no content', success, successHeaders);
  for (const r of REFUSALS) if (r.applies(def)) add(r.status, r.description, errorContent);
  for (const r of def.otherResponses ?? []) {
    add(r.status, r.description, r.body ? { [r.mediaType ?? media]: { schema: jsonSchema(r.body, 'output') } } : errorContent);
  }
  // Node refuses oversized headers before any route is chosen: always a problem document.
  add(431, 'The request headers are larger than the server accepts', ERROR_CONTENT.problem);
  return out;
}

function parameters(def: RouteDef) {
  const out: object[] = [];
  for (const [where, schema] of [
    ['path', def.params],
    ['query', def.query],
  ] as const) {
    if (!schema) continue;
    const json = jsonSchema(schema, 'input') as { properties?: Record<string, object>; required?: string[] };
    for (const [name, s] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s });
    }
  }
  if (def.ifMatch)
    out.push({
      name: 'If-Match',
      in: 'header',
      required: false,
      schema: { type: 'string' },
      description: 'The etag last read, a list of them, or `*`; 412 when the resource changed since.',
    });
  if (idempotent(def)) {
    out.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: idempotencyText(def) });
  }
  return out;
}

const REPLAY_TEXT = {
  reissue: 'Secrets are never stored: a repeat re-issues the secret of the same token (the undelivered one stops working at once).',
  new_session: 'Secrets are never stored: a repeat checks the password again, ends the session of the first attempt and answers a new one.',
};

function idempotencyText(def: RouteDef): string {
  const secretFields = def.secretFields?.length ? ` Secret fields (${def.secretFields.join(', ')}) are not part of what makes a repeat "the same".` : '';
  const replay = def.secretResponse ? ` ${REPLAY_TEXT[def.secretResponse.replay]}` : '';
  return `A repeat with the same key and body within 24 hours returns the first result and creates nothing; the same key with another body is 422.${secretFields}${replay}`;
}

/** Secret request fields are write-only passwords in the document, as in the contract. */
function requestBody(def: RouteDef): object {
  const schema = jsonSchema(def.body!, 'input') as { properties?: Record<string, object> };
  for (const field of def.secretFields ?? []) {
    const property = schema.properties?.[field];
    if (property) schema.properties![field] = { ...property, format: 'password', writeOnly: true };
  }
  // SCIM clients send application/scim+json; plain JSON is accepted too.
  const media = def.requestMediaType ? [def.requestMediaType] : def.mediaType && def.mediaType !== 'application/json' ? [def.mediaType, 'application/json'] : ['application/json'];
  return { required: true, content: Object.fromEntries(media.map((m) => [m, { schema }])) };
}

/**
 * A method a known path does not answer is 405 with Allow. OpenAPI can only say so as an
 * operation, so each such method gets one whose only answers are that refusal (and 431).
 */
function notAllowed(path: string, method: string): object {
  const errorContent = path.startsWith('/scim/') ? ERROR_CONTENT.scim : ERROR_CONTENT.problem;
  return {
    operationId: `notAllowed ${method.toUpperCase()} ${path}`,
    summary: `Not answered: ${method.toUpperCase()} is 405 on this path (Allow lists what is)`,
    tags: ['405'],
    security: [],
    responses: {
      '405': { description: `Method not allowed (${ERRORS.METHOD_NOT_ALLOWED.code})`, headers: headersOf(['Allow']), content: errorContent },
      '431': { description: 'The request headers are larger than the server accepts', headers: headersOf([]), content: ERROR_CONTENT.problem },
    },
  };
}

/** OpenAPI 3.1, generated from the same zod schemas the server validates with. */
export function openApiDocument(version: string, license = 'MPL-2.0'): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const [operationId, def] of Object.entries(documentedRoutes)) {
    (paths[openApiPath(def.path)] ??= {})[def.method.toLowerCase()] = {
      operationId,
      summary: def.summary,
      ...(def.auth === 'token' ? {} : { security: [] }),
      parameters: parameters(def),
      ...(def.body ? { requestBody: requestBody(def) } : {}),
      responses: answersOf(def),
    };
  }
  for (const [path, ops] of Object.entries(paths)) for (const m of METHODS) ops[m] ??= notAllowed(path, m);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Warden reference server',
      version,
      license: { name: license, identifier: license },
      description:
        'Service accounts, role bindings and API tokens. Errors are RFC 9457 problem documents with a stable `code` (SCIM errors are RFC 7644 error documents). Lists take `limit` (1-500) and `page_token`. Token secrets appear only in creation and regenerate responses, which are never cacheable. Every answer carries `X-Request-Id`; GET routes answer HEAD as well.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: [{ name: '405', description: 'Methods a path does not answer: 405 with Allow' }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token (wdn_...) or a session token; "Token <secret>" is accepted too. SCIM needs a token whose scopes include scim.',
        },
      },
      schemas: { Problem: jsonSchema(Problem, 'output'), ScimError: jsonSchema(ScimErrorDocument, 'output'), OAuthError: jsonSchema(OAuthError, 'output') },
      headers: HEADERS,
    },
    paths,
  };
}
