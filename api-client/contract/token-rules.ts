/**
 * The rules of a token body that span fields, as plain functions: the contract's schemas refine
 * with them, and the resource definitions check configurations with them before any request.
 * A value other than the ones a rule names (one not known yet, at plan time) raises nothing.
 */

/** How a message names a field: the API quotes its name; each provider face spells it its own way. */
export type FieldNamer = (field: string) => string;
export const quotedField: FieldNamer = (field) => `"${field}"`;

/** A refusal of one field; `message` follows the field's name and names the other fields through `name`. */
export interface FieldProblem {
  path: string;
  message: (name: FieldNamer) => string;
}

interface ExpiryFields {
  expires_in_days?: unknown;
  expires_at?: unknown;
}

/** Expiry is a number of days or a time (null: never), not both. */
export function expiryProblems(body: ExpiryFields): FieldProblem[] {
  if (body.expires_in_days === undefined || body.expires_at === undefined) return [];
  return [{ path: 'expires_at', message: (name) => `cannot be given with ${name('expires_in_days')}: give one, not both` }];
}

/**
 * An extended token slides its expiry by `max_age_days` with each use, so it needs that window,
 * only it has one, and it needs an expiry to slide (not `expires_at: null`).
 */
export function extendedTokenProblems(body: ExpiryFields & { extended?: unknown; max_age_days?: unknown }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const extended = body.extended === true;
  const notExtended = body.extended === false || body.extended === undefined;
  if (extended && body.max_age_days === undefined) problems.push({ path: 'max_age_days', message: (name) => `is required when ${name('extended')} is true` });
  if (notExtended && body.max_age_days !== undefined) problems.push({ path: 'max_age_days', message: (name) => `is only allowed when ${name('extended')} is true` });
  if (extended && body.expires_at === null) {
    problems.push({
      path: 'expires_at',
      message: (name) => `cannot be null (never) for an extended token, which needs an expiry to slide: give ${name('expires_in_days')} or a time`,
    });
  }
  return problems;
}
