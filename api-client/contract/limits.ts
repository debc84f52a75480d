/**
 * The field limits of the HTTP contract as plain values, with no zod and no Node.js imports: the
 * schemas of this folder are built from them, and a browser (the console) can check input against
 * the same numbers, patterns and words.
 */

/** Day counts (lifetimes, sliding windows, inactivity limits): up to ten years. */
const TEN_YEARS_IN_DAYS = 3650;

const NAME_LENGTH = { minLength: 1, maxLength: 63 } as const;

/** Names of service accounts, projects, custom roles and tokens. */
export const NAME = {
  ...NAME_LENGTH,
  pattern: /^[a-z][a-z0-9_-]*$/,
  /** What a valid name is, to follow "must be" or to end a field's description. */
  rule: `${NAME_LENGTH.minLength}-${NAME_LENGTH.maxLength} characters of a-z, 0-9, "-" or "_", starting with a letter`,
} as const;

export const TEAM_NAME = {
  minLength: 1,
  maxLength: 63,
  pattern: /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/,
  rule: 'a team name of letters, digits, spaces, ".", "_" or "-"',
} as const;

export const TEAMS = {
  maxItems: 100,
  /** Every service account is in this team, whether listed or not. */
  always: 'public',
} as const;

export const DISPLAY_NAME = { minLength: 1, maxLength: 256 } as const;

export const DESCRIPTION = { maxLength: 1024 } as const;

export const TOKEN_SCOPES = {
  values: ['api', 'scim'],
  default: ['api'],
  minItems: 1,
  maxItems: 2,
} as const;

/** `expires_in_days` of token creation and regenerate. */
export const EXPIRES_IN_DAYS = { min: 1, max: TEN_YEARS_IN_DAYS } as const;

/** `max_age_days`, the sliding window of an extended token. */
export const MAX_AGE_DAYS = { min: 1, max: TEN_YEARS_IN_DAYS } as const;

export const MAX_UNUSED_DAYS = { min: 1, max: TEN_YEARS_IN_DAYS } as const;

export const ALLOWED_CIDRS = {
  maxItems: 32,
  /** Of one CIDR block, as text. */
  maxLength: 64,
} as const;

/**
 * The rotation overlap: after a regenerate with `overlap_seconds`, the previous secret keeps
 * working until `overlap_ends_at`, at most this long.
 */
export const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;

/** The largest request body the server reads, JSON or form. */
export const MAX_BODY_BYTES = 64 * 1024;
/** The same, as the refusals and the OpenAPI document say it. */
export const MAX_BODY_TEXT = `${MAX_BODY_BYTES / 1024} KiB`;
