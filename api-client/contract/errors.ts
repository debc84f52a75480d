import type { OAuthErrorCode } from './federation';
import { MAX_BODY_TEXT } from './limits';

/**
 * Every error Warden reports, once, in the shape of Fastify's `lib/errors.js`: a stable code, the
 * HTTP status and title it is sent with, and a detail that says what to do next. The server
 * builds each refusal from an entry here; clients and providers match on `code`.
 */
export interface ErrorEntry<Code extends string = string, Args extends unknown[] = never[]> {
  code: Code;
  status: number;
  title: string;
  detail: (...args: Args) => string;
  /** SCIM errors (RFC 7644 section 3.12): the `scimType` sent with the error, when it has one. */
  scimType?: string;
  /** OAuth token-endpoint errors (RFC 6749 section 5.2): the `error` sent. */
  oauth?: OAuthErrorCode | 'server_error';
}

function entry<const Code extends string, Args extends unknown[]>(
  code: Code,
  status: number,
  title: string,
  detail: (...args: Args) => string,
  rfc: Pick<ErrorEntry, 'scimType' | 'oauth'> = {},
) {
  return { code, status, title, detail, ...rfc } satisfies ErrorEntry<Code, Args>;
}

/** SCIM and OAuth refusals say their reason where they are raised; the entry fixes code, status and wire fields. */
const given = (detail: string) => detail;

export const ERRORS = {
  VALIDATION: entry('WARDEN_ERR_VALIDATION', 400, 'Invalid request', (errs: { path: string; message: string }[]) =>
    errs.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; '),
  ),
  POLICY: entry('WARDEN_ERR_POLICY', 400, 'Refused by policy', (path: string, message: string) => `${path}: ${message}`),
  BAD_REQUEST: entry(
    'WARDEN_ERR_BAD_REQUEST',
    400,
    'Bad Request',
    (what: 'unreadable' | 'unroutable' | 'not_http') =>
      ({
        unreadable: 'The request could not be read; check its body, headers and content type.',
        unroutable: 'The request could not be routed; check its URL.',
        not_http: 'The request is not valid HTTP/1.1; check the request line and headers.',
      })[what],
  ),
  BAD_URL: entry('WARDEN_ERR_BAD_URL', 400, 'Bad Request', () => 'The URL has a malformed percent-escape; encode "%" as %25.'),
  UNAUTHENTICATED: entry('WARDEN_ERR_UNAUTHENTICATED', 401, 'Unauthorized', () => 'Send a valid, unexpired API token as "Authorization: Bearer <token>".'),
  INVALID_CREDENTIALS: entry('WARDEN_ERR_INVALID_CREDENTIALS', 401, 'Unauthorized', () => 'The email or password is wrong.'),
  SERVICE_ACCOUNT_LOGIN: entry(
    'WARDEN_ERR_SERVICE_ACCOUNT_LOGIN',
    401,
    'Unauthorized',
    () => 'Service accounts cannot sign in with a password; use one of their API tokens instead.',
  ),
  FORBIDDEN: entry(
    'WARDEN_ERR_FORBIDDEN',
    403,
    'Forbidden',
    (permission: string, scope: string) => `This needs the "${permission}" permission ${scope}; ask an administrator for a role binding that grants it.`,
  ),
  ESCALATION: entry(
    'WARDEN_ERR_ESCALATION',
    403,
    'Forbidden',
    (role: string, missing: string[]) => `You cannot grant role "${role}": you do not hold ${missing.map((p) => `"${p}"`).join(', ')} at that scope yourself.`,
  ),
  TOKEN_SCOPE: entry('WARDEN_ERR_TOKEN_SCOPE', 403, 'Forbidden', (needed: 'api' | 'scim') =>
    needed === 'scim'
      ? 'This token\'s scopes do not include "scim"; SCIM needs a token created with scopes ["scim"] whose owner holds the "scim" permission at organization scope.'
      : "This token's scopes do not allow this endpoint (a SCIM-only token reaches /scim/v2 only).",
  ),
  NOT_FOUND: entry('WARDEN_ERR_NOT_FOUND', 404, 'Not Found', (what: string, id: string) => `${what} "${id}" does not exist.`),
  NO_ROUTE: entry('WARDEN_ERR_NO_ROUTE', 404, 'Not Found', (method: string, path: string) => `No endpoint ${method} ${path}; see /v1/openapi.json.`),
  METHOD_NOT_ALLOWED: entry(
    'WARDEN_ERR_METHOD_NOT_ALLOWED',
    405,
    'Method Not Allowed',
    (path: string, method: string, allowed: string[]) => `${path} does not answer ${method}; it answers ${allowed.join(', ')}.`,
  ),
  /** `thing` says what is named, e.g. `project named "web"`; `where`, the scope of uniqueness. */
  NAME_TAKEN: entry(
    'WARDEN_ERR_NAME_TAKEN',
    409,
    'Conflict',
    (thing: string, where = '', next = 'choose another name') => `A ${thing} already exists${where ? ` ${where}` : ''}; ${next}.`,
  ),
  BINDING_EXISTS: entry(
    'WARDEN_ERR_BINDING_EXISTS',
    409,
    'Conflict',
    (role: string, scope: string, existingId?: string) => `Role "${role}" is already bound ${scope}${existingId ? ` as "${existingId}"` : ''}.`,
  ),
  BUILT_IN_ROLE: entry('WARDEN_ERR_BUILT_IN_ROLE', 409, 'Conflict', (role: string) => `Role "${role}" is built in and cannot be changed; create a custom role instead.`),
  ROLE_IN_USE: entry(
    'WARDEN_ERR_ROLE_IN_USE',
    409,
    'Conflict',
    (role: string, bindingId: string) => `Role "${role}" is still bound (binding "${bindingId}"); delete its bindings first.`,
  ),
  PROJECT_IN_USE: entry(
    'WARDEN_ERR_PROJECT_IN_USE',
    409,
    'Conflict',
    (id: string, accounts: number) => `Project "${id}" still holds ${accounts} service account(s); delete them first.`,
  ),
  LAST_ADMIN: entry(
    'WARDEN_ERR_LAST_ADMIN',
    409,
    'Conflict',
    (id: string) => `"${id}" is the last active organization admin; grant the admin role at organization scope to another person or service account first.`,
  ),
  /** `tokenId` null: the token an Idempotency-Key created, found revoked on a replay. */
  TOKEN_REVOKED: entry('WARDEN_ERR_TOKEN_REVOKED', 409, 'Conflict', (tokenId: string | null) =>
    tokenId === null
      ? 'The token created under this Idempotency-Key has since been revoked; create a new one with a new key.'
      : `Token "${tokenId}" was revoked; create a new token instead.`,
  ),
  SECRET_REUSED: entry(
    'WARDEN_ERR_SECRET_REUSED',
    409,
    'Conflict',
    () => 'secret: this secret was issued before; a secret is accepted once. Generate a fresh one (a new ephemeral warden_secret, or `warden-server new-token`).',
  ),
  IDEMPOTENCY_IN_PROGRESS: entry(
    'WARDEN_ERR_IDEMPOTENCY_IN_PROGRESS',
    409,
    'Conflict',
    () => 'A request with this Idempotency-Key is being processed; retry it shortly to get its result.',
  ),
  PRECONDITION_FAILED: entry(
    'WARDEN_ERR_PRECONDITION_FAILED',
    412,
    'Precondition Failed',
    () => 'The resource changed since you read it (If-Match does not match its etag); read it again and retry.',
  ),
  TOO_LARGE: entry('WARDEN_ERR_TOO_LARGE', 413, 'Content Too Large', () => `The body is larger than this server accepts (${MAX_BODY_TEXT}).`),
  UNSUPPORTED_MEDIA_TYPE: entry('WARDEN_ERR_UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported Media Type', (mediaType: string) => `Send the body as ${mediaType}.`),
  IDEMPOTENCY_MISMATCH: entry(
    'WARDEN_ERR_IDEMPOTENCY_MISMATCH',
    422,
    'Unprocessable Content',
    () => 'This Idempotency-Key was used with a different request; use a new key for a new request.',
  ),
  RATE_LIMITED: entry('WARDEN_ERR_RATE_LIMITED', 429, 'Too Many Requests', (retryAfterSeconds: number) => `Slow down; retry after ${retryAfterSeconds} seconds.`),
  HEADERS_TOO_LARGE: entry(
    'WARDEN_ERR_HEADERS_TOO_LARGE',
    431,
    'Request Header Fields Too Large',
    () => 'The request headers are larger than this server accepts; send fewer or shorter headers.',
  ),
  // The problem document carries the request id (request_id): the detail does not repeat it.
  INTERNAL: entry('WARDEN_ERR_INTERNAL', 500, 'Internal Server Error', () => 'Something went wrong on the server; retry later, and quote the request id when you report it.'),

  // SCIM (RFC 7644 section 3.12): the code is Warden's, carried in an extension of the SCIM error.
  SCIM_INVALID_SYNTAX: entry('WARDEN_ERR_SCIM_INVALIDSYNTAX', 400, 'SCIM error', given, { scimType: 'invalidSyntax' }),
  SCIM_INVALID_VALUE: entry('WARDEN_ERR_SCIM_INVALIDVALUE', 400, 'SCIM error', given, { scimType: 'invalidValue' }),
  SCIM_INVALID_FILTER: entry('WARDEN_ERR_SCIM_INVALIDFILTER', 400, 'SCIM error', () => 'Supported filters: userName eq "..." and externalId eq "..."', {
    scimType: 'invalidFilter',
  }),
  SCIM_NO_TARGET: entry('WARDEN_ERR_SCIM_NOTARGET', 400, 'SCIM error', () => 'An operation needs a path, or an object value for add and replace', { scimType: 'noTarget' }),
  SCIM_NOT_FOUND: entry('WARDEN_ERR_SCIM_404', 404, 'SCIM error', given),
  SCIM_PRECONDITION_FAILED: entry(
    'WARDEN_ERR_SCIM_412',
    412,
    'SCIM error',
    (id: string) => `User ${id} changed since it was read (If-Match does not match its version); read it again and retry.`,
  ),
  SCIM_UNIQUENESS: entry('WARDEN_ERR_SCIM_UNIQUENESS', 409, 'SCIM error', (userName: string) => `userName ${userName} is already taken`, { scimType: 'uniqueness' }),

  // OAuth 2.0 token endpoint (RFC 6749 section 5.2): `error` and `error_description` on the wire.
  OAUTH_INVALID_REQUEST: entry('WARDEN_ERR_OAUTH_INVALID_REQUEST', 400, 'invalid_request', given, { oauth: 'invalid_request' }),
  OAUTH_INVALID_GRANT: entry('WARDEN_ERR_OAUTH_INVALID_GRANT', 400, 'invalid_grant', given, { oauth: 'invalid_grant' }),
  OAUTH_INVALID_TARGET: entry('WARDEN_ERR_OAUTH_INVALID_TARGET', 400, 'invalid_target', given, { oauth: 'invalid_target' }),
  OAUTH_INVALID_SCOPE: entry('WARDEN_ERR_OAUTH_INVALID_SCOPE', 400, 'invalid_scope', given, { oauth: 'invalid_scope' }),
  OAUTH_UNSUPPORTED_GRANT_TYPE: entry('WARDEN_ERR_OAUTH_UNSUPPORTED_GRANT_TYPE', 400, 'unsupported_grant_type', given, { oauth: 'unsupported_grant_type' }),
  OAUTH_INVALID_CLIENT: entry('WARDEN_ERR_OAUTH_INVALID_CLIENT', 400, 'invalid_client', given, { oauth: 'invalid_client' }),
  OAUTH_SERVER_ERROR: entry(
    'WARDEN_ERR_OAUTH_SERVER_ERROR',
    500,
    'server_error',
    (requestId: string) => `the exchange failed on the server; retry later and quote request id ${requestId}`,
    { oauth: 'server_error' },
  ),
} as const;

type AnyEntry = (typeof ERRORS)[keyof typeof ERRORS];

/** The entry of an RFC 6749 `error`, as a client reads it back. */
export function oauthEntry(error: OAuthErrorCode | 'server_error'): AnyEntry {
  return Object.values(ERRORS).find((e) => 'oauth' in e && e.oauth === error)!;
}

/** Failures on the client's side of the wire: no answer, an unusable answer, a bad endpoint. */
export const CLIENT_ERROR_CODES = ['WARDEN_CLIENT_ERR_ENDPOINT', 'WARDEN_CLIENT_ERR_NETWORK', 'WARDEN_CLIENT_ERR_TIMEOUT', 'WARDEN_CLIENT_ERR_RESPONSE'] as const;

/** Every code a Warden error can carry; `WARDEN_CLIENT_ERR_HTTP_<status>` is an error answer without a Warden code (a proxy's page, say). */
export type WardenErrorCode = AnyEntry['code'] | (typeof CLIENT_ERROR_CODES)[number] | `WARDEN_CLIENT_ERR_HTTP_${number}`;
