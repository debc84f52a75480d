import type { ResourceContext } from '../../provider/resources';
import type { TestServer } from './server';

export interface RecordingContext extends ResourceContext {
  /** Every warning the definitions gave, in order. */
  warnings: string[];
}

/**
 * The context the providers hand the resource definitions, over a test server: its admin client,
 * and the server's own time read from its Date header on every call (not cached, as the
 * providers do for a run), so a test that moves the injected clock is seen at once.
 */
export function resourceContext(server: TestServer, adoptOnConflict = true): RecordingContext {
  const warnings: string[] = [];
  return {
    client: server.client,
    serverNow: () => server.client.serverTime(),
    adoptOnConflict,
    warn: (summary) => warnings.push(summary),
    warnings,
  };
}
