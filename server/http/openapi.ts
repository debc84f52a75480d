import { z } from 'zod';
import { Problem, type RouteDef, routes } from '../../api-client/contract';

const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

function parameters(def: RouteDef) {
  const out: object[] = [];
  for (const [where, schema] of [['path', def.params], ['query', def.query]] as const) {
    if (!schema) continue;
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, object>; required?: string[] };
    for (const [name, s] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s });
    }
  }
  if (def.ifMatch) out.push({ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'The etag last read; 412 when the resource changed since.' });
  if (def.method === 'POST') {
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
function requestSchema(def: RouteDef): object {
  const schema = z.toJSONSchema(def.body!, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, object> };
  for (const field of def.secretFields ?? []) {
    const property = schema.properties?.[field];
    if (property) schema.properties![field] = { ...property, format: 'password', writeOnly: true };
  }
  return schema;
}

const NO_STORE_HEADERS = {
  'Cache-Control': { description: 'no-store: the body carries a secret', schema: { type: 'string', const: 'no-store' } },
  Pragma: { description: 'no-cache, for HTTP/1.0 caches', schema: { type: 'string', const: 'no-cache' } },
};

/** OpenAPI 3.1, generated from the same zod schemas the server validates with. */
export function openApiDocument(version: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const [operationId, def] of Object.entries(routes) as [string, RouteDef][]) {
    const path = def.path.replace(/:([a-z_]+)/g, '{$1}');
    const responses: Record<string, object> = {
      [def.status]: def.response
        ? {
            description: def.secretResponse ? 'Success; the secret is in this response only' : 'Success',
            ...(def.secretResponse ? { headers: NO_STORE_HEADERS } : {}),
            content: { 'application/json': { schema: z.toJSONSchema(def.response, { io: 'output', unrepresentable: 'any' }) } },
          }
        : { description: 'Success, no content' },
      '400': problemResponse('Invalid input; `errors` names each field'),
      '429': problemResponse('Rate limited; see Retry-After'),
    };
    if (def.auth === 'token') Object.assign(responses, { '401': problemResponse('Missing or invalid credentials'), '403': problemResponse('Not allowed') });
    if (def.params) responses['404'] = problemResponse('Not found');
    if (def.method !== 'GET') responses['409'] = problemResponse('Conflict: duplicate name, still in use, or already bound (existing_id)');
    if (def.ifMatch) responses['412'] = problemResponse('If-Match does not match the etag');
    (paths[path] ??= {})[def.method.toLowerCase()] = {
      operationId,
      summary: def.summary,
      ...(def.auth === 'token' ? {} : { security: [] }),
      parameters: parameters(def),
      ...(def.body ? { requestBody: { required: true, content: { 'application/json': { schema: requestSchema(def) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Warden reference server',
      version,
      description:
        'Service accounts, role bindings and API tokens. Errors are RFC 9457 problem documents with a stable `code`. Lists take `limit` (1-500) and `page_token`. Token secrets appear only in creation and regenerate responses.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token (wdn_...) or a session token; "Token <secret>" is accepted too.' } },
      schemas: { Problem: z.toJSONSchema(Problem, { io: 'output' }) },
    },
    paths,
  };
}
