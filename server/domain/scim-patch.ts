import { ERRORS, type ScimPatch } from '../../api-client/contract';
import { refuse } from '../errors';

/** The part of a SCIM User that Warden keeps. */
export interface ScimUserState {
  email: string;
  name: string;
  active: boolean;
  externalId: string | null;
}

const CORE_PREFIX = 'urn:ietf:params:scim:schemas:core:2.0:user:';

/** Entra sends booleans as strings ("False"); RFC 7643 booleans are JSON booleans. Both are taken. */
function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

function nonEmpty(path: string, value: unknown, remove: boolean): string {
  if (remove || typeof value !== 'string' || value === '') throw refuse(ERRORS.SCIM_INVALID_VALUE, `${path} must be a non-empty string`);
  return value;
}

/**
 * Applies one attribute. What Warden stores is applied and validated; every other attribute
 * (name.givenName, emails[type eq "work"].value, title, the enterprise extension, ...) is
 * accepted and ignored, so an identity provider's request never fails for an attribute this
 * server does not keep (RFC 7644 3.5.2).
 */
function applyAttribute(next: ScimUserState, rawPath: string, value: unknown, remove: boolean): void {
  let path = rawPath.trim().toLowerCase();
  if (path.startsWith(CORE_PREFIX)) path = path.slice(CORE_PREFIX.length);
  switch (path) {
    case 'active': {
      const active = remove ? undefined : booleanOf(value);
      if (active === undefined) throw refuse(ERRORS.SCIM_INVALID_VALUE, 'active must be a boolean');
      next.active = active;
      return;
    }
    case 'username':
      next.email = nonEmpty(rawPath, value, remove);
      return;
    case 'displayname':
    case 'name.formatted':
      next.name = nonEmpty(rawPath, value, remove);
      return;
    case 'externalid':
      next.externalId = remove || typeof value !== 'string' ? null : value;
      return;
    case 'name':
      // A complex value: its sub-attributes, of which Warden keeps `formatted`.
      if (!remove && value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) applyAttribute(next, `name.${k}`, v, false);
      return;
    default:
      return;
  }
}

/** The state after every operation of a PatchOp, in order; `op` is case-insensitive already. */
export function applyScimPatch(current: ScimUserState, operations: ScimPatch['Operations']): ScimUserState {
  const next = { ...current };
  for (const op of operations) {
    const remove = op.op === 'remove';
    if (op.path) {
      if (!remove && op.value === undefined) throw refuse(ERRORS.SCIM_INVALID_VALUE, `"${op.op}" of "${op.path}" needs a value`);
      applyAttribute(next, op.path, op.value, remove);
    } else if (!remove && op.value !== null && typeof op.value === 'object' && !Array.isArray(op.value)) {
      for (const [k, v] of Object.entries(op.value)) applyAttribute(next, k, v, false);
    } else {
      throw refuse(ERRORS.SCIM_NO_TARGET);
    }
  }
  return next;
}
