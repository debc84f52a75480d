import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The console's static assets by URL path, content built once and served from memory. */
export type ConsoleAssets = Map<string, { body: Buffer; type: string }>;

/** Bundles the browser app with esbuild (a build-time dependency, loaded only here). */
export async function buildConsoleAssets(): Promise<ConsoleAssets> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(__dirname, 'main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2022'],
    platform: 'browser',
    write: false,
    legalComments: 'none',
  });
  const js = result.outputFiles[0];
  if (!js) throw new Error('esbuild produced no output for the console');
  return new Map([
    ['/console/app.js', { body: Buffer.from(js.contents), type: 'text/javascript; charset=utf-8' }],
    ['/console/app.css', { body: readFileSync(join(__dirname, 'styles.css')), type: 'text/css; charset=utf-8' }],
  ]);
}

/** `npm run build:console`: writes the bundle to dist/console/. */
export async function writeConsoleAssets(outDir: string): Promise<void> {
  const assets = await buildConsoleAssets();
  mkdirSync(outDir, { recursive: true });
  for (const [path, asset] of assets) writeFileSync(join(outDir, path.replace('/console/', '')), asset.body);
}

if (require.main === module) {
  writeConsoleAssets(resolve(__dirname, '..', 'dist', 'console')).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
