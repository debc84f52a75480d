import { type RouteDef, routes } from './contract';

/**
 * A conditional PATCH (`If-Match`) whose answer was lost may have been applied: its retry then
 * meets the new etag and gets 412, although the caller's change is in place. The client reads
 * the resource back and, when it shows every patched field, answers with it instead of a 412.
 */

/** The GET route that reads what a PATCH route changes (same path). */
export function readRouteOf(def: RouteDef): RouteDef | undefined {
  return (Object.values(routes) as RouteDef[]).find((r) => r.method === 'GET' && r.path === def.path);
}

/**
 * True when `resource` shows every field of `patch`. Arrays count as shown when every patched
 * element is there, because servers add their own (every account is in the "public" team).
 */
export function reflects(resource: unknown, patch: Record<string, unknown>): boolean {
  if (resource === null || typeof resource !== 'object') return false;
  const actual = resource as Record<string, unknown>;
  return Object.entries(patch).every(([key, wanted]) => {
    const have = actual[key];
    if (wanted === undefined) return true;
    if (Array.isArray(wanted)) return Array.isArray(have) && wanted.every((w) => have.some((h) => JSON.stringify(h) === JSON.stringify(w)));
    if (key === 'expires_at' && typeof wanted === 'string' && typeof have === 'string') return Date.parse(wanted) === Date.parse(have);
    return JSON.stringify(have) === JSON.stringify(wanted);
  });
}
