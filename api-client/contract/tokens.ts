import { z } from 'zod';
import { isWellFormedSecret } from '../token-format';
import { Id, ResourceName, Timestamp } from './common';
import { AllowedCidrs, MaxUnusedDays } from './network';
import { MAX_OVERLAP_SECONDS } from './overlap';

export const TokenScope = z.enum(['api', 'scim']);
export type TokenScope = z.infer<typeof TokenScope>;

/**
 * A secret the client generated (Terraform write-only tokens): only the token format with a valid
 * checksum. The message never echoes the value.
 */
export const SuppliedSecret = z
  .string()
  .refine(isWellFormedSecret, 'must be a secret in the Warden token format ("wdn_" + 36 base62 characters ending in a valid checksum); generate it with `warden-server new-token` or the ephemeral warden_secret')
  .describe('a secret you generated in the token format (wdn_ + base62 + CRC32 checksum); the server stores only its digest and refuses one it has seen before (409 WARDEN_ERR_SECRET_REUSED). The response echoes it as `token`.');

export const OverlapSeconds = z
  .number()
  .int()
  .min(0)
  .max(MAX_OVERLAP_SECONDS)
  .describe(`on rotation the previous secret keeps working this long, until overlap_ends_at (at most ${MAX_OVERLAP_SECONDS / 86400} days)`);

/** Expiry is given as a relative number of days or an absolute time (null: never), not both. */
const expiry = {
  expires_in_days: z.number().int().min(1).max(3650).optional(),
  expires_at: Timestamp.nullable().optional(),
};
function oneExpiry(value: { expires_in_days?: number | undefined; expires_at?: string | null | undefined }, ctx: z.RefinementCtx) {
  if (value.expires_in_days !== undefined && value.expires_at !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['expires_at'], message: 'give either expires_in_days or expires_at, not both' });
  }
}

export const TokenCreate = z
  .strictObject({
    name: ResourceName,
    expires_in_days: expiry.expires_in_days.describe('default 90 when expires_at is absent too'),
    expires_at: expiry.expires_at.describe('null: never expires'),
    extended: z.boolean().default(false),
    max_age_days: z.number().int().min(1).max(3650).optional().describe('required when extended'),
    scopes: z.array(TokenScope).min(1).max(2).default(['api']),
    secret: SuppliedSecret.optional(),
    allowed_cidrs: AllowedCidrs.default([]).describe('networks this token may be used from, within its owner\'s allowed_cidrs; empty: wherever the owner allows'),
    max_unused_days: MaxUnusedDays.nullable().default(null),
  })
  .superRefine((value, ctx) => {
    oneExpiry(value, ctx);
    if (value.extended && value.max_age_days === undefined) {
      ctx.addIssue({ code: 'custom', path: ['max_age_days'], message: 'is required when extended is true' });
    }
    if (!value.extended && value.max_age_days !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['max_age_days'], message: 'is only allowed when extended is true' });
    }
  });

export const TokenRegenerate = z
  .strictObject({
    expires_in_days: expiry.expires_in_days.describe('neither this nor expires_at: the token keeps its lifetime rule (the lifetime it was created or last regenerated with, from now; never-expiring stays so)'),
    expires_at: expiry.expires_at,
    overlap_seconds: OverlapSeconds.default(0),
    secret: SuppliedSecret.optional(),
  })
  .superRefine(oneExpiry)
  .describe('A body of {} issues a new secret at once (no overlap) and keeps the lifetime rule: the lifetime the token was created or last regenerated with, counted from now; a never-expiring token stays so.');

export const TokenPatch = z
  .strictObject({
    disabled: z.boolean().optional(),
    allowed_cidrs: AllowedCidrs.optional(),
    max_unused_days: MaxUnusedDays.nullable().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'give at least one of disabled, allowed_cidrs, max_unused_days' });

/**
 * What authentication does with the token now. `owner_inactive`: the token itself is fine but its
 * owner is deactivated (SCIM), disabled or expired, so it is refused until the owner is active again.
 */
export const TokenState = z
  .enum(['active', 'disabled', 'expired', 'revoked', 'owner_inactive'])
  .describe('what authentication does now: only "active" authenticates; "expired" also when unused for max_unused_days; "owner_inactive": the owner is deactivated, disabled or expired');

export const Token = z.object({
  id: Id,
  name: z.string(),
  owner_type: z.enum(['service_account', 'user']),
  owner_id: Id,
  token_hint: z.string().describe('first characters of the secret'),
  scopes: z.array(TokenScope),
  expires_at: Timestamp.nullable(),
  max_expires_at: Timestamp.nullable().describe('hard cap of an extended token'),
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
