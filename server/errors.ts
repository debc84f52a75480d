import { ERRORS, type ErrorEntry, type OAuthErrorCode, oauthEntry } from '../api-client/contract';

/**
 * Every refusal the server makes, built from an entry of the error catalogue
 * (api-client/contract/errors.ts). The HTTP layer turns these into RFC 9457 problem documents,
 * SCIM errors or RFC 6749 errors, as the entry says; anything else becomes a plain 500.
 */
export interface FieldError {
  path: string;
  message: string;
}

interface Extra {
  errors?: FieldError[];
  existing_id?: string;
  headers?: Record<string, string>;
  /** Fastify's own 4xx refusals keep their status under the entry's code. */
  status?: number;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;

  constructor(
    readonly entry: ErrorEntry<string, never>,
    detail: string,
    readonly extra: Extra = {},
  ) {
    super(detail);
    this.status = extra.status ?? entry.status;
    this.code = entry.code;
    this.title = entry.title;
  }

  /** The same refusal with fields or headers added. */
  with(extra: Extra): ApiError {
    return new ApiError(this.entry, this.message, { ...this.extra, ...extra });
  }
}

/** The refusal of a catalogue entry, its detail from `args`. */
export function refuse<Args extends unknown[]>(entry: ErrorEntry<string, Args>, ...args: Args): ApiError {
  return new ApiError(entry as ErrorEntry<string, never>, entry.detail(...args));
}

/** An RFC 6749 section 5.2 refusal. The description never carries the subject token. */
export function oauthRefusal(error: OAuthErrorCode, description: string): ApiError {
  return new ApiError(oauthEntry(error), description);
}

export function isOAuthRefusal(err: unknown): err is ApiError {
  return err instanceof ApiError && err.entry.oauth !== undefined;
}

const WWW_AUTHENTICATE = { 'www-authenticate': 'Bearer realm="warden"' };

/** The refusals that carry more than a detail: field errors, headers, the id of what exists. */
export const errors = {
  validation: (errs: FieldError[]) => refuse(ERRORS.VALIDATION, errs).with({ errors: errs }),
  field: (path: string, message: string) => errors.validation([{ path, message }]),
  policy: (path: string, message: string) => refuse(ERRORS.POLICY, path, message).with({ errors: [{ path, message }] }),
  unauthenticated: () => refuse(ERRORS.UNAUTHENTICATED).with({ headers: WWW_AUTHENTICATE }),
  invalidCredentials: () => refuse(ERRORS.INVALID_CREDENTIALS).with({ headers: WWW_AUTHENTICATE }),
  serviceAccountLogin: () => refuse(ERRORS.SERVICE_ACCOUNT_LOGIN).with({ headers: WWW_AUTHENTICATE }),
  forbidden: (permission: string, scope: string) => refuse(ERRORS.FORBIDDEN, permission, scope),
  escalation: (role: string, missing: string[]) => refuse(ERRORS.ESCALATION, role, missing),
  scopeDenied: (needed: 'api' | 'scim' = 'api') => refuse(ERRORS.TOKEN_SCOPE, needed),
  notFound: (what: string, id: string) => refuse(ERRORS.NOT_FOUND, what, id),
  nameTaken: (thing: string, where?: string, next?: string) => refuse(ERRORS.NAME_TAKEN, thing, where, next),
  bindingExists: (role: string, scope: string, existingId?: string) => refuse(ERRORS.BINDING_EXISTS, role, scope, existingId).with(existingId ? { existing_id: existingId } : {}),
  roleInUse: (role: string, bindingId: string) => refuse(ERRORS.ROLE_IN_USE, role, bindingId).with({ existing_id: bindingId }),
  lastAdmin: (id: string) => refuse(ERRORS.LAST_ADMIN, id),
  preconditionFailed: () => refuse(ERRORS.PRECONDITION_FAILED),
  rateLimited: (retryAfterSeconds: number) => refuse(ERRORS.RATE_LIMITED, retryAfterSeconds).with({ headers: { 'retry-after': String(retryAfterSeconds) } }),
  secretReused: () => refuse(ERRORS.SECRET_REUSED).with({ errors: [{ path: 'secret', message: 'was issued before; generate a fresh secret' }] }),
};
