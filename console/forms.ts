// Client-side checks and conversions shared by the forms: the contract's own limits (its zod-free
// module), checked here for quick feedback; the server stays the authority.
import { NAME, TEAMS } from '../api-client/contract/limits';
import { ApiProblem } from './api';
import { showFieldErrors } from './dom';

export const isName = (v: string): boolean => v.length >= NAME.minLength && v.length <= NAME.maxLength && NAME.pattern.test(v);
export const NAME_MSG = `must be ${NAME.rule}`;
/** The hint under a name field. */
export const NAME_HINT = `${NAME.rule[0]!.toUpperCase()}${NAME.rule.slice(1)}.`;

export function localErrors(values: Record<string, string>, rules: Record<string, (v: string) => string | null>): Map<string, string> {
  const errs = new Map<string, string>();
  for (const [k, rule] of Object.entries(rules)) {
    const msg = rule(values[k] ?? '');
    if (msg) errs.set(k, msg);
  }
  return errs;
}

/** Field errors go next to their fields; anything else goes to the form's error line. */
export function reportError(form: HTMLElement, formError: HTMLElement, err: unknown): void {
  const fields = err instanceof ApiProblem ? err.fieldErrors() : new Map<string, string>();
  // Cleared first: showFieldErrors puts a field error without a slot of its own in formError.
  formError.textContent = fields.size ? '' : (err as Error).message;
  showFieldErrors(form, fields);
}

export function teamsOf(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t && t !== TEAMS.always),
    ),
  ];
}

export function dateToIso(value: string): string | null {
  return value ? new Date(`${value}T23:59:59Z`).toISOString() : null;
}
