import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type ConsoleAssets, buildConsoleAssets } from '../../console/build';
import { serverRoutes } from '../../api-client/contract';
import { packageRoot } from '../version';

/** Strict: only our own script and stylesheet, API calls to this origin, nothing inline. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Warden console</title>
<link rel="stylesheet" href="/console/app.css">
<script src="/console/app.js" defer></script>
</head>
<body>
<div id="app"><noscript>The Warden console needs JavaScript.</noscript></div>
</body>
</html>
`;

/** Prebuilt dist/console/ when present (production), otherwise an in-memory esbuild (development). */
async function loadAssets(): Promise<ConsoleAssets> {
  const dist = join(packageRoot(__dirname), 'dist', 'console');
  if (existsSync(join(dist, 'app.js')) && existsSync(join(dist, 'app.css'))) {
    return new Map([
      ['/console/app.js', { body: readFileSync(join(dist, 'app.js')), type: 'text/javascript; charset=utf-8' }],
      ['/console/app.css', { body: readFileSync(join(dist, 'app.css')), type: 'text/css; charset=utf-8' }],
    ]);
  }
  return buildConsoleAssets();
}

function secure(reply: FastifyReply): FastifyReply {
  return reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY');
}

/** The web console: index at `/`, assets under `/console/`; never touches /v1, /scim or probes. */
export async function consolePlugin(app: FastifyInstance): Promise<void> {
  const assets = await loadAssets();
  app.get(serverRoutes.consoleIndex.path, async (_request, reply) => secure(reply).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(INDEX_HTML));
  app.get(serverRoutes.consoleAsset.path, async (request, reply) => {
    const asset = assets.get(request.url.split('?')[0] ?? '');
    if (!asset) return secure(reply).code(404).type('text/plain; charset=utf-8').send('Not found');
    // Assets are small and the index revalidates; a short cache with revalidation keeps upgrades visible.
    return secure(reply).header('cache-control', 'public, max-age=300, must-revalidate').type(asset.type).send(asset.body);
  });
}
