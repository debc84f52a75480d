import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GRANT_TYPE_TOKEN_EXCHANGE, TOKEN_TYPE_JWT } from '../../api-client/contract';
import { isWardenError } from '../../api-client/errors';
import type { WardenClient } from '../../api-client/client';
import type { AttributeNamer } from './problem';
import { type Diagnostic, type State, optional } from './schema';
import { str } from './values';

/** The provider's own settings, declared like a resource's attributes. */
export const providerConfig = {
  endpoint: optional.string('Base URL of the Warden server, e.g. https://warden.example.com. Defaults to the WARDEN_ENDPOINT environment variable.'),
  token: optional.string('API token of the service account that applies the configuration. Defaults to the WARDEN_TOKEN environment variable.', { sensitive: true }),
  oidc_token: optional.string(
    'Keyless CI: an OpenID Connect token of the CI platform (GitHub Actions, GitLab CI, a Kubernetes service account), exchanged at configure time for a short-lived Warden token through a federated credential. Defaults to WARDEN_OIDC_TOKEN. Used when no token is set.',
    { sensitive: true },
  ),
  oidc_token_file: optional.string(
    'File holding the OpenID Connect token (a Kubernetes projected service account token, say), read at configure time. Defaults to WARDEN_OIDC_TOKEN_FILE.',
  ),
  service_account: optional.string('Name or id of the service account to exchange for, when several trust the same OIDC token. Defaults to WARDEN_SERVICE_ACCOUNT.'),
};

/** Either an API token, or an OIDC token to exchange for one (keyless CI). */
export type ProviderSettings = { endpoint: string; token: string } | { endpoint: string; oidcToken: string; serviceAccount: string | undefined; oidcSource: string };

/** An endpoint that is not an http(s) URL, as one diagnostic naming the setting. */
export function endpointProblem(endpoint: string): Diagnostic | undefined {
  if (/^https?:\/\/[^/]/.test(endpoint) && URL.canParse(endpoint)) return undefined;
  return {
    severity: 'error',
    summary: 'Invalid Warden endpoint',
    detail: (n) => `${n('endpoint')} must be an http or https URL such as https://warden.example.com; got "${endpoint}".`,
    path: ['endpoint'],
  };
}

/** Configuration first, then the environment; every problem is one diagnostic naming the setting. */
export function resolveProviderConfig(config: State, env: NodeJS.ProcessEnv = process.env): { settings?: ProviderSettings; diagnostics: Diagnostic[] } {
  const endpoint = str(config, 'endpoint') ?? env.WARDEN_ENDPOINT;
  const token = str(config, 'token') ?? env.WARDEN_TOKEN;
  const diagnostics: Diagnostic[] = [];
  const oidc = token ? undefined : oidcTokenOf(config, env, diagnostics);
  if (!endpoint) {
    diagnostics.push({
      severity: 'error',
      summary: 'Missing Warden endpoint',
      detail: (n) => `Set ${n('endpoint')} in the provider block or the WARDEN_ENDPOINT environment variable.`,
      path: ['endpoint'],
      env: 'WARDEN_ENDPOINT',
    });
  } else {
    const invalid = endpointProblem(endpoint);
    if (invalid) diagnostics.push(invalid);
  }
  if (str(config, 'token') && (str(config, 'oidc_token') || str(config, 'oidc_token_file'))) {
    diagnostics.push({
      severity: 'error',
      summary: 'Conflicting Warden credentials',
      detail: (n) => `Set either ${n('token')} or ${n('oidc_token')} / ${n('oidc_token_file')}, not both.`,
      path: ['oidc_token'],
    });
  }
  if (!token && !oidc && diagnostics.length === 0) {
    diagnostics.push({
      severity: 'error',
      summary: 'Missing Warden token',
      detail: (n) =>
        `Set ${n('token')} in the provider block or the WARDEN_TOKEN environment variable; or, for keyless CI, ${n('oidc_token')} / ${n('oidc_token_file')} (WARDEN_OIDC_TOKEN / WARDEN_OIDC_TOKEN_FILE).`,
      path: ['token'],
      env: 'WARDEN_TOKEN',
    });
  }
  if (!endpoint || diagnostics.length > 0) return { diagnostics };
  if (token) return { settings: { endpoint, token }, diagnostics };
  if (oidc)
    return {
      settings: { endpoint, oidcToken: oidc.token, oidcSource: oidc.source, serviceAccount: str(config, 'service_account') ?? (env.WARDEN_SERVICE_ACCOUNT || undefined) },
      diagnostics,
    };
  return { diagnostics };
}

/** Where a value came from: an environment variable as it is, a setting in the face's spelling. */
const settingOrEnv = (source: string, name: AttributeNamer) => (source.startsWith('WARDEN_') ? source : name(source));

/** The OIDC token from the configuration, its file, or the environment (in that order). */
function oidcTokenOf(config: State, env: NodeJS.ProcessEnv, diagnostics: Diagnostic[]): { token: string; source: string } | undefined {
  const direct = str(config, 'oidc_token');
  if (direct) return { token: direct.trim(), source: 'oidc_token' };
  const file = str(config, 'oidc_token_file') ?? (env.WARDEN_OIDC_TOKEN ? undefined : env.WARDEN_OIDC_TOKEN_FILE || undefined);
  if (!file) return env.WARDEN_OIDC_TOKEN ? { token: env.WARDEN_OIDC_TOKEN.trim(), source: 'WARDEN_OIDC_TOKEN' } : undefined;
  const source = str(config, 'oidc_token_file') ? 'oidc_token_file' : 'WARDEN_OIDC_TOKEN_FILE';
  try {
    const token = readFileSync(file, 'utf8').trim();
    if (token) return { token, source };
    diagnostics.push({
      severity: 'error',
      summary: 'Empty OIDC token file',
      detail: (n) => `${settingOrEnv(source, n)} names "${file}", which is empty.`,
      path: ['oidc_token_file'],
    });
  } catch (err) {
    diagnostics.push({
      severity: 'error',
      summary: 'Cannot read the OIDC token file',
      detail: (n) => `${settingOrEnv(source, n)} names "${file}": ${(err as Error).message}`,
      path: ['oidc_token_file'],
    });
  }
  return undefined;
}

/**
 * Keyless CI: trades the OIDC token for a short-lived Warden token at POST /v1/oauth/token.
 * `anonymous` is a client without credentials; the refusal (RFC 6749 error) is one diagnostic.
 */
export async function exchangeOidcToken(
  anonymous: WardenClient,
  settings: { endpoint: string; oidcToken: string; serviceAccount: string | undefined; oidcSource: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ token: string } | { diagnostic: Diagnostic; cause: unknown }> {
  const cache = exchangeCache(env, settings.oidcToken, `${settings.endpoint}\n${settings.serviceAccount ?? ''}`);
  const cached = cache.read();
  if (cached) return { token: cached };
  try {
    const answer = await anonymous.exchangeToken({
      grant_type: GRANT_TYPE_TOKEN_EXCHANGE,
      subject_token: settings.oidcToken,
      subject_token_type: TOKEN_TYPE_JWT,
      ...(settings.serviceAccount ? { service_account: settings.serviceAccount } : {}),
    });
    cache.write(answer.access_token, Date.now() + answer.expires_in * 1000);
    return { token: answer.access_token };
  } catch (err) {
    return {
      diagnostic: {
        severity: 'error',
        summary: (n) => `The Warden server at ${settings.endpoint} refused to exchange the OIDC token (${settingOrEnv(settings.oidcSource, n)})`,
        detail: `Check that a federated credential of the service account trusts this token's issuer, audience, subject and claims, and that the token is fresh (each token is exchanged once).`,
        path: [settings.oidcSource.startsWith('WARDEN_') ? 'oidc_token' : settings.oidcSource],
      },
      cause: err,
    };
  }
}

const CACHE_MARGIN_MS = 60_000;

/** Keys for one cache entry, derived from the OIDC token itself: without it an entry is noise. */
function entryKeys(oidcToken: string, context: string): { name: string; key: Buffer } {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', oidcToken, context, info, 32));
  return { name: derive('warden-oidc-cache-name').toString('hex'), key: derive('warden-oidc-cache-key') };
}

/**
 * The server refuses a second exchange of one OIDC token (replay protection), yet one
 * `terraform apply` starts the provider more than once (plan, then apply). So the short-lived
 * token an exchange returns is kept for the provider processes that follow, until a minute before
 * it expires: in a directory only this user can read (0700, files 0600; WARDEN_OIDC_CACHE_DIR,
 * else under the temp directory), encrypted (AES-256-GCM) under a key derived from the OIDC token
 * and named by another, so that the disk holds nothing usable or guessable without that token,
 * which the server will not exchange again.
 */
function exchangeCache(env: NodeJS.ProcessEnv, oidcToken: string, context: string): { read(): string | undefined; write(token: string, expiresAt: number): void } {
  const dir = env.WARDEN_OIDC_CACHE_DIR || join(tmpdir(), `warden-oidc-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);
  const { name, key } = entryKeys(oidcToken, context);
  const file = join(dir, name);
  return {
    read() {
      try {
        if ((statSync(dir).mode & 0o077) !== 0) return undefined;
        const entry = JSON.parse(readFileSync(file, 'utf8')) as { iv?: unknown; data?: unknown; tag?: unknown; expires_at?: unknown };
        if (typeof entry.expires_at !== 'number' || entry.expires_at - CACHE_MARGIN_MS <= Date.now()) return undefined;
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(String(entry.iv), 'base64'));
        decipher.setAAD(Buffer.from(String(entry.expires_at)));
        decipher.setAuthTag(Buffer.from(String(entry.tag), 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(String(entry.data), 'base64')), decipher.final()]).toString('utf8');
      } catch {
        // Nothing cached, unreadable or tampered with: exchange.
      }
      return undefined;
    },
    write(token, expiresAt) {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        chmodSync(dir, 0o700);
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', key, iv);
        cipher.setAAD(Buffer.from(String(expiresAt)));
        const data = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
        const entry = { iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64'), expires_at: expiresAt };
        writeFileSync(file, JSON.stringify(entry), { mode: 0o600 });
        // Expired entries are removed as new ones arrive.
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          try {
            const entry = JSON.parse(readFileSync(path, 'utf8')) as { expires_at?: unknown };
            if (typeof entry.expires_at !== 'number' || entry.expires_at < Date.now()) rmSync(path, { force: true });
          } catch {
            rmSync(path, { force: true });
          }
        }
      } catch {
        // A cache that cannot be written costs a later process an exchange, nothing more.
      }
    },
  };
}

/**
 * The server's clock as seen from here: one round trip per process measures the offset, then
 * local time plus that offset stands in for the server's.
 */
export function serverClock(client: WardenClient): () => Promise<Date> {
  let offset: Promise<number> | undefined;
  return async () => {
    offset ??= client.serverTime().then((t) => t.getTime() - Date.now());
    return new Date(Date.now() + (await offset));
  };
}

/** Checks that the server answers and accepts the token; a failure is one diagnostic and the error behind it. */
export async function verifyConnection(client: WardenClient, endpoint: string): Promise<{ diagnostic: Diagnostic; cause: unknown } | undefined> {
  try {
    await client.whoami();
    return undefined;
  } catch (err) {
    const unreachable = isWardenError(err) && (err.code === 'WARDEN_CLIENT_ERR_NETWORK' || err.code === 'WARDEN_CLIENT_ERR_TIMEOUT');
    const diagnostic: Diagnostic = unreachable
      ? { severity: 'error', summary: `Cannot reach the Warden server at ${endpoint}`, detail: (n) => `Check ${n('endpoint')} and that the server is up.`, path: ['endpoint'] }
      : {
          severity: 'error',
          summary: `The Warden server at ${endpoint} refused the provider's credentials`,
          detail: (n) => `Check ${n('token')} (or the OIDC settings): it may be expired, revoked, or belong to a disabled account.`,
          path: isWardenError(err) && err.status === 401 ? ['token'] : ['endpoint'],
        };
    return { diagnostic, cause: err };
  }
}
