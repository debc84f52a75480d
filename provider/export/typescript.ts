// The TypeScript renderings: a Pulumi program (every object adopted) and a CDKTF / CDK Terrain
// stack (every object imported with `importFrom`). Objects live in maps keyed by their resource
// name, so that any name (even `delete`) is valid TypeScript.
import { camel } from '../resources/values';
import { type Entry, type Value as AttributeValue, declared } from './attributes';
import type { EstateModel, ExportedCredential, ExportedToken } from './model';
import { headerLines, lifetimeOf } from './notes';

type Value = AttributeValue | undefined;

const str = (s: string) => JSON.stringify(s);
const prop = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : str(k));

/**
 * CDKTF and cdktn pass strings to Terraform as templates, so a literal `${` or `%{` must be
 * written `$${` / `%%{` there (as in HCL); Pulumi passes strings as they are.
 */
type Strings = 'plain' | 'terraform';
const escape = (s: string, strings: Strings) => (strings === 'terraform' ? s.replace(/([$%])\{/g, (_, c: string) => `${c}${c}{`) : s);

function literal(v: Exclude<Value, undefined>, strings: Strings): string {
  if (typeof v === 'string') return str(escape(v, strings));
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => str(escape(x, strings))).join(', ')}]`;
  if ('map' in v)
    return `{ ${Object.entries(v.map)
      .map(([k, x]) => `${str(k)}: ${str(escape(x, strings))}`)
      .join(', ')} }`;
  return v.ref;
}

function object(entries: [string, Value][], indent: string, strings: Strings = 'plain'): string {
  const present = entries.filter((e): e is [string, Exclude<Value, undefined>] => e[1] !== undefined);
  return `{\n${present.map(([k, v]) => `${indent}  ${prop(k)}: ${literal(v, strings)},\n`).join('')}${indent}}`;
}

const comment = (lines: string[], indent = '') => lines.map((l) => `${indent}// ${l}`.trimEnd()).join('\n') + '\n';

/** Attribute names are the resource definitions' own, camelCased (as both faces derive them). */
const props = (entries: Entry[]): [string, Value][] => entries.map(([name, value]) => [camel(name), value]);
const accountRef = (key: string): AttributeValue => ({ ref: `accounts.${key}.id` });

const SHAPE = {
  account: (a: EstateModel['accounts'][number], project: Value) => props(declared.account(a, project)),
  binding: (b: EstateModel['bindings'][number], project: Value, role: AttributeValue) => props(declared.binding(accountRef(b.accountKey), project, role)),
  token: (t: ExportedToken) => props(declared.token(t, accountRef(t.accountKey))),
  credential: (c: ExportedCredential) => props(declared.credential(c, accountRef(c.accountKey))),
};

function projectsConst(model: EstateModel): string {
  if (model.projects.length === 0) return '';
  return `// Projects are not managed here: their ids, by name.\nconst projects = ${object(
    model.projects.map((p) => [p.key, p.project.id]),
    '',
  )};\n\n`;
}

const projectRef = (key: string | null): Value => (key === null ? undefined : { ref: `projects.${key}` });

/**
 * A Pulumi program module: `program(options)` declares everything with `adopt: true`, so the first
 * `pulumi up` takes the live objects over instead of creating them. A thin index.ts calls it;
 * keeping the declarations in a function lets tests (and the Automation API) run it inline.
 */
export function renderPulumi(model: EstateModel): { 'program.ts': string; 'index.ts': string } {
  const body: string[] = [];
  // Only what is used is declared or imported: the program compiles with noUnusedLocals, even empty.
  if (model.accounts.length > 0) {
    body.push('  const accounts = {\n');
    for (const a of model.accounts)
      body.push(`    ${a.key}: new ServiceAccount(${str(a.key)}, ${object([...SHAPE.account(a, projectRef(a.projectKey)), ['adopt', true]], '    ')}),\n`);
    body.push('  };\n');
  }
  for (const b of model.bindings) {
    if (b.roleKey) body.push(`  // "${b.binding.role}" is a custom role, managed outside this program.\n`);
    body.push(`  new RoleBinding(${str(b.key)}, ${object([...SHAPE.binding(b, projectRef(b.projectKey), b.binding.role), ['adopt', true]], '  ')});\n`);
  }
  for (const c of model.credentials) body.push(`  new FederatedCredential(${str(c.key)}, ${object([...SHAPE.credential(c), ['adopt', true]], '  ')});\n`);
  if (model.tokens.length > 0) {
    body.push('  const tokens: Record<string, Token> = {};\n');
    body.push('  // Adopting a token regenerates its secret (its old secret keeps working for overlapSeconds), so it is done only when asked.\n');
    body.push('  if (options.adoptTokens) {\n');
    for (const t of model.tokens) {
      body.push(`    // Secret not exported (hint ${t.token.token_hint}); ${lifetimeOf(t.token)}.\n`);
      body.push(
        `    tokens[${str(t.key)}] = new Token(${str(t.key)}, ${object([...SHAPE.token(t), ['overlapSeconds', { ref: 'options.overlapSeconds ?? 3600' }], ['adopt', true]], '    ')});\n`,
      );
    }
    body.push('  }\n');
  }
  const ids = (map: string) => `Object.fromEntries(Object.entries(${map}).map(([key, r]) => [key, r.id]))`;
  body.push(`  return { accountIds: ${model.accounts.length > 0 ? ids('accounts') : '{}'}${model.tokens.length > 0 ? `, tokenIds: ${ids('tokens')}` : ''} };\n`);
  const names = [
    ...(model.credentials.length > 0 ? ['FederatedCredential'] : []),
    ...(model.bindings.length > 0 ? ['RoleBinding'] : []),
    ...(model.accounts.length > 0 ? ['ServiceAccount'] : []),
    ...(model.tokens.length > 0 ? ['Token'] : []),
  ];
  const program =
    comment(headerLines(model, 'pulumi')) +
    (names.length > 0 ? `\nimport { ${names.join(', ')} } from 'warden-iac/pulumi';\n\n` : '\n') +
    `export interface ProgramOptions {\n  /** Take the tokens over too; this regenerates their secrets. */\n  adoptTokens?: boolean;\n  /** How long a regenerated token's previous secret keeps working; default one hour. */\n  overlapSeconds?: number;\n}\n\n` +
    projectsConst(model) +
    `export function program(options: ProgramOptions = {}) {\n${model.tokens.length === 0 ? '  void options;\n' : ''}${body.join('')}}\n`;
  const index =
    `// The stack's entry point: \`pulumi config set adoptTokens true\` to take the tokens over as well.\n` +
    `import * as pulumi from '@pulumi/pulumi';\nimport { program } from './program';\n\n` +
    `const config = new pulumi.Config();\nexport const outputs = program({ adoptTokens: config.getBoolean('adoptTokens') ?? false, overlapSeconds: config.getNumber('overlapSeconds') ?? 3600 });\n`;
  return { 'program.ts': program, 'index.ts': index };
}

/** A CDKTF (`cdktf`, `warden-iac/constructs`) or CDK Terrain (`cdktn`, `warden-iac/cdktn`) stack. */
export function renderCdk(model: EstateModel, flavor: 'cdktf' | 'cdktn' = 'cdktf'): string {
  const lib = flavor === 'cdktf' ? 'cdktf' : 'cdktn';
  const body: string[] = [];
  body.push("    // Endpoint and token come from WARDEN_ENDPOINT and WARDEN_TOKEN.\n    new WardenProvider(this, 'warden', {});\n");
  if (model.roles.length > 0) {
    body.push('    const roles = {\n');
    for (const r of model.roles) body.push(`      ${r.key}: new DataWardenRole(this, ${str(`role_${r.key}`)}, { name: ${str(r.role.name)} }),\n`);
    body.push('    };\n');
  }
  if (model.accounts.length > 0) {
    body.push('    const accounts = {\n');
    for (const a of model.accounts)
      body.push(`      ${a.key}: new ServiceAccount(this, ${str(a.key)}, ${object(SHAPE.account(a, projectRef(a.projectKey)), '      ', 'terraform')}),\n`);
    body.push('    };\n');
  }
  for (const a of model.accounts) body.push(`    accounts.${a.key}.importFrom(${str(a.account.id)});\n`);
  for (const b of model.bindings) {
    const role: Value = b.roleKey ? { ref: `roles.${b.roleKey}.name` } : b.binding.role;
    body.push(`    new RoleBinding(this, ${str(b.key)}, ${object(SHAPE.binding(b, projectRef(b.projectKey), role), '    ', 'terraform')}).importFrom(${str(b.binding.id)});\n`);
  }
  for (const t of model.tokens) {
    body.push(`    // Secret not exported (hint ${t.token.token_hint}); ${lifetimeOf(t.token)}. Import does not rotate it.\n`);
    body.push(`    new Token(this, ${str(t.key)}, ${object(SHAPE.token(t), '    ', 'terraform')}).importFrom(${str(`${t.token.owner_id}/${t.token.id}`)});\n`);
  }
  for (const c of model.credentials) {
    body.push(
      `    new FederatedCredential(this, ${str(c.key)}, ${object(SHAPE.credential(c), '    ', 'terraform')}).importFrom(${str(`${c.credential.service_account_id}/${c.credential.id}`)});\n`,
    );
  }
  const used: [string, unknown[]][] = [
    ['DataWardenRole', model.roles],
    ['FederatedCredential', model.credentials],
    ['RoleBinding', model.bindings],
    ['ServiceAccount', model.accounts],
    ['Token', model.tokens],
    ['WardenProvider', [true]],
  ];
  const names = used.filter(([, list]) => list.length > 0).map(([name]) => name);
  return (
    comment(headerLines(model, flavor)) +
    `\nimport { App, TerraformStack } from '${lib}';\nimport type { Construct } from 'constructs';\nimport { ${names.join(', ')} } from 'warden-iac/${flavor === 'cdktf' ? 'constructs' : 'cdktn'}';\n\n` +
    projectsConst(model) +
    `export class ExportedStack extends TerraformStack {\n  constructor(scope: Construct, id: string) {\n    super(scope, id);\n${body.join('')}  }\n}\n\n` +
    `const app = new App();\nnew ExportedStack(app, 'warden');\napp.synth();\n`
  );
}
