import { createHash, createHmac, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const TOKEN_PREFIX = 'wdn_';
/** 30 base62 characters carry 178 bits. */
const RANDOM_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
export const TOKEN_LENGTH = TOKEN_PREFIX.length + RANDOM_LENGTH + CHECKSUM_LENGTH;
const TOKEN_PATTERN = new RegExp(`^${TOKEN_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);

/** Rejection sampling: bytes >= 248 (= 4 * 62) are dropped, so every character is equally likely. */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

function base62(value: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

function checksum(body: string): string {
  return base62(crc32(body) >>> 0, CHECKSUM_LENGTH);
}

/** A fresh secret: `wdn_` + 30 random base62 + 6-character base62 CRC32 of what precedes it. */
export function generateSecret(): string {
  const body = TOKEN_PREFIX + randomBase62(RANDOM_LENGTH);
  return body + checksum(body);
}

/** Shape and checksum, checked before any lookup: typos and random strings never reach the store. */
export function isWellFormedSecret(secret: string): boolean {
  if (!TOKEN_PATTERN.test(secret)) return false;
  const body = secret.slice(0, -CHECKSUM_LENGTH);
  return checksum(body) === secret.slice(-CHECKSUM_LENGTH);
}

/** What a person may see again: the prefix and the first random characters. */
export function secretHint(secret: string): string {
  return secret.slice(0, TOKEN_PREFIX.length + 4);
}

/**
 * Only this digest is stored. HMAC-SHA-256 under a server-side key when one is configured (a
 * stolen database then cannot even confirm a guessed secret), else SHA-256 (the secrets carry
 * 178 random bits, so no salt or slow hash is needed).
 */
export function secretDigester(key: string | undefined): (secret: string) => string {
  if (key) return (secret) => createHmac('sha256', key).update(secret).digest('base64url');
  return (secret) => createHash('sha256').update(secret).digest('base64url');
}
