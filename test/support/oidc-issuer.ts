import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { type JWK, type JWTPayload, type KeyLike, SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';

interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyLike;
  publicJwk: JWK;
  publicPem: string;
}

async function newKey(alg: SigningKey['alg']): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }, publicPem: await exportSPKI(publicKey) };
}

export interface MintOptions {
  /** Sign with this key instead of the current one (a key the issuer never published, say). */
  key?: SigningKey;
  /** Claims to drop from the defaults. */
  omit?: string[];
}

/**
 * A real OpenID Connect issuer on 127.0.0.1: discovery and a JWKS served over HTTP, keys made by
 * jose and rotated on demand, tokens signed with them. It counts what it serves so tests can see
 * which fetches the server made.
 */
export class OidcIssuer {
  url = '';
  readonly requests = { discovery: 0, jwks: 0 };
  private server: Server | undefined;
  private keys: SigningKey[] = [];

  static async start(): Promise<OidcIssuer> {
    const issuer = new OidcIssuer();
    issuer.keys = [await newKey('RS256')];
    issuer.server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/.well-known/openid-configuration') {
        issuer.requests.discovery++;
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            issuer: issuer.url,
            jwks_uri: `${issuer.url}/jwks`,
            id_token_signing_alg_values_supported: ['RS256', 'ES256'],
            response_types_supported: ['id_token'],
            subject_types_supported: ['public'],
          }),
        );
        return;
      }
      if (path === '/jwks') {
        issuer.requests.jwks++;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: issuer.keys.map((k) => k.publicJwk) }));
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => issuer.server!.listen(0, '127.0.0.1', resolve));
    issuer.url = `http://127.0.0.1:${(issuer.server.address() as { port: number }).port}`;
    return issuer;
  }

  get currentKey(): SigningKey {
    return this.keys[0]!;
  }

  /** Publishes a new signing key (ES256 this time, for variety) and stops publishing the old ones. */
  async rotate(): Promise<void> {
    this.keys = [await newKey(this.currentKey.alg === 'RS256' ? 'ES256' : 'RS256')];
  }

  /** A key that is never published. */
  unpublishedKey(): Promise<SigningKey> {
    return newKey('RS256');
  }

  /** A signed token; `claims` override the defaults (iss, sub, aud, iat, nbf, exp in 5 minutes, a fresh jti). */
  async mint(claims: JWTPayload & Record<string, unknown>, options: MintOptions = {}): Promise<string> {
    const key = options.key ?? this.currentKey;
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = {
      iss: this.url,
      sub: 'repo:acme/app:ref:refs/heads/main',
      aud: 'warden',
      iat: now,
      nbf: now,
      exp: now + 300,
      jti: randomUUID(),
      ...claims,
    };
    for (const name of options.omit ?? []) delete payload[name];
    return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
  }

  /** A token with `alg: none` and no signature, for a currently published kid. */
  unsigned(claims: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
    return `${b64({ alg: 'none', kid: this.currentKey.kid, typ: 'JWT' })}.${b64({ iss: this.url, sub: 'repo:acme/app:ref:refs/heads/main', aud: 'warden', iat: now, exp: now + 300, jti: randomUUID(), ...claims })}.`;
  }

  /** The classic key-confusion attack: HS256 with the issuer's public key (PEM bytes) as the HMAC secret. */
  async hmacWithPublicKey(claims: Record<string, unknown> = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: this.url, sub: 'repo:acme/app:ref:refs/heads/main', aud: 'warden', iat: now, exp: now + 300, jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'HS256', kid: this.currentKey.kid, typ: 'JWT' })
      .sign(new TextEncoder().encode(this.currentKey.publicPem));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
