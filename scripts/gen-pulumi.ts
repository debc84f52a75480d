// `npm run gen:pulumi [-- --out DIR]`: regenerates provider/pulumi/generated (the Pulumi classes)
// from the resource definitions. --out writes DIR/provider/pulumi/generated instead.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GENERATED_DIR, ROOT, generatePulumi } from './pulumi-codegen';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const root = values.out ?? ROOT;
const written = generatePulumi(root);
process.stdout.write(`pulumi: wrote ${written.length} files under ${join(root, GENERATED_DIR)}\n`);
