import { createHash, createHmac } from 'node:crypto';

// The format lives with the client so that clients mint secrets the server accepts (write-only tokens).
export { TOKEN_LENGTH, TOKEN_PREFIX, generateSecret, isWellFormedSecret, secretHint } from '../../api-client/token-format';

/**
 * Only this digest is stored. HMAC-SHA-256 under a server-side key when one is configured (a
 * stolen database then cannot even confirm a guessed secret), else SHA-256 (the secrets carry
 * 178 random bits, so no salt or slow hash is needed).
 */
export function secretDigester(key: string | undefined): (secret: string) => string {
  if (key) return (secret) => createHmac('sha256', key).update(secret).digest('base64url');
  return (secret) => createHash('sha256').update(secret).digest('base64url');
}
