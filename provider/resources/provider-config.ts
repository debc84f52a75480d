import { isWardenError } from '../../api-client/errors';
import type { WardenClient } from '../../api-client/client';
import { type Diagnostic, type State, optional } from './schema';
import { str } from './values';

/** The provider's own settings, declared like a resource's attributes. */
export const providerConfig = {
  endpoint: optional.string('Base URL of the Warden server, e.g. https://warden.example.com. Defaults to the WARDEN_ENDPOINT environment variable.'),
  token: optional.string('API token of the service account that applies the configuration. Defaults to the WARDEN_TOKEN environment variable.', { sensitive: true }),
};

export interface ProviderSettings {
  endpoint: string;
  token: string;
}

/** An endpoint that is not an http(s) URL, as one diagnostic naming the setting. */
export function endpointProblem(endpoint: string): Diagnostic | undefined {
  if (/^https?:\/\/[^/]/.test(endpoint) && URL.canParse(endpoint)) return undefined;
  return { severity: 'error', summary: 'Invalid Warden endpoint', detail: `"endpoint" must be an http or https URL such as https://warden.example.com; got "${endpoint}".`, path: ['endpoint'] };
}

/** Configuration first, then the environment; every problem is one diagnostic naming the setting. */
export function resolveProviderConfig(config: State, env: NodeJS.ProcessEnv = process.env): { settings?: ProviderSettings; diagnostics: Diagnostic[] } {
  const endpoint = str(config, 'endpoint') ?? env.WARDEN_ENDPOINT;
  const token = str(config, 'token') ?? env.WARDEN_TOKEN;
  const diagnostics: Diagnostic[] = [];
  if (!endpoint) {
    diagnostics.push({ severity: 'error', summary: 'Missing Warden endpoint', detail: 'Set "endpoint" in the provider block or the WARDEN_ENDPOINT environment variable.', path: ['endpoint'] });
  } else {
    const invalid = endpointProblem(endpoint);
    if (invalid) diagnostics.push(invalid);
  }
  if (!token) diagnostics.push({ severity: 'error', summary: 'Missing Warden token', detail: 'Set "token" in the provider block or the WARDEN_TOKEN environment variable.', path: ['token'] });
  return endpoint && token && diagnostics.length === 0 ? { settings: { endpoint, token }, diagnostics } : { diagnostics };
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

/** Checks that the server answers and accepts the token; a failure is one plain sentence. */
export async function verifyConnection(client: WardenClient, endpoint: string): Promise<Diagnostic | undefined> {
  try {
    await client.whoami();
    return undefined;
  } catch (err) {
    const message = isWardenError(err) ? err.message : String(err);
    const summary = isWardenError(err) && err.code === 'WARDEN_CLIENT_ERR_NETWORK' ? `Cannot reach the Warden server at ${endpoint}` : `The Warden server at ${endpoint} refused the provider's credentials`;
    return { severity: 'error', summary, detail: message, path: isWardenError(err) && err.status === 401 ? ['token'] : ['endpoint'] };
  }
}
