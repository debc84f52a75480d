// Bundles terraform-provider-warden: a launcher (Node's compile cache), an entry with just what the handshake and the schema
// requests need (the schema is derived from the definitions here, at build time, and embedded),
// and the provider service in a second file loaded by the first call that needs it (compiling it
// is most of the start-up cost). The same sources give the same bytes, so Terraform's lock-file hash of the installed
// provider is stable.
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PluginBuild, build } from 'esbuild';
import { providerSchema } from '../provider/terraform/framework/schema';

const root = join(__dirname, '..');
const out = join(root, 'dist', 'terraform-provider');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, legalComments: 'none', logLevel: 'warning' } as const;

/** `require('./<dir>/<name>')` stays a run-time require of the sibling file built from it. */
const apart = (specifier: string) => {
  const name = specifier.split('/').pop() ?? specifier;
  return {
    name: `${name}-apart`,
    setup: (b: PluginBuild) => b.onResolve({ filter: new RegExp(`^${specifier.replace(/[./]/g, '\\$&')}$`) }, () => ({ path: `./${name}.js`, external: true })),
  };
};

async function main(): Promise<void> {
  // The executable: a few lines that enable Node's compile cache before the provider is compiled.
  await build({
    ...common,
    entryPoints: [join(root, 'provider', 'terraform', 'launcher.ts')],
    outfile: join(out, 'terraform-provider-warden'),
    banner: { js: '#!/usr/bin/env node' },
    plugins: [apart('./provider-main')],
  });
  await build({
    ...common,
    entryPoints: [join(root, 'provider', 'terraform', 'main.ts')],
    outfile: join(out, 'provider-main.js'),
    define: { WARDEN_VERSION: JSON.stringify(version), WARDEN_PROVIDER_SCHEMA: JSON.stringify(providerSchema) },
    plugins: [apart('./framework/provider-service')],
  });
  await build({ ...common, entryPoints: [join(root, 'provider', 'terraform', 'framework', 'provider-service.ts')], outfile: join(out, 'provider-service.js') });
  chmodSync(join(out, 'terraform-provider-warden'), 0o755);
}

main().catch((err: unknown) => {
  process.stderr.write(`build:provider: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
