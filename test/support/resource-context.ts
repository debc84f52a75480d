import type { ResourceContext } from '../../provider/resources';
import { render, snakeName } from '../../provider/resources/problem';
import type { TestServer } from './server';

export interface RecordingContext extends ResourceContext {
  /** The summary of every warning the definitions gave, in order, as Terraform words it. */
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
    warn: (problem) => warnings.push(render(problem.summary, snakeName)),
    warnings,
  };
}
