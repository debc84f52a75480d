// The user-facing classes: their declarations (read from the generated source with the TypeScript
// parser) against the definitions they come from, then, under Pulumi's mocks, the type tokens, the
// args sent, every output registered, the secret outputs asked for. The provider itself runs in
// packed-provider.test.ts; generated-up-to-date.test.ts compares the source with the generator's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import ts from 'typescript';
import { type Attribute, type ResourceDefinition, camel, resources } from '../../provider/resources';
import * as warden from '../../provider/pulumi';
import { FederatedCredential, RoleBinding, ServiceAccount, Token } from '../../provider/pulumi';
import { docInPulumiTerms } from '../../provider/pulumi/names';
import { propsOf } from '../../provider/pulumi/props';
import { GENERATED_DIR, ROOT, SECRET_NOTE, WRITE_ONLY_NOTE } from '../../scripts/pulumi-codegen';

/** The public names and type tokens: existing stacks' URNs and programs depend on them. */
const FACE: Record<string, { className: string; file: string }> = {
  warden_service_account: { className: 'ServiceAccount', file: 'service-account' },
  warden_role_binding: { className: 'RoleBinding', file: 'role-binding' },
  warden_token: { className: 'Token', file: 'token' },
  warden_federated_credential: { className: 'FederatedCredential', file: 'federated-credential' },
};

interface Member {
  name: string;
  optional: boolean;
  type: string;
  doc: string;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
function docOf(node: ts.Node): string {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  return oneLine(docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join(' '));
}

/** The interfaces and the class of one generated file, as declared. */
function declarations(file: string) {
  const path = join(ROOT, GENERATED_DIR, `${file}.ts`);
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
  const member = (m: ts.PropertySignature | ts.PropertyDeclaration): Member => ({
    name: m.name.getText(source),
    optional: m.questionToken !== undefined,
    type: m.type!.getText(source),
    doc: docOf(m),
  });
  const find = <T extends ts.Node>(is: (n: ts.Node) => n is T, name: string): T => {
    const found = source.statements.find((s): s is ts.Statement & T => is(s) && (s as unknown as { name?: ts.Identifier }).name?.text === name);
    if (!found) throw new Error(`${file}.ts declares no ${name}`);
    return found;
  };
  return {
    interface: (name: string) => find(ts.isInterfaceDeclaration, name).members.filter(ts.isPropertySignature).map(member),
    class: (name: string) => {
      const decl = find(ts.isClassDeclaration, name);
      const declared = decl.members.filter(ts.isPropertyDeclaration).filter((m) => m.modifiers?.some((x) => x.kind === ts.SyntaxKind.DeclareKeyword));
      return { doc: docOf(decl), outputs: declared.map(member) };
    },
  };
}

const TYPE: Record<Attribute['type'], { input: string; output: string }> = {
  string: { input: 'pulumi.Input<string>', output: 'string' },
  number: { input: 'pulumi.Input<number>', output: 'number' },
  bool: { input: 'pulumi.Input<boolean>', output: 'boolean' },
  'set(string)': { input: 'pulumi.Input<pulumi.Input<string>[]>', output: 'string[]' },
  'map(string)': { input: 'pulumi.Input<Record<string, pulumi.Input<string>>>', output: 'Record<string, string>' },
};

/** The description, in camelCase terms, and what Pulumi does with a secret. */
function expectedDoc(def: ResourceDefinition, a: Attribute): string {
  const note = a.writeOnly ? ` ${WRITE_ONLY_NOTE}` : a.sensitive ? ` ${SECRET_NOTE}` : '';
  return oneLine(docInPulumiTerms(a.description, def.attributes) + note);
}
/** `id` is the resource's own id (Pulumi reserves it). */
const attributesOf = (def: ResourceDefinition) => Object.entries(def.attributes).filter(([name]) => name !== 'id');

describe.each(resources.map((def) => [def.typeName, def] as const))('the declarations of %s', (typeName, def) => {
  const { className, file } = FACE[typeName]!;
  const declared = declarations(file);

  it('outputs: every attribute but write-only ones, null where the definition allows it, with its description', () => {
    const expected = attributesOf(def)
      .filter(([, a]) => !a.writeOnly)
      .map(([name, a]) => {
        const nullable = a.mode === 'optional' || a.nullable === true;
        return { name: camel(name), optional: false, type: `pulumi.Output<${TYPE[a.type].output}${nullable ? ' | null' : ''}>`, doc: expectedDoc(def, a) };
      });
    expect(declared.class(className).outputs).toEqual(expected);
  });

  it('args: every attribute the user may set, optional unless required, with its description, and adopt', () => {
    const expected = attributesOf(def)
      .filter(([, a]) => a.mode !== 'computed')
      .map(([name, a]) => ({ name: camel(name), optional: a.mode !== 'required', type: TYPE[a.type].input, doc: expectedDoc(def, a) }));
    const args = declared.interface(`${className}Args`);
    expect(args.slice(0, -1)).toEqual(expected);
    expect(args.at(-1)).toMatchObject({ name: 'adopt', optional: true, type: 'boolean', doc: expect.stringContaining('Take over the live') });
  });

  it('state for get: every attribute, each optional', () => {
    const expected = attributesOf(def).map(([name, a]) => ({ name: camel(name), optional: true, type: TYPE[a.type].input, doc: expectedDoc(def, a) }));
    expect(declared.interface(`${className}State`)).toEqual(expected);
  });

  it('docs: the class has the resource description, and no doc names an attribute in snake_case', () => {
    const { doc, outputs } = declared.class(className);
    expect(doc).toBe(oneLine(docInPulumiTerms(def.description, def.attributes)));
    const snake = Object.keys(def.attributes).filter((name) => name.includes('_'));
    for (const text of [doc, ...outputs.map((o) => o.doc), ...declared.interface(`${className}Args`).map((a) => a.doc)]) {
      expect({ text, snake: snake.filter((name) => new RegExp(`\\b${name}\\b`).test(text)) }).toEqual({ text, snake: [] });
    }
  });

  it('is exported from warden-iac/pulumi under its fixed name', () => {
    expect(Object.keys(warden)).toContain(className);
  });
});

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        // The mock's engine answers like the provider: the inputs echoed, plus the computed outputs.
        const computed = args.type.endsWith(':Token')
          ? { token: 'wdn_mocked', tokenHint: 'wdn_moc', status: 'active' }
          : { uid: `uid-${args.name}`, createdAt: '2026-01-01T00:00:00Z' };
        return { id: args.id || `${args.name}-id`, state: { ...args.inputs, ...computed } };
      },
      call: (args) => args.inputs,
    },
    'warden-test',
    'test',
    false,
  );
});

// Resources a test only constructs are still registering when it ends: let them finish (their
// providers are serialized by then) before jest tears the module registry down.
afterAll(() => pulumi.runtime.disconnect());

const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

/** One instance of each class with its required args, and the options the engine was asked for. */
function instances(prefix: string) {
  const seen: Record<string, pulumi.CustomResourceOptions> = {};
  const opts = (typeName: string): pulumi.CustomResourceOptions => ({
    transformations: [(args: pulumi.ResourceTransformationArgs) => void (seen[typeName] = args.opts as pulumi.CustomResourceOptions)],
  });
  const made: Record<string, pulumi.CustomResource> = {
    warden_service_account: new ServiceAccount(`${prefix}-sa`, { name: 'all' }, opts('warden_service_account')),
    warden_role_binding: new RoleBinding(`${prefix}-rb`, { serviceAccountId: 'sa_1', role: 'member' }, opts('warden_role_binding')),
    warden_token: new Token(`${prefix}-tk`, { serviceAccountId: 'sa_1', name: 'all' }, opts('warden_token')),
    warden_federated_credential: new FederatedCredential(
      `${prefix}-fc`,
      { serviceAccountId: 'sa_1', name: 'all', issuer: 'https://issuer.example.com', audience: 'warden', subject: '*' },
      opts('warden_federated_credential'),
    ),
  };
  return { made, seen };
}

describe('the classes under mocks', () => {
  it('register under the fixed type tokens with camelCase args', async () => {
    const sa = new ServiceAccount('ci', { name: 'ci-bot', teams: ['platform'], projectId: 'prj_1' });
    const rb = new RoleBinding('ci-editor', { serviceAccountId: sa.id, role: 'editor', projectId: 'prj_1' });
    const tk = new Token('ci-token', { serviceAccountId: sa.id, name: 'ci', expiresInDays: 30, rotationTriggers: { quarter: '2026Q1' }, overlapSeconds: 3600 });
    const fc = new FederatedCredential('ci-fc', { serviceAccountId: sa.id, name: 'gh', issuer: 'https://issuer.example.com', audience: 'warden', subject: 'repo:acme/app:*' });
    await Promise.all([value(sa.urn), value(rb.urn), value(tk.urn), value(fc.urn)]);

    const byName = (name: string) => registered.find((r) => r.name === name)!;
    expect(byName('ci').type).toBe('pulumi-nodejs:dynamic/warden:ServiceAccount');
    expect(byName('ci-editor').type).toBe('pulumi-nodejs:dynamic/warden:RoleBinding');
    expect(byName('ci-token').type).toBe('pulumi-nodejs:dynamic/warden:Token');
    expect(byName('ci-fc').type).toBe('pulumi-nodejs:dynamic/warden:FederatedCredential');
    expect(byName('ci').inputs).toMatchObject({ name: 'ci-bot', teams: ['platform'], projectId: 'prj_1' });
    expect(byName('ci-editor').inputs).toMatchObject({ serviceAccountId: 'ci-id', role: 'editor' });
    expect(byName('ci-token').inputs).toMatchObject({ serviceAccountId: 'ci-id', name: 'ci', expiresInDays: 30, rotationTriggers: { quarter: '2026Q1' }, overlapSeconds: 3600 });
    // The provider travels with the inputs as serialized text, as the dynamic-provider host needs it.
    expect(byName('ci-token').inputs.__provider).toEqual(expect.stringContaining("require('warden-iac/pulumi/host')"));
  });

  it('register an Output for every declared output, and for the id', async () => {
    const { made } = instances('all');
    for (const def of resources) {
      const instance = made[def.typeName] as unknown as Record<string, unknown>;
      const outputs = declarations(FACE[def.typeName]!.file).class(FACE[def.typeName]!.className).outputs;
      expect(outputs.length).toBeGreaterThan(0);
      for (const { name } of outputs) expect({ name, output: pulumi.Output.isInstance(instance[name]) }).toEqual({ name, output: true });
      expect(pulumi.Output.isInstance(instance.id)).toBe(true);
    }
    await Promise.all(Object.values(made).map((r) => value(r.urn)));
  });

  it('resolve outputs from the provider', async () => {
    const sa = new ServiceAccount('out-sa', { name: 'out' });
    const tk = new Token('out-tk', { serviceAccountId: sa.id, name: 'out' });
    expect(await value(sa.uid)).toBe('uid-out-sa');
    expect(await value(tk.tokenHint)).toBe('wdn_moc');
  });

  it('ask the engine to keep exactly the sensitive outputs secret', async () => {
    const { made, seen } = instances('secrets');
    await Promise.all(Object.values(made).map((r) => value(r.urn)));
    for (const def of resources) {
      const sensitive = attributesOf(def)
        .filter(([, a]) => a.sensitive && !a.writeOnly)
        .map(([name]) => camel(name));
      expect({ typeName: def.typeName, secret: seen[def.typeName]?.additionalSecretOutputs ?? [] }).toEqual({ typeName: def.typeName, secret: sensitive });
    }
    expect(seen.warden_token?.additionalSecretOutputs).toEqual(['token']);
  });

  it('keep the options the program gave along with the secret outputs', async () => {
    const seen: pulumi.ResourceOptions[] = [];
    const tk = new Token(
      'secret-tk',
      { serviceAccountId: 'sa_1', name: 'ci' },
      { protect: true, additionalSecretOutputs: ['tokenHint'], transformations: [(args: pulumi.ResourceTransformationArgs) => void seen.push(args.opts)] },
    );
    await value(tk.urn);
    // The engine, not the SDK, applies additionalSecretOutputs: mocks cannot show the marking itself.
    expect(seen).toEqual([expect.objectContaining({ protect: true, additionalSecretOutputs: expect.arrayContaining(['token', 'tokenHint']) })]);
  });

  it('send sensitive inputs as secrets even when the program passes a plain string', async () => {
    const secretWo = `s-${Math.random().toString(36).slice(2)}`;
    const props = propsOf('warden_token', { serviceAccountId: 'sa_1', name: 'ci', secretWo, secretWoVersion: 1 });
    const sent = props.secretWo as pulumi.Output<string>;
    expect(pulumi.Output.isInstance(sent)).toBe(true);
    expect(await pulumi.isSecret(sent)).toBe(true);
    expect(await value(sent)).toBe(secretWo);
    expect(props.secretWoVersion).toBe(1);
    expect(propsOf('warden_token', { serviceAccountId: 'sa_1', name: 'ci' })).not.toHaveProperty('secretWo');
  });

  it('get an existing object by id', async () => {
    const sa = ServiceAccount.get('got', 'sa_existing');
    expect(await value(sa.id)).toBe('sa_existing');
    const tk = Token.get('got-tk', 'sa_1/tk_1', { name: 'ci' });
    expect(await value(tk.id)).toBe('sa_1/tk_1');
  });
});
