import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Warden's secret format, the one implementation: the server mints secrets with it, and clients
 * (the Terraform provider's ephemeral `warden_secret`) mint secrets the server will accept.
 * Node-only (node:crypto, node:zlib): the browser console never imports it.
 */

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

/** A fresh secret: `wdn_` + 30 random base62 (CSPRNG) + 6-character base62 CRC32 of what precedes it. */
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
