import type { Page, Problem } from '../api-client/contract/common';

/** A failed API call, with the server's problem details when it sent them. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem>,
  ) {
    super(problem.detail ?? problem.title ?? `Request failed (${status})`);
  }
  /** Field errors by form field name ("body." prefixes removed). */
  fieldErrors(): Map<string, string> {
    const out = new Map<string, string>();
    for (const e of this.problem.errors ?? []) out.set(e.path.replace(/^body\./, '').split('.')[0] ?? e.path, e.message);
    if (this.status === 409 && out.size === 0) out.set('name', this.message);
    return out;
  }
}

/** The session secret lives only in this module's memory: a reload signs out (see docs/console.md). */
let sessionToken: string | null = null;
let onExpired: () => void = () => undefined;

export function setSession(token: string | null): void {
  sessionToken = token;
}
export function hasSession(): boolean {
  return sessionToken !== null;
}
export function onSessionExpired(handler: () => void): void {
  onExpired = handler;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (sessionToken) headers.authorization = `Bearer ${sessionToken}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiProblem(0, { title: 'The server could not be reached. Check your connection and try again.' });
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const problem = (data && typeof data === 'object' ? data : {}) as Partial<Problem>;
    if (res.status === 401 && sessionToken && !path.startsWith('/v1/sessions')) {
      sessionToken = null;
      onExpired();
    }
    throw new ApiProblem(res.status, problem);
  }
  return data as T;
}

/** Every item of a paginated list, following next_page_token. */
export async function all<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  let token: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const p: Page<T> = await api<Page<T>>('GET', `${path}${sep}limit=500${token ? `&page_token=${encodeURIComponent(token)}` : ''}`);
    out.push(...p.items);
    token = p.next_page_token;
  } while (token);
  return out;
}
