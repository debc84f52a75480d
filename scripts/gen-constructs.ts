// `npm run gen:constructs [-- --schema FILE]`: regenerates constructs/generated from the provider's schema.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GENERATED_DIR, generateConstructs, loadProviderSchema } from './constructs-codegen';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { schema: { type: 'string' }, out: { type: 'string' } } });
  const schema = values.schema ? (JSON.parse(readFileSync(values.schema, 'utf8')) as unknown) : loadProviderSchema();
  const written = await generateConstructs(values.out ?? GENERATED_DIR, schema);
  process.stdout.write(`wrote ${written.length} files to ${values.out ?? GENERATED_DIR}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`gen:constructs: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
