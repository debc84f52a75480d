// The committed generated code is what `npm run gen:constructs` makes today: the cdktf bindings
// (constructs/generated) and all of cdktn/ (its bindings and the construct code derived from constructs/*.ts).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { LIBRARIES, LIBRARY_DIR, type Library, ROOT, bindingsHeader, derivedHeader, generateConstructs, listFiles, loadProviderSchema } from '../../scripts/constructs-codegen';

jest.setTimeout(60_000);

describe('generated construct code', () => {
  let dir: string;
  let fresh: Record<Library, string[]>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warden-bindings-'));
    fresh = await generateConstructs(dir, loadProviderSchema());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each(LIBRARIES)('%s: matches what the generators make from the provider schema and constructs/*.ts today (else run `npm run gen:constructs`)', (library) => {
    const committedDir = join(ROOT, LIBRARY_DIR[library]);
    // constructs/ also holds the hand-written source: only its generated/ is generated.
    const scope = library === 'cdktf' ? join(committedDir, 'generated') : committedDir;
    const committed = listFiles(scope)
      .map((f) => relative(committedDir, f))
      .sort();
    expect(committed).toEqual(fresh[library]);
    for (const file of fresh[library]) {
      expect({ file, content: readFileSync(join(committedDir, file), 'utf8') }).toEqual({ file, content: readFileSync(join(dir, LIBRARY_DIR[library], file), 'utf8') });
    }
  });

  test.each(LIBRARIES)('%s: every generated binding says how it is regenerated', (library) => {
    for (const file of ['index.ts', 'token/index.ts', 'service-account/index.ts', 'role-binding/index.ts', 'provider/index.ts']) {
      expect(readFileSync(join(ROOT, LIBRARY_DIR[library], 'generated', file), 'utf8').startsWith(bindingsHeader(library))).toBe(true);
    }
  });

  test('cdktn/ holds a copy of every constructs/*.ts, headed as generated, importing cdktn and never cdktf', () => {
    const sources = readdirSync(join(ROOT, 'constructs')).filter((name) => name.endsWith('.ts'));
    expect(sources).toEqual(expect.arrayContaining(['index.ts', 'machine-identity.ts', 'validate.ts']));
    for (const name of sources) {
      const copy = readFileSync(join(ROOT, 'cdktn', name), 'utf8');
      expect(copy.startsWith(derivedHeader(name))).toBe(true);
      expect({ name, cdktf: /(from\s+|import\s*\(\s*|require\s*\(\s*)['"]cdktf['"]/.test(copy) }).toEqual({ name, cdktf: false });
    }
    expect(readFileSync(join(ROOT, 'cdktn', 'machine-identity.ts'), 'utf8')).toContain("import { TerraformOutput, Token as CdktfToken, type TerraformProvider } from 'cdktn';");
    expect(readFileSync(join(ROOT, 'cdktn', 'validate.ts'), 'utf8')).toContain("import { Token } from 'cdktn';");
  });

  test('the ephemeral token binding, which only cdktn generates, is exported from cdktn/index.ts', () => {
    expect(existsSync(join(ROOT, 'constructs', 'generated', 'ephemeral-warden-token'))).toBe(false);
    expect(readFileSync(join(ROOT, 'cdktn', 'index.ts'), 'utf8')).toContain(
      "export { EphemeralWardenToken, type EphemeralWardenTokenConfig } from './generated/ephemeral-warden-token';",
    );
    expect(existsSync(join(ROOT, 'constructs', 'generated', 'ephemeral-warden-secret'))).toBe(false);
    expect(readFileSync(join(ROOT, 'cdktn', 'index.ts'), 'utf8')).toContain(
      "export { EphemeralWardenSecret, type EphemeralWardenSecretConfig } from './generated/ephemeral-warden-secret';",
    );
  });
});
