// `npm run gen:constructs [-- --schema FILE] [-- --out DIR]`: regenerates, from the provider's schema,
// constructs/generated (cdktf bindings) and cdktn/ (cdktn bindings and the construct code derived
// from constructs/*.ts). --out writes DIR/constructs/generated and DIR/cdktn instead.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LIBRARIES, LIBRARY_DIR, ROOT, generateConstructs, loadProviderSchema } from './constructs-codegen';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { schema: { type: 'string' }, out: { type: 'string' } } });
  const schema = values.schema ? (JSON.parse(readFileSync(values.schema, 'utf8')) as unknown) : loadProviderSchema();
  const root = values.out ?? ROOT;
  const written = await generateConstructs(root, schema);
  for (const library of LIBRARIES) process.stdout.write(`${library}: wrote ${written[library].length} files under ${join(root, LIBRARY_DIR[library])}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`gen:constructs: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
