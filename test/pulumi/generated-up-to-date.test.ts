// The committed Pulumi classes (provider/pulumi/generated) are what `npm run gen:pulumi` makes
// from the resource definitions today.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENERATED_DIR, HEADER, ROOT, generatePulumi } from '../../scripts/pulumi-codegen';

describe('generated Pulumi classes', () => {
  let dir: string;
  let fresh: string[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'warden-pulumi-gen-'));
    fresh = generatePulumi(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('match what the generator makes from provider/resources today (else run `npm run gen:pulumi`)', () => {
    const committedDir = join(ROOT, GENERATED_DIR);
    expect(readdirSync(committedDir).sort()).toEqual(fresh);
    for (const file of fresh) {
      expect({ file, content: readFileSync(join(committedDir, file), 'utf8') }).toEqual({ file, content: readFileSync(join(dir, GENERATED_DIR, file), 'utf8') });
    }
  });

  test('every generated file says it is generated and how to regenerate it', () => {
    expect(fresh).toEqual(expect.arrayContaining(['index.ts', 'token.ts', 'service-account.ts', 'role-binding.ts', 'federated-credential.ts']));
    for (const file of fresh) expect({ file, headed: readFileSync(join(ROOT, GENERATED_DIR, file), 'utf8').startsWith(HEADER) }).toEqual({ file, headed: true });
    expect(HEADER).toContain('npm run gen:pulumi');
  });
});
