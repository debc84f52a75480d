import { z } from 'zod';
import { Id, ResourceName, Timestamp } from './common';

/**
 * Workload identity federation: a service account trusts tokens of an external OpenID Connect
 * issuer (a CI platform, a Kubernetes cluster) and exchanges them for short-lived Warden tokens
 * at `POST /v1/oauth/token` (RFC 8693). Limits and defaults live here, once.
 */
export const FEDERATION = {
  /** Lifetime of an issued token when the credential does not say: one hour. */
  defaultTokenLifetimeSeconds: 3600,
  minTokenLifetimeSeconds: 60,
  /** Ceiling of `max_token_lifetime_seconds`: 12 hours; exchanged tokens are meant to be short-lived. */
  maxTokenLifetimeSeconds: 12 * 3600,
  /** Clock skew tolerated on `exp`, `nbf` and `iat`. */
  clockSkewSeconds: 30,
  maxClaims: 16,
  /** Signature algorithms accepted: asymmetric only; never `none`, never HMAC (HS*). */
  algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const,
} as const;

export const GRANT_TYPE_TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const TOKEN_TYPE_JWT = 'urn:ietf:params:oauth:token-type:jwt';
export const TOKEN_TYPE_ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
export const TOKEN_TYPE_ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

/** A subject or claim pattern: exact, or with `*` matching any run of characters (`repo:acme/app:ref:refs/heads/*`). */
const Pattern = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[\x21-\x7e]+$/, 'must be 1-256 visible ASCII characters (no spaces); "*" matches any run of characters');

export const IssuerUrl = z
  .string()
  .max(512)
  .url({ message: 'must be an absolute URL such as https://token.actions.githubusercontent.com' })
  .refine((v) => /^https?:\/\//.test(v), 'must be an https:// URL (http:// only for loopback issuers when the server allows them)')
  .refine((v) => !v.includes('?') && !v.includes('#'), 'must not carry a query or fragment')
  .describe('OpenID Connect issuer URL, exactly as the tokens\' "iss" claim says it; discovery is read from <issuer>/.well-known/openid-configuration');

export const FederatedCredentialCreate = z.strictObject({
  name: ResourceName.describe('unique per service account'),
  issuer: IssuerUrl,
  audience: z.string().min(1).max(256).describe('the "aud" the token must carry (one of them when it is a list)'),
  subject: Pattern.describe('the "sub" the token must carry: exact, or a pattern with "*"'),
  claims: z
    .record(
      z
        .string()
        .min(1)
        .max(64)
        .regex(/^[A-Za-z0-9_.:/-]+$/, 'must be a claim name of letters, digits, "_", ".", ":", "/" or "-"'),
      Pattern,
    )
    .refine((c) => Object.keys(c).length <= FEDERATION.maxClaims, `at most ${FEDERATION.maxClaims} claims`)
    .refine((c) => !['iss', 'aud', 'sub', 'exp', 'nbf', 'iat', 'jti'].some((k) => k in c), 'iss, aud, sub, exp, nbf, iat and jti are checked by their own fields')
    .default({})
    .describe('further claims the token must carry, each equal to the value or matching its "*" pattern (GitHub: repository, ref, environment)'),
  max_token_lifetime_seconds: z
    .number()
    .int()
    .min(FEDERATION.minTokenLifetimeSeconds)
    .max(FEDERATION.maxTokenLifetimeSeconds)
    .default(FEDERATION.defaultTokenLifetimeSeconds)
    .describe('lifetime of the tokens an exchange issues (default 3600, at most 43200)'),
});

export const FederatedCredential = z.object({
  id: Id,
  service_account_id: Id,
  name: z.string(),
  issuer: z.string(),
  audience: z.string(),
  subject: z.string(),
  claims: z.record(z.string(), z.string()),
  max_token_lifetime_seconds: z.number().int(),
  created_at: Timestamp,
});

/** RFC 8693 section 2.1, form-encoded. Unknown parameters are ignored (RFC 6749 section 3.2). */
export const TokenExchangeRequest = z.object({
  grant_type: z.string().min(1).describe(`must be ${GRANT_TYPE_TOKEN_EXCHANGE}`),
  subject_token: z
    .string()
    .min(1)
    .max(16 * 1024)
    .describe('the external JWT (a CI OIDC token, a projected Kubernetes service account token)'),
  subject_token_type: z.enum([TOKEN_TYPE_JWT, TOKEN_TYPE_ID_TOKEN]),
  scope: z.string().max(256).optional().describe('space-separated token scopes ("api", "scim"), never wider than the account holds; default "api"'),
  service_account: z.string().min(1).max(64).optional().describe('name or id of the service account, when several trust the same token'),
  requested_token_type: z.literal(TOKEN_TYPE_ACCESS_TOKEN).optional(),
});

export const TokenExchangeResponse = z.object({
  access_token: z.string().describe('an ordinary Warden token (wdn_...)'),
  issued_token_type: z.literal(TOKEN_TYPE_ACCESS_TOKEN),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  scope: z.string(),
});

export const OAuthErrorCode = z.enum(['invalid_request', 'invalid_grant', 'invalid_target', 'invalid_scope', 'unsupported_grant_type', 'invalid_client']);
/** RFC 6749 section 5.2; `server_error` is what the token endpoint answers when it fails itself. */
export const OAuthError = z.object({ error: OAuthErrorCode.or(z.literal('server_error')), error_description: z.string() });

export type FederatedCredentialCreate = z.input<typeof FederatedCredentialCreate>;
export type FederatedCredential = z.infer<typeof FederatedCredential>;
export type TokenExchangeRequest = z.input<typeof TokenExchangeRequest>;
export type TokenExchangeResponse = z.infer<typeof TokenExchangeResponse>;
export type OAuthErrorCode = z.infer<typeof OAuthErrorCode>;
export type OAuthError = z.infer<typeof OAuthError>;
