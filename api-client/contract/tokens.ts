import { z } from 'zod';
import { isWellFormedSecret } from '../token-format';
import { Id, ResourceName, Timestamp } from './common';
import { ERRORS } from './errors';
import { ALLOWED_CIDRS, EXPIRES_IN_DAYS, MAX_AGE_DAYS, MAX_OVERLAP_SECONDS, NAME, TOKEN_SCOPES } from './limits';
import { AllowedCidrs, MaxUnusedDays, REFUSED_ELSEWHERE } from './network';
import { type FieldProblem, expiryProblems, extendedTokenProblems, quotedField } from './token-rules';

export const TokenScope = z.enum(TOKEN_SCOPES.values);
export type TokenScope = z.infer<typeof TokenScope>;

/**
 * A secret the client generated (Terraform write-only tokens): only the token format with a valid
 * checksum. The message never echoes the value.
 */
export const SuppliedSecret = z
  .string()
  .refine(
    isWellFormedSecret,
    'must be a secret in the Warden token format ("wdn_" + 36 base62 characters ending in a valid checksum); generate it with `warden-server new-token` or the ephemeral warden_secret',
  )
  .describe(
    `a secret you generated in the token format (wdn_ + base62 + CRC32 checksum); the server stores only its digest and refuses one it has seen before (409 ${ERRORS.SECRET_REUSED.code}). The response echoes it as \`token\`.`,
  );

export const OverlapSeconds = z
  .number()
  .int()
  .min(0)
  .max(MAX_OVERLAP_SECONDS)
  .describe(`on rotation the previous secret keeps working this long, until overlap_ends_at (at most ${MAX_OVERLAP_SECONDS / 86400} days)`);

/** The fields of a token, each described once (the resource definitions take these texts too). */
export const TokenName = ResourceName.describe(`Name of the token, unique among the live tokens of its owner: ${NAME.rule}.`);
export const TokenScopes = z
  .array(TokenScope)
  .min(TOKEN_SCOPES.minItems)
  .max(TOKEN_SCOPES.maxItems)
  .describe('What the token may be used for: "api" (the REST API) and/or "scim" (user provisioning only).');
export const ExpiresInDays = z
  .number()
  .int()
  .min(EXPIRES_IN_DAYS.min)
  .max(EXPIRES_IN_DAYS.max)
  .describe(`Lifetime in days (${EXPIRES_IN_DAYS.min}-${EXPIRES_IN_DAYS.max}), counted from creation and from each regenerate (rotation). Give this or expires_at, not both.`);
export const TokenExpiresAt = Timestamp.describe('Expiry time (RFC 3339, UTC). Give this or expires_in_days, not both.');
export const Extended = z.boolean().describe('Sliding expiry: each use moves expires_at forward (see max_age_days), never past the hard cap the server sets (max_expires_at).');
export const MaxAgeDays = z
  .number()
  .int()
  .min(MAX_AGE_DAYS.min)
  .max(MAX_AGE_DAYS.max)
  .describe(
    `Extended tokens only, and required for them: the sliding window in days (${MAX_AGE_DAYS.min}-${MAX_AGE_DAYS.max}), not a cap. ` +
      'Each authenticated use (applied at most once a minute) moves expires_at to this many days after the use when that is later, but never past max_expires_at, ' +
      'the hard cap the server sets at creation and at each regenerate from its policy (WARDEN_EXTENDED_MAX_LIFETIME_DAYS, or WARDEN_TOKEN_MAX_LIFETIME_DAYS when shorter).',
  );
export const TokenAllowedCidrs = AllowedCidrs.describe(
  `Networks (CIDR blocks, at most ${ALLOWED_CIDRS.maxItems}) the token may be used from, within its owner's allowed_cidrs; empty means wherever the owner allows. ${REFUSED_ELSEWHERE}`,
);

/** Refines a body with the rules of ./token-rules, each problem on its field. */
function refineWith(rules: ((body: Record<string, unknown>) => FieldProblem[])[]) {
  return (body: Record<string, unknown>, ctx: z.RefinementCtx) => {
    for (const problem of rules.flatMap((rule) => rule(body))) ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message(quotedField) });
  };
}

export const TokenCreate = z
  .strictObject({
    name: TokenName,
    expires_in_days: ExpiresInDays.optional().describe(`${ExpiresInDays.description} Neither this nor expires_at: the server's default lifetime.`),
    expires_at: TokenExpiresAt.nullable().optional().describe(`${TokenExpiresAt.description} Null: never expires.`),
    extended: Extended.default(false),
    max_age_days: MaxAgeDays.optional(),
    scopes: TokenScopes.default([...TOKEN_SCOPES.default]),
    secret: SuppliedSecret.optional(),
    allowed_cidrs: TokenAllowedCidrs.default([]),
    max_unused_days: MaxUnusedDays.nullable().default(null),
  })
  .superRefine(refineWith([expiryProblems, extendedTokenProblems]));

export const TokenRegenerate = z
  .strictObject({
    expires_in_days: ExpiresInDays.optional().describe(
      `${ExpiresInDays.description} Neither this nor expires_at: the token keeps its lifetime rule (the lifetime it was created or last regenerated with, from now; never-expiring stays so).`,
    ),
    expires_at: TokenExpiresAt.nullable().optional().describe(`${TokenExpiresAt.description} Null: never expires.`),
    overlap_seconds: OverlapSeconds.default(0),
    secret: SuppliedSecret.optional(),
  })
  .superRefine(refineWith([expiryProblems]))
  .describe(
    'A body of {} issues a new secret at once (no overlap) and keeps the lifetime rule: the lifetime the token was created or last regenerated with, counted from now; a never-expiring token stays so.',
  );

export const TokenPatch = z
  .strictObject({
    disabled: z.boolean().optional(),
    allowed_cidrs: TokenAllowedCidrs.optional(),
    max_unused_days: MaxUnusedDays.nullable().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'give at least one of disabled, allowed_cidrs, max_unused_days' });

/**
 * What authentication does with the token now. `owner_inactive`: the token itself is fine but its
 * owner is deactivated (SCIM), disabled or expired, so it is refused until the owner is active again.
 */
export const TokenState = z
  .enum(['active', 'disabled', 'expired', 'revoked', 'owner_inactive'])
  .describe(
    'what authentication does now: only "active" authenticates; "expired" also when unused for max_unused_days; "owner_inactive": the owner is deactivated, disabled or expired',
  );

export const Token = z.object({
  id: Id,
  name: z.string(),
  owner_type: z.enum(['service_account', 'user']),
  owner_id: Id,
  token_hint: z.string().describe('first characters of the secret'),
  scopes: z.array(TokenScope),
  expires_at: Timestamp.nullable(),
  max_expires_at: Timestamp.nullable().describe('Extended tokens: the hard cap expires_at never slides past (see max_age_days).'),
  extended: z.boolean(),
  max_age_days: z.number().int().nullable(),
  disabled: z.boolean(),
  state: TokenState,
  revoked_at: Timestamp.nullable(),
  overlap_ends_at: Timestamp.nullable().describe('after a regenerate with overlap_seconds: when the previous secret stops working'),
  allowed_cidrs: z.array(z.string()),
  max_unused_days: z.number().int().nullable(),
  unused_expires_at: Timestamp.nullable().describe('with max_unused_days: when the token stops working unless used before'),
  created_at: Timestamp,
  last_used_at: Timestamp.nullable(),
  etag: z.string(),
});
/** Creation and regenerate responses are the only ones that carry the secret. */
export const TokenWithSecret = Token.extend({ token: z.string() });
export const LeakReport = z.strictObject({ token: z.string().min(1).max(512) });

export type TokenCreate = z.input<typeof TokenCreate>;
export type TokenRegenerate = z.input<typeof TokenRegenerate>;
export type TokenPatch = z.input<typeof TokenPatch>;
export type Token = z.infer<typeof Token>;
export type TokenWithSecret = z.infer<typeof TokenWithSecret>;
