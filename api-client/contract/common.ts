import { z } from 'zod';
import { DESCRIPTION, NAME, TEAM_NAME } from './limits';

/** RFC 3339 timestamp in UTC, e.g. `2026-01-31T12:00:00.000Z`. */
export const Timestamp = z.iso.datetime({ offset: false }).describe('RFC 3339 timestamp (UTC)');

/** Opaque identifiers: the server mints them, clients never parse them. */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be an opaque id of letters, digits, "-" or "_"');

/** Names of service accounts, projects, custom roles and tokens. */
export const ResourceName = z.string().min(NAME.minLength).max(NAME.maxLength).regex(NAME.pattern, `must be ${NAME.rule}`);

export const TeamName = z.string().min(TEAM_NAME.minLength).max(TEAM_NAME.maxLength).regex(TEAM_NAME.pattern, `must be ${TEAM_NAME.rule}`);

export const Description = z.string().max(DESCRIPTION.maxLength);

export const UserType = z.enum(['user', 'service']);
export type UserType = z.infer<typeof UserType>;

/** RFC 9457 problem details, with field paths for validation failures. */
export const Problem = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  code: z.string().describe('stable machine-readable error code, e.g. WARDEN_ERR_NAME_TAKEN'),
  request_id: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  existing_id: z.string().optional(),
});
export type Problem = z.infer<typeof Problem>;

/**
 * A whole number in a query string: decimal digits only, so `1e2`, `0x10`, ` 5` or `5.0` are
 * refused rather than read as numbers. Numbers pass as they are (the client's own values).
 */
export const queryInt = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^-?[0-9]{1,10}$/.test(v) ? Number(v) : v),
    z
      .number({ error: (issue) => (issue.code === 'invalid_type' ? 'must be a whole number written in decimal digits' : undefined) })
      .int()
      .min(min)
      .max(max),
  );

export const PageQuery = z.strictObject({
  limit: queryInt(1, 500).default(100),
  page_token: z.string().min(1).max(512).optional(),
});

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_page_token: z.string().nullable() });
}
export interface Page<T> {
  items: T[];
  next_page_token: string | null;
}
