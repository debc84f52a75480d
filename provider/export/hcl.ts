// HCL for Terraform 1.5+ and OpenTofu 1.6+: one resource and one `import {}` block per object,
// laid out exactly as `terraform fmt` would (the round-trip test runs `fmt -check` on it).
import { type Entry, type Value, declared } from './attributes';
import type { EstateModel } from './model';
import { headerLines, lifetimeOf } from './notes';

/** An HCL string literal: JSON escapes, plus HCL's own `${` and `%{` template escapes. */
export function hclString(s: string): string {
  // A function replacer: in a replacement string `$$` would mean one `$`.
  return JSON.stringify(s).replace(/([$%])\{/g, (_, c: string) => `${c}${c}{`);
}

function value(v: Value): string {
  if (typeof v === 'string') return hclString(v);
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(hclString).join(', ')}]`;
  if ('map' in v)
    return `{ ${Object.entries(v.map)
      .map(([k, x]) => `${hclString(k)} = ${hclString(x)}`)
      .join(', ')} }`;
  return v.ref;
}

/** A block of single-line attributes, `=` aligned as `terraform fmt` aligns consecutive lines. */
function block(header: string, attributes: Entry[]): string {
  const present = attributes.filter((a): a is [string, Value] => a[1] !== undefined);
  const width = Math.max(0, ...present.map(([k]) => k.length));
  return `${header} {\n${present.map(([k, v]) => `  ${k.padEnd(width)} = ${value(v)}\n`).join('')}}\n`;
}

const importBlock = (to: string, id: string) =>
  block('import', [
    ['to', { ref: to }],
    ['id', id],
  ]);
const comment = (lines: string[]) => lines.map((l) => (l ? `# ${l}` : '#')).join('\n') + '\n';

export function renderHcl(model: EstateModel): string {
  const out: string[] = [
    comment(headerLines(model, 'terraform')),
    'terraform {\n  required_providers {\n    warden = { source = "warden/warden" }\n  }\n}\n',
    '# Endpoint and token come from WARDEN_ENDPOINT and WARDEN_TOKEN.\nprovider "warden" {}\n',
  ];
  const project = (key: string | null) => (key === null ? undefined : { ref: `local.project_${key}` });
  if (model.projects.length > 0) {
    out.push(
      block(
        '# Projects are not managed by the provider: their ids, by name.\nlocals',
        model.projects.map((p) => [`project_${p.key}`, p.project.id]),
      ),
    );
  }
  for (const { key, role } of model.roles) out.push(block(`data "warden_role" "${key}"`, [['name', role.name]]));
  for (const a of model.accounts) {
    const { key, projectKey } = a;
    const account = { ref: `warden_service_account.${key}.id` };
    out.push(block(`resource "warden_service_account" "${key}"`, declared.account(a, project(projectKey))), importBlock(`warden_service_account.${key}`, a.account.id));
    for (const b of model.bindings.filter((x) => x.accountKey === key)) {
      out.push(
        block(
          `resource "warden_role_binding" "${b.key}"`,
          declared.binding(account, project(b.projectKey), b.roleKey ? { ref: `data.warden_role.${b.roleKey}.name` } : b.binding.role),
        ),
        importBlock(`warden_role_binding.${b.key}`, b.binding.id),
      );
    }
    for (const t of model.tokens.filter((x) => x.accountKey === key)) {
      const tok = t.token;
      const lifetime = lifetimeOf(tok);
      out.push(
        comment([`Secret not exported (hint ${tok.token_hint}); ${lifetime}.`]) + block(`resource "warden_token" "${t.key}"`, declared.token(t, account)),
        importBlock(`warden_token.${t.key}`, `${tok.owner_id}/${tok.id}`),
      );
    }
    for (const c of model.credentials.filter((x) => x.accountKey === key)) {
      out.push(
        block(`resource "warden_federated_credential" "${c.key}"`, declared.credential(c, account)),
        importBlock(`warden_federated_credential.${c.key}`, `${c.credential.service_account_id}/${c.credential.id}`),
      );
    }
  }
  return out.join('\n');
}
