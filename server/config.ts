import { isIP } from 'node:net';
import { z } from 'zod';
import { EXPIRES_IN_DAYS } from '../api-client/contract/limits';
import { Cidr } from '../api-client/contract/network';

/** Comma-separated addresses or CIDR blocks of the reverse proxies whose X-Forwarded-For is believed. */
const TrustedProxies = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== ''),
  )
  .pipe(z.array(z.string().refine((p) => isIP(p) !== 0 || Cidr.safeParse(p).success, 'each entry must be an IP address or a CIDR block, e.g. 10.0.0.0/8,127.0.0.1')));

const optionalInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();

/**
 * The server's policy when nothing else is said, here only: `Env` defaults to these, and so does
 * `buildApp` for options its caller leaves out (tests, embedders).
 */
export const POLICY_DEFAULTS = {
  /** A token created with neither expires_in_days nor expires_at expires after this many days. */
  tokenDefaultLifetimeDays: 90,
  /** WARDEN_EXTENDED_MAX_LIFETIME_DAYS: the hard cap of extended tokens, from creation or last regenerate. */
  extendedMaxLifetimeDays: 365,
  sessionTtlMinutes: 12 * 60,
  /** Requests per minute per client address on sign-in and leak reports. */
  unauthenticatedRateLimit: 30,
} as const;

/** Every environment variable the server reads, validated once at start. */
export const Env = z.object({
  WARDEN_HOST: z.string().min(1).default('127.0.0.1'),
  WARDEN_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  WARDEN_DATA_DIR: z.string().min(1).default('.warden/data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  WARDEN_BOOTSTRAP_TOKEN: z.string().optional(),
  WARDEN_BOOTSTRAP_EMAIL: z.email().default('admin@warden.local'),
  WARDEN_BOOTSTRAP_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  WARDEN_TOKEN_HASH_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  WARDEN_TOKEN_MAX_LIFETIME_DAYS: optionalInt(EXPIRES_IN_DAYS.min, EXPIRES_IN_DAYS.max),
  WARDEN_EXTENDED_MAX_LIFETIME_DAYS: z.coerce.number().int().min(EXPIRES_IN_DAYS.min).max(EXPIRES_IN_DAYS.max).default(POLICY_DEFAULTS.extendedMaxLifetimeDays),
  WARDEN_SESSION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(POLICY_DEFAULTS.sessionTtlMinutes),
  WARDEN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100000).default(POLICY_DEFAULTS.unauthenticatedRateLimit),
  WARDEN_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  // Only for tests and local issuers: federated credentials may then name http:// issuers on loopback.
  WARDEN_FEDERATION_ALLOW_HTTP_LOOPBACK: z.enum(['true', 'false']).default('false'),
  WARDEN_TRUSTED_PROXIES: TrustedProxies.default([]),
  WARDEN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Env = z.infer<typeof Env>;

export function readEnv(env: NodeJS.ProcessEnv): Env {
  const blanksRemoved = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = Env.safeParse(blanksRemoved);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
