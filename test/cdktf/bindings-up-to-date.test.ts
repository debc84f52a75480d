import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { GENERATED_DIR, HEADER, generateConstructs, listFiles, loadProviderSchema } from '../../scripts/constructs-codegen';

describe('constructs/generated', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'warden-bindings-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('matches what the generator makes from the provider schema today (else run `npm run gen:constructs`)', async () => {
    const fresh = await generateConstructs(dir, loadProviderSchema());
    const committed = listFiles(GENERATED_DIR).map((f) => relative(GENERATED_DIR, f)).sort();
    expect(committed).toEqual(fresh);
    for (const file of fresh) {
      expect({ file, content: readFileSync(join(GENERATED_DIR, file), 'utf8') }).toEqual({ file, content: readFileSync(join(dir, file), 'utf8') });
    }
  });

  test('every generated source file says how it is regenerated', () => {
    for (const file of ['index.ts', 'token/index.ts', 'service-account/index.ts', 'role-binding/index.ts', 'provider/index.ts']) {
      expect(readFileSync(join(GENERATED_DIR, file), 'utf8').startsWith(HEADER)).toBe(true);
    }
  });
});
