import { createHash, randomBytes } from 'node:crypto';
import { type JWTPayload, type JWTVerifyGetKey, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors as jose, jwtVerify } from 'jose';
import {
  FEDERATION,
  GRANT_TYPE_TOKEN_EXCHANGE,
  NAME,
  TOKEN_SCOPES,
  TOKEN_TYPE_ACCESS_TOKEN,
  type TokenExchangeRequest,
  type TokenExchangeResponse,
  type TokenScope,
} from '../../api-client/contract';
import { type ApiError, isOAuthRefusal, oauthRefusal } from '../errors';
import { type Store, UniqueViolation } from '../store';
import { writeAudit } from './audit';
import type { Clock } from './clock';
import type { Ctx } from './context';
import { bool } from './context';
import { type FederatedCredentialRow, fetchableUrl } from './federated-credentials';
import { holds } from './rbac';
import { bindingsOf } from './role-bindings';
import { issueToken } from './token-secrets';

export interface FederationOptions {
  /** Plain-HTTP issuers and key sets on loopback (tests, a local issuer); HTTPS only otherwise. */
  allowHttpLoopback?: boolean;
  /**
   * Least time between two fetches of an issuer's key set. An unknown `kid` refetches once
   * (the issuer rotated its keys); within this window it is refused without a fetch, so tokens
   * with made-up key ids cannot make the server hammer an issuer.
   */
  jwksCooldownMs?: number;
  /** How long keys and discovery documents are kept before they are read again. */
  cacheMaxAgeMs?: number;
  fetchTimeoutMs?: number;
}

interface IssuerKeys {
  keys: JWTVerifyGetKey;
  fetchedAt: number;
}

const ALGORITHMS = [...FEDERATION.algorithms];
const SCOPES: readonly string[] = TOKEN_SCOPES.values;

/**
 * Verifies external tokens with `jose` (signatures, algorithms, time claims) against keys found
 * through OpenID Connect discovery, for issuers that a federated credential names; a URL taken
 * from a token is never fetched.
 */
export class FederationVerifier {
  private readonly issuers = new Map<string, IssuerKeys>();
  private readonly allowHttpLoopback: boolean;
  private readonly cooldownMs: number;
  private readonly cacheMaxAgeMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly clock: Clock,
    options: FederationOptions = {},
  ) {
    this.allowHttpLoopback = options.allowHttpLoopback ?? false;
    this.cooldownMs = options.jwksCooldownMs ?? 30_000;
    this.cacheMaxAgeMs = options.cacheMaxAgeMs ?? 10 * 60_000;
    this.timeoutMs = options.fetchTimeoutMs ?? 5_000;
  }

  private async discover(issuer: string): Promise<JWTVerifyGetKey> {
    const cached = this.issuers.get(issuer);
    if (cached && Date.now() - cached.fetchedAt < this.cacheMaxAgeMs) return cached.keys;
    if (!fetchableUrl(issuer, this.allowHttpLoopback)) throw oauthRefusal('invalid_grant', 'the issuer is not an https:// URL; this server fetches keys over HTTPS only');
    const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    let document: { issuer?: unknown; jwks_uri?: unknown };
    try {
      // Redirects are not followed: discovery is read from the issuer itself.
      const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(this.timeoutMs), headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`status ${res.status}`);
      document = (await res.json()) as typeof document;
    } catch {
      throw oauthRefusal('invalid_grant', "the issuer's OpenID Connect discovery document could not be read; retry later");
    }
    // OpenID Connect Discovery 1.0 section 4.3: the document must name the issuer it was read from.
    if (document.issuer !== issuer) throw oauthRefusal('invalid_grant', "the issuer's discovery document names another issuer");
    if (typeof document.jwks_uri !== 'string' || !fetchableUrl(document.jwks_uri, this.allowHttpLoopback)) {
      throw oauthRefusal('invalid_grant', "the issuer's discovery document has no usable jwks_uri (HTTPS required)");
    }
    const keys = createRemoteJWKSet(new URL(document.jwks_uri), { cooldownDuration: this.cooldownMs, cacheMaxAge: this.cacheMaxAgeMs, timeoutDuration: this.timeoutMs });
    this.issuers.set(issuer, { keys, fetchedAt: Date.now() });
    return keys;
  }

  /** The verified claims of `token` from `issuer`, or a refusal saying which check failed. */
  async verify(token: string, issuer: string): Promise<JWTPayload> {
    const keys = await this.discover(issuer);
    const now = this.clock.now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer,
        algorithms: ALGORITHMS,
        clockTolerance: FEDERATION.clockSkewSeconds,
        currentDate: now,
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
      }));
    } catch (err) {
      throw refusalOf(err);
    }
    if (payload.iat! > now.getTime() / 1000 + FEDERATION.clockSkewSeconds) throw oauthRefusal('invalid_grant', 'the subject token was issued in the future (iat)');
    return payload;
  }
}

function refusalOf(err: unknown): ApiError {
  if (isOAuthRefusal(err)) return err;
  if (err instanceof jose.JWTExpired) return oauthRefusal('invalid_grant', 'the subject token has expired (exp)');
  if (err instanceof jose.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return oauthRefusal('invalid_grant', 'the subject token is not valid yet (nbf)');
    return oauthRefusal('invalid_grant', `the subject token's "${err.claim}" claim is missing or wrong`);
  }
  if (err instanceof jose.JOSEAlgNotAllowed) return oauthRefusal('invalid_grant', `the subject token's algorithm is not accepted; use one of ${ALGORITHMS.join(', ')}`);
  if (err instanceof jose.JWKSNoMatchingKey || err instanceof jose.JWKSMultipleMatchingKeys)
    return oauthRefusal('invalid_grant', "no key of the issuer's key set matches the subject token's kid");
  if (err instanceof jose.JWSSignatureVerificationFailed) return oauthRefusal('invalid_grant', "the subject token's signature does not verify");
  if (err instanceof jose.JWKSTimeout || err instanceof jose.JWKSInvalid) return oauthRefusal('invalid_grant', "the issuer's key set could not be read; retry later");
  return oauthRefusal('invalid_grant', 'the subject token is not a valid signed JWT');
}

/** `*` matches any run of characters; everything else is literal. */
export function matchesPattern(pattern: string, value: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** Why `claims` fail `credential`, or null when they satisfy it. */
function mismatch(credential: FederatedCredentialRow, claims: JWTPayload): string | null {
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(credential.audience)) return 'audience (aud)';
  if (typeof claims.sub !== 'string' || !matchesPattern(credential.subject, claims.sub)) return 'subject (sub)';
  for (const [name, pattern] of Object.entries(JSON.parse(credential.claims) as Record<string, string>)) {
    const value = claims[name];
    if (!['string', 'number', 'boolean'].includes(typeof value) || !matchesPattern(pattern, String(value))) return `claim "${name}"`;
  }
  return null;
}

interface Candidate extends FederatedCredentialRow {
  account_name: string;
  account_disabled: number;
  account_expires_at: string | null;
}

export interface ExchangeDeps {
  store: Store;
  verifier: FederationVerifier;
  clock: Clock;
}

export interface RefusalContext {
  /** The one credential the refusal concerns, when there was one. */
  credentialId: string | null;
}

/**
 * RFC 8693 token exchange. Everything that reads the network happens before the transaction;
 * inside it the replay record, the token and its audit event are written together or not at all.
 */
export async function exchangeToken(
  deps: ExchangeDeps,
  input: TokenExchangeRequest,
  runInTransaction: <T>(fn: (ctx: Ctx) => Promise<T>) => Promise<T>,
  refusal: RefusalContext,
): Promise<TokenExchangeResponse> {
  if (input.grant_type !== GRANT_TYPE_TOKEN_EXCHANGE) throw oauthRefusal('unsupported_grant_type', `grant_type must be ${GRANT_TYPE_TOKEN_EXCHANGE}`);
  let unverified: JWTPayload;
  try {
    decodeProtectedHeader(input.subject_token);
    unverified = decodeJwt(input.subject_token);
  } catch {
    throw oauthRefusal('invalid_request', 'subject_token is not a JWT');
  }
  // Read only to choose which configured credentials apply; the signature is checked below.
  const issuer = unverified.iss;
  if (typeof issuer !== 'string' || issuer === '') throw oauthRefusal('invalid_grant', 'the subject token has no "iss" claim');
  let candidates = await deps.store.all<Candidate>(
    `SELECT fc.*, sa.name AS account_name, sa.disabled AS account_disabled, sa.expires_at AS account_expires_at
     FROM federated_credentials fc JOIN service_accounts sa ON sa.id = fc.service_account_id WHERE fc.issuer = ? ORDER BY fc.id`,
    [issuer],
  );
  if (candidates.length === 0) throw oauthRefusal('invalid_grant', 'no federated credential trusts the issuer of the subject token');
  if (input.service_account !== undefined) {
    candidates = candidates.filter((c) => c.service_account_id === input.service_account || c.account_name === input.service_account);
    if (candidates.length === 0) throw oauthRefusal('invalid_target', 'service_account names no service account that trusts this issuer');
  }
  if (candidates.length === 1) refusal.credentialId = candidates[0]!.id;

  const claims = await deps.verifier.verify(input.subject_token, issuer);
  const reasons = candidates.map((c) => mismatch(c, claims));
  const matching = candidates.filter((_c, i) => reasons[i] === null);
  if (matching.length === 0) {
    const detail = candidates.length === 1 ? `: its ${reasons[0]} does not match` : '';
    throw oauthRefusal('invalid_grant', `no federated credential matches the subject token${detail}`);
  }
  const accounts = new Set(matching.map((c) => c.service_account_id));
  if (accounts.size > 1) throw oauthRefusal('invalid_target', 'several service accounts trust this token; say which with service_account (its name or id)');
  // Several credentials of one account may match: the shortest lifetime wins.
  const credential = matching.reduce((a, b) => (b.max_token_lifetime_seconds < a.max_token_lifetime_seconds ? b : a));
  refusal.credentialId = credential.id;
  const now = deps.clock.now();
  if (bool(credential.account_disabled) || (credential.account_expires_at !== null && Date.parse(credential.account_expires_at) <= now.getTime())) {
    throw oauthRefusal('invalid_grant', 'the service account is disabled or expired');
  }

  const scopes = await scopesOf(deps.store, credential.service_account_id, input.scope);
  const lifetime = Number(credential.max_token_lifetime_seconds);
  const expiresAt = new Date(now.getTime() + lifetime * 1000).toISOString();
  // Tokens without a jti are remembered by their digest, so the same token is still used once;
  // long jtis by theirs, so that two never collide in the column.
  const digestOf = (v: string) => `sha256:${createHash('sha256').update(v).digest('base64url')}`;
  const jti = typeof claims.jti === 'string' && claims.jti !== '' ? (claims.jti.length <= 200 ? claims.jti : digestOf(claims.jti)) : digestOf(input.subject_token);
  const subjectTokenExpiry = new Date(Math.max(claims.exp! * 1000, now.getTime()) + FEDERATION.clockSkewSeconds * 1000).toISOString();

  return runInTransaction(async (ctx) => {
    await ctx.db.run('DELETE FROM federation_replay WHERE expires_at < ?', [now.toISOString()]);
    try {
      await ctx.db.run('INSERT INTO federation_replay (issuer, jti, expires_at) VALUES (?, ?, ?)', [issuer, jti, subjectTokenExpiry]);
    } catch (err) {
      if (err instanceof UniqueViolation) throw oauthRefusal('invalid_grant', 'the subject token was already exchanged (jti seen before); request a fresh one');
      throw err;
    }
    const { id, secret } = await issueToken(ctx, {
      kind: 'api',
      ownerType: 'service_account',
      ownerId: credential.service_account_id,
      name: `fed-${randomBytes(5).toString('hex')}-${credential.name}`.slice(0, NAME.maxLength),
      scopes,
      expiresAt,
      lifetimeSeconds: lifetime,
      maxExpiresAt: null,
      maxAgeDays: null,
      // The account's own allowed_cidrs still bind the exchanged token.
      allowedCidrs: [],
      maxUnusedDays: null,
    });
    await writeAudit(
      ctx.db,
      { user_type: 'service', id: credential.service_account_id, token_id: id, external_subject: `${issuer} ${String(claims.sub)}` },
      { action: 'token.exchange', target: { type: 'token', id }, outcome: 'success' },
      ctx.requestId,
      now,
    );
    return { access_token: secret, issued_token_type: TOKEN_TYPE_ACCESS_TOKEN, token_type: 'Bearer' as const, expires_in: lifetime, scope: scopes.join(' ') };
  });
}

/** The requested scopes (default `api`), each one the account's bindings allow; never wider. */
async function scopesOf(store: Store, accountId: string, requested: string | undefined): Promise<TokenScope[]> {
  const names = requested === undefined || requested.trim() === '' ? [...TOKEN_SCOPES.default] : [...new Set(requested.trim().split(/ +/))];
  const unknown = names.filter((n) => !SCOPES.includes(n));
  if (unknown.length > 0)
    throw oauthRefusal('invalid_scope', `unknown scope ${unknown.map((n) => `"${n.slice(0, 32)}"`).join(', ')}; scopes are ${SCOPES.map((s) => `"${s}"`).join(' and ')}`);
  if (names.includes('scim')) {
    const bindings = await bindingsOf(store, 'service_account', accountId);
    const principal = { user_type: 'service' as const, id: accountId, name: '', token_id: null, token_kind: 'api' as const, scopes: [], bindings };
    if (!holds(principal, 'scim', null))
      throw oauthRefusal('invalid_scope', 'scope "scim" is wider than the service account holds (it needs the scim permission at organization scope)');
  }
  return names as TokenScope[];
}
