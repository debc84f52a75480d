import { STATUS_CODES } from 'node:http';
import type { Problem, WardenErrorCode } from './contract';

const MARK = Symbol.for('warden-iac.error');

export interface RequestInfo {
  method: string;
  path: string;
}

/**
 * Base of every error the client throws. Match on `code` (the server's stable code, or a
 * `WARDEN_CLIENT_ERR_*` code for failures on this side), not on message text, and with
 * `isWardenError` rather than `instanceof`, which fails across copies of this package.
 */
export class WardenError extends Error {
  readonly [MARK] = true;
  /** From the catalogue (api-client/contract/errors.ts); a newer server may send codes this copy does not list. */
  readonly code: WardenErrorCode;
  /** The message without the request id, for callers that show the request id on its own. */
  readonly description: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly problem: Problem | undefined;
  readonly request: RequestInfo;

  constructor(description: string, init: { code: WardenErrorCode; request: RequestInfo; status?: number; requestId?: string; problem?: Problem; cause?: unknown }) {
    super(`${description}${init.requestId ? ` (request id ${init.requestId})` : ''}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code;
    this.description = description;
    this.status = init.status;
    this.requestId = init.requestId;
    this.problem = init.problem;
    this.request = init.request;
  }
}

/** True for any Warden client error, even one from another copy of this package. */
export function isWardenError(value: unknown): value is WardenError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARK] === true;
}

export class ValidationError extends WardenError {
  /** Field paths as the server names them (`name`, `query.limit`, `teams.0`). */
  get errors(): { path: string; message: string }[] {
    return this.problem?.errors ?? [];
  }
}
export class AuthError extends WardenError {}
export class ForbiddenError extends WardenError {}
export class NotFoundError extends WardenError {}
export class ConflictError extends WardenError {
  /** For duplicates: the id of the object that already exists. */
  get existingId(): string | undefined {
    return this.problem?.existing_id;
  }
}
export class PreconditionFailedError extends WardenError {}
export class RateLimitError extends WardenError {}
export class ServerError extends WardenError {}
export class NetworkError extends WardenError {}
export class TimeoutError extends WardenError {}
export class ResponseValidationError extends WardenError {}

const BY_STATUS: Record<number, typeof WardenError> = {
  400: ValidationError,
  401: AuthError,
  403: ForbiddenError,
  404: NotFoundError,
  409: ConflictError,
  412: PreconditionFailedError,
  413: ValidationError,
  415: ValidationError,
  422: ValidationError,
  429: RateLimitError,
};

/** `POST /v1/service-accounts failed with 409 Conflict: <detail>` (ky's shape). */
export function httpError(request: RequestInfo, status: number, problem: Problem | undefined, requestId: string | undefined): WardenError {
  const Class = BY_STATUS[status] ?? (status >= 500 ? ServerError : WardenError);
  const detail = problem?.detail ?? problem?.title ?? 'no details';
  const description = `${request.method} ${request.path} failed with ${status} ${STATUS_CODES[status] ?? ''}: ${detail}`;
  const code = (problem?.code ?? `WARDEN_CLIENT_ERR_HTTP_${status}`) as WardenErrorCode;
  return new Class(description, { code, request, status, problem, ...(requestId ? { requestId } : {}) });
}
