import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import type { z } from 'zod';
import { OAuthError, Problem, type Page, type RouteDef, type Routes, oauthEntry, routes } from './contract';
import { NetworkError, ResponseValidationError, TimeoutError, WardenError, httpError } from './errors';
import { readRouteOf, reflects } from './conditional';
import { DEFAULT_RETRY, RETRY_STATUSES, type RetryPolicy, backoffMs, isRetryableNetworkError, retryAfterMs, sleep } from './retry';

const FORM = 'application/x-www-form-urlencoded';

export interface ClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8080`. */
  endpoint: string;
  /** An API token (`wdn_...`) or a session token. */
  token?: string;
  /** Per-attempt timeout; default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  userAgent?: string;
  /** Connections in the pool; default 16. */
  connections?: number;
}

export interface CallOptions {
  /** Sent on POSTs; generated when absent so that retries never create twice. */
  idempotencyKey?: string;
  /** The etag last read; the server answers 412 if the resource changed since. */
  ifMatch?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

type In<S> = S extends z.ZodType ? z.input<S> : never;
type Out<R extends RouteDef> = R['response'] extends z.ZodType ? z.output<R['response']> : void;
/** Path parameters, in path order: `/v1/service-accounts/:id/tokens/:token_id` -> [id, tokenId]. */
type PathArgs<P extends string> = P extends `${string}:${string}/${infer Rest}` ? [string, ...PathArgs<Rest>] : P extends `${string}:${string}` ? [string] : [];
type Payload<R extends RouteDef> = R['body'] extends z.ZodType ? [body: In<R['body']>] : R['query'] extends z.ZodType ? [query?: In<R['query']>] : [];
type Method<R extends RouteDef> = (...args: [...PathArgs<R['path']>, ...Payload<R>, options?: CallOptions]) => Promise<Out<R>>;

/** One method per contract route, named as the route. */
export type ClientMethods = { [K in keyof Routes]: Method<Routes[K]> };
type ListRoute = { [K in keyof Routes]: Routes[K]['response'] extends z.ZodType<Page<unknown>> ? (PathArgs<Routes[K]['path']> extends [] ? K : never) : never }[keyof Routes];
type ItemOf<K extends keyof Routes> = Out<Routes[K]> extends Page<infer T> ? T : never;

const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE', 'PATCH']);
/** Failures after which the server may have applied the request (unlike a refused connection or a 429). */
const AMBIGUOUS_STATUSES = new Set([502, 503, 504]);
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN']);

function neverSent(err: unknown): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) if (NOT_SENT_CODES.has((e as { code?: string }).code ?? '')) return true;
  return false;
}

function pathOf(def: RouteDef, values: string[]): string {
  let i = 0;
  return def.path.replace(/:([a-z_]+)/g, () => encodeURIComponent(values[i++]!));
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/**
 * The typed Warden API client: one undici pool per client, responses validated against the
 * contract, retries with backoff for requests that are safe to repeat.
 */
// Methods are attached from the route table in the constructor; the interface declares them.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class WardenClient {
  private readonly pool: Pool;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: ClientOptions) {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch {
      throw new WardenError(`endpoint "${options.endpoint}" is not a URL; give the server's base URL, e.g. http://127.0.0.1:8080`, {
        code: 'WARDEN_CLIENT_ERR_ENDPOINT',
        request: { method: '-', path: '-' },
      });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new WardenError(`endpoint "${options.endpoint}" must use http or https`, { code: 'WARDEN_CLIENT_ERR_ENDPOINT', request: { method: '-', path: '-' } });
    }
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(this.origin, { connections: options.connections ?? 16, keepAliveTimeout: 10_000 });
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    for (const [name, def] of Object.entries(routes) as [keyof Routes, RouteDef][]) {
      const params = (def.path.match(/:/g) ?? []).length;
      (this as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        const payload = def.body || def.query ? args[params] : undefined;
        const options = args[params + (def.body || def.query ? 1 : 0)] as CallOptions | undefined;
        return this.call(def, args.slice(0, params) as string[], payload as Record<string, unknown> | undefined, options);
      };
    }
  }

  /** Every item of a list, page after page. */
  async *paginate<K extends ListRoute>(name: K, query: Omit<In<Routes[K]['query']>, 'page_token'> = {} as never, options?: CallOptions): AsyncGenerator<ItemOf<K>> {
    let pageToken: string | undefined;
    do {
      const page = (await this.call(routes[name], [], { ...(query as object), ...(pageToken ? { page_token: pageToken } : {}) }, options)) as Page<ItemOf<K>>;
      yield* page.items;
      pageToken = page.next_page_token ?? undefined;
    } while (pageToken);
  }

  /** The server's current time, from its `Date` header (the clock that decides expiry). */
  async serverTime(options: Pick<CallOptions, 'signal' | 'timeoutMs'> = {}): Promise<Date> {
    const res = await this.pool.request({ method: 'GET', path: `${this.basePath}/healthz`, signal: AbortSignal.timeout(options.timeoutMs ?? this.options.timeoutMs ?? 30_000) });
    await res.body.dump();
    const date = new Date(String(res.headers.date));
    if (Number.isNaN(date.getTime()))
      throw new WardenError('the server sent no valid Date header', { code: 'WARDEN_CLIENT_ERR_RESPONSE', request: { method: 'GET', path: '/healthz' }, status: res.statusCode });
    return date;
  }

  /** Closes the connection pool; the client cannot be used afterwards. */
  close(): Promise<void> {
    return this.pool.close();
  }

  /** After a 412 on a retried conditional PATCH: the resource, if it shows the caller's change. */
  private async appliedState(def: RouteDef, pathValues: string[], patch: Record<string, unknown>, options: CallOptions): Promise<unknown> {
    const read = readRouteOf(def);
    if (!read) return undefined;
    const { ifMatch: _ifMatch, idempotencyKey: _key, ...rest } = options;
    const current = await this.call(read, pathValues, undefined, rest).catch(() => undefined);
    return reflects(current, patch) ? current : undefined;
  }

  private async call(def: RouteDef, pathValues: string[], payload: Record<string, unknown> | undefined, options: CallOptions = {}): Promise<unknown> {
    const path = pathOf(def, pathValues);
    const request = { method: def.method, path };
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.options.userAgent ?? 'warden-iac-client' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (options.ifMatch) headers['if-match'] = options.ifMatch;
    let body: string | undefined;
    if (def.body && def.requestMediaType === FORM) {
      // The OAuth token endpoint (RFC 6749 section 3.2) reads form parameters, not JSON.
      headers['content-type'] = FORM;
      body = new URLSearchParams(Object.entries(payload ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string')).toString();
    } else if (def.body) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(payload ?? {});
    }
    if (def.method === 'POST' && def.errorFormat !== 'oauth') headers['idempotency-key'] = options.idempotencyKey ?? randomUUID();
    const retryable = IDEMPOTENT.has(def.method) || def.method === 'POST';
    const url = this.basePath + path + (def.query ? queryString(payload) : '');
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    // Set once an attempt may have been applied although its answer never arrived.
    let mayHaveApplied = false;

    for (let attempt = 0; ; attempt++) {
      const canRetry = retryable && attempt < this.retry.retries;
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      let res;
      try {
        res = await this.pool.request({ method: def.method, path: url, headers, body, signal });
      } catch (err) {
        if (options.signal?.aborted) throw err;
        const timedOut = timeout.aborted;
        if (timedOut || !neverSent(err)) mayHaveApplied = true;
        if (canRetry && (timedOut || isRetryableNetworkError(err))) {
          await sleep(backoffMs(this.retry, attempt, null), options.signal);
          continue;
        }
        if (timedOut) throw new TimeoutError(`${def.method} ${path} timed out after ${timeoutMs} ms`, { code: 'WARDEN_CLIENT_ERR_TIMEOUT', request, cause: err });
        throw new NetworkError(`${def.method} ${path} failed: cannot reach ${this.origin} (${(err as Error).message})`, { code: 'WARDEN_CLIENT_ERR_NETWORK', request, cause: err });
      }
      const requestId = typeof res.headers['x-request-id'] === 'string' ? res.headers['x-request-id'] : undefined;
      if (res.statusCode >= 200 && res.statusCode < 300) {
        if (def.response === null) {
          await res.body.dump();
          return undefined;
        }
        const json: unknown = await res.body.json().catch(() => undefined);
        const parsed = def.response.safeParse(json);
        if (!parsed.success) {
          throw new ResponseValidationError(`${def.method} ${path} returned a body that does not match the contract: ${parsed.error.message}`, {
            code: 'WARDEN_CLIENT_ERR_RESPONSE',
            request,
            status: res.statusCode,
            ...(requestId ? { requestId } : {}),
          });
        }
        return parsed.data;
      }
      if (canRetry && RETRY_STATUSES.has(res.statusCode)) {
        if (AMBIGUOUS_STATUSES.has(res.statusCode)) mayHaveApplied = true;
        await res.body.dump();
        await sleep(backoffMs(this.retry, attempt, retryAfterMs(res.headers['retry-after'])), options.signal);
        continue;
      }
      const text = await res.body.text().catch(() => '');
      if (res.statusCode === 412 && mayHaveApplied && def.method === 'PATCH' && payload) {
        const applied = await this.appliedState(def, pathValues, payload, options);
        if (applied !== undefined) return applied;
      }
      let problem: Problem | undefined;
      try {
        const parsedBody: unknown = JSON.parse(text);
        const p = Problem.safeParse(parsedBody);
        if (p.success) problem = p.data;
        const oauth = def.errorFormat === 'oauth' ? OAuthError.safeParse(parsedBody) : undefined;
        // RFC 6749 errors carry a code of their own in the catalogue: WARDEN_ERR_OAUTH_INVALID_GRANT and so on.
        if (oauth?.success) {
          const { error, error_description } = oauth.data;
          problem = { type: `urn:ietf:params:oauth:error:${error}`, title: error, status: res.statusCode, detail: `${error}: ${error_description}`, code: oauthEntry(error).code };
        }
      } catch {
        // Not JSON (a proxy's error page, say): the status alone has to do.
      }
      throw httpError(request, res.statusCode, problem, requestId);
    }
  }
}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface WardenClient extends ClientMethods {}
