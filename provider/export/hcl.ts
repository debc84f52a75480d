// HCL for Terraform 1.5+ and OpenTofu 1.6+: one resource and one `import {}` block per object,
// laid out exactly as `terraform fmt` would (the round-trip test runs `fmt -check` on it).
import type { EstateModel } from './model';
import { headerLines, lifetimeOf } from './notes';

type Value = string | { ref: string } | { map: Record<string, string> } | string[] | boolean | number;

/** An HCL string literal: JSON escapes, plus HCL's own `${` and `%{` template escapes. */
export function hclString(s: string): string {
  // A function replacer: in a replacement string `$$` would mean one `$`.
  return JSON.stringify(s).replace(/([$%])\{/g, (_, c: string) => `${c}${c}{`);
}

function value(v: Value): string {
  if (typeof v === 'string') return hclString(v);
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(hclString).join(', ')}]`;
  if ('map' in v) return `{ ${Object.entries(v.map).map(([k, x]) => `${hclString(k)} = ${hclString(x)}`).join(', ')} }`;
  return v.ref;
}

/** A block of single-line attributes, `=` aligned as `terraform fmt` aligns consecutive lines. */
function block(header: string, attributes: [string, Value | undefined][]): string {
  const present = attributes.filter((a): a is [string, Value] => a[1] !== undefined);
  const width = Math.max(0, ...present.map(([k]) => k.length));
  return `${header} {\n${present.map(([k, v]) => `  ${k.padEnd(width)} = ${value(v)}\n`).join('')}}\n`;
}

const importBlock = (to: string, id: string) => block('import', [['to', { ref: to }], ['id', id]]);
const comment = (lines: string[]) => lines.map((l) => (l ? `# ${l}` : '#')).join('\n') + '\n';

export function renderHcl(model: EstateModel): string {
  const out: string[] = [
    comment(headerLines(model, 'terraform')),
    'terraform {\n  required_providers {\n    warden = { source = "warden/warden" }\n  }\n}\n',
    '# Endpoint and token come from WARDEN_ENDPOINT and WARDEN_TOKEN.\nprovider "warden" {}\n',
  ];
  const project = (key: string | null) => (key === null ? undefined : { ref: `local.project_${key}` });
  if (model.projects.length > 0) {
    out.push(block('# Projects are not managed by the provider: their ids, by name.\nlocals', model.projects.map((p) => [`project_${p.key}`, p.project.id])));
  }
  for (const { key, role } of model.roles) out.push(block(`data "warden_role" "${key}"`, [['name', role.name]]));
  for (const { key, account: a, projectKey } of model.accounts) {
    out.push(
      block(`resource "warden_service_account" "${key}"`, [
        ['name', a.name],
        ['display_name', a.display_name !== a.name ? a.display_name : undefined],
        ['description', a.description || undefined],
        ['project_id', project(projectKey)],
        ['disabled', a.disabled || undefined],
        ['expires_at', a.expires_at ?? undefined],
        ['teams', a.teams.some((t) => t !== 'public') ? a.teams.filter((t) => t !== 'public') : undefined],
        ['allowed_cidrs', a.allowed_cidrs.length > 0 ? a.allowed_cidrs : undefined],
      ]),
      importBlock(`warden_service_account.${key}`, a.id),
    );
    for (const b of model.bindings.filter((x) => x.accountKey === key)) {
      out.push(
        block(`resource "warden_role_binding" "${b.key}"`, [
          ['service_account_id', { ref: `warden_service_account.${key}.id` }],
          ['role', b.roleKey ? { ref: `data.warden_role.${b.roleKey}.name` } : b.binding.role],
          ['project_id', project(b.projectKey)],
        ]),
        importBlock(`warden_role_binding.${b.key}`, b.binding.id),
      );
    }
    for (const t of model.tokens.filter((x) => x.accountKey === key)) {
      const tok = t.token;
      const lifetime = lifetimeOf(tok);
      out.push(
        comment([`Secret not exported (hint ${tok.token_hint}); ${lifetime}.`]) +
          block(`resource "warden_token" "${t.key}"`, [
            ['service_account_id', { ref: `warden_service_account.${key}.id` }],
            ['name', tok.name],
            ['scopes', tok.scopes],
            ['expires_at', tok.expires_at ?? undefined],
            ['extended', tok.extended || undefined],
            ['max_age_days', tok.max_age_days ?? undefined],
            ['allowed_cidrs', tok.allowed_cidrs.length > 0 ? tok.allowed_cidrs : undefined],
            ['max_unused_days', tok.max_unused_days ?? undefined],
          ]),
        importBlock(`warden_token.${t.key}`, `${tok.owner_id}/${tok.id}`),
      );
    }
    for (const { key: cKey, credential: c } of model.credentials.filter((x) => x.accountKey === key)) {
      out.push(
        block(`resource "warden_federated_credential" "${cKey}"`, [
          ['service_account_id', { ref: `warden_service_account.${key}.id` }],
          ['name', c.name],
          ['issuer', c.issuer],
          ['audience', c.audience],
          ['subject', c.subject],
          ['claims', Object.keys(c.claims).length > 0 ? { map: c.claims } : undefined],
          ['max_token_lifetime_seconds', c.max_token_lifetime_seconds],
        ]),
        importBlock(`warden_federated_credential.${cKey}`, `${c.service_account_id}/${c.id}`),
      );
    }
  }
  return out.join('\n');
}
