/**
 * Every refusal the server makes, with a stable code clients match on. The HTTP layer turns
 * these into RFC 9457 problem documents; anything else becomes a plain 500.
 */
export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly extra: { errors?: FieldError[]; existing_id?: string; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }
}

export const errors = {
  validation: (errs: FieldError[]) =>
    new ApiError(400, 'WARDEN_ERR_VALIDATION', 'Invalid request', errs.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; '), { errors: errs }),
  field: (path: string, message: string) => errors.validation([{ path, message }]),
  unauthenticated: () =>
    new ApiError(401, 'WARDEN_ERR_UNAUTHENTICATED', 'Unauthorized', 'Send a valid, unexpired API token as "Authorization: Bearer <token>".', {
      headers: { 'www-authenticate': 'Bearer realm="warden"' },
    }),
  invalidCredentials: () =>
    new ApiError(401, 'WARDEN_ERR_INVALID_CREDENTIALS', 'Unauthorized', 'The email or password is wrong.', {
      headers: { 'www-authenticate': 'Bearer realm="warden"' },
    }),
  serviceAccountLogin: () =>
    new ApiError(401, 'WARDEN_ERR_SERVICE_ACCOUNT_LOGIN', 'Unauthorized', 'Service accounts cannot sign in with a password; use one of their API tokens instead.', {
      headers: { 'www-authenticate': 'Bearer realm="warden"' },
    }),
  forbidden: (permission: string, scope: string) =>
    new ApiError(403, 'WARDEN_ERR_FORBIDDEN', 'Forbidden', `This needs the "${permission}" permission ${scope}; ask an administrator for a role binding that grants it.`),
  escalation: (role: string, missing: string[]) =>
    new ApiError(403, 'WARDEN_ERR_ESCALATION', 'Forbidden', `You cannot grant role "${role}": you do not hold ${missing.map((p) => `"${p}"`).join(', ')} at that scope yourself.`),
  scopeDenied: (needed: 'api' | 'scim' = 'api') =>
    new ApiError(
      403,
      'WARDEN_ERR_TOKEN_SCOPE',
      'Forbidden',
      needed === 'scim'
        ? 'This token\'s scopes do not include "scim"; SCIM needs a token created with scopes ["scim"] whose owner holds the "scim" permission at organization scope.'
        : 'This token\'s scopes do not allow this endpoint (a SCIM-only token reaches /scim/v2 only).',
    ),
  notFound: (what: string, id: string) => new ApiError(404, 'WARDEN_ERR_NOT_FOUND', 'Not Found', `${what} "${id}" does not exist.`),
  conflict: (code: string, detail: string, existingId?: string) =>
    new ApiError(409, code, 'Conflict', detail, existingId ? { existing_id: existingId } : {}),
  lastAdmin: (id: string) =>
    errors.conflict(
      'WARDEN_ERR_LAST_ADMIN',
      `"${id}" is the last active organization admin; grant the admin role at organization scope to another person or service account first.`,
    ),
  preconditionFailed: () =>
    new ApiError(412, 'WARDEN_ERR_PRECONDITION_FAILED', 'Precondition Failed', 'The resource changed since you read it (If-Match does not match its etag); read it again and retry.'),
  rateLimited: (retryAfterSeconds: number) =>
    new ApiError(429, 'WARDEN_ERR_RATE_LIMITED', 'Too Many Requests', `Slow down; retry after ${retryAfterSeconds} seconds.`, {
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  secretReused: () =>
    new ApiError(409, 'WARDEN_ERR_SECRET_REUSED', 'Conflict', 'secret: this secret was issued before; a secret is accepted once. Generate a fresh one (a new ephemeral warden_secret, or `warden-server new-token`).', {
      errors: [{ path: 'secret', message: 'was issued before; generate a fresh secret' }],
    }),
  policy: (path: string, message: string) =>
    new ApiError(400, 'WARDEN_ERR_POLICY', 'Refused by policy', `${path}: ${message}`, { errors: [{ path, message }] }),
};
