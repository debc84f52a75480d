// What each exported object declares, once, in the resource definitions' attribute names. The
// renderers spell the names their way (HCL as they are, Pulumi and CDK props camelCased) and
// write references (`ref`) in their own syntax.
import type { EstateModel, ExportedCredential, ExportedToken } from './model';

export type Value = string | { ref: string } | { map: Record<string, string> } | string[] | boolean | number;
/** An attribute and its value; undefined leaves it out (the definition's default applies). */
export type Entry = [name: string, value: Value | undefined];

/** Every account is in the "public" team whether listed or not, so it is never written. */
const ownTeams = (teams: string[]) => teams.filter((t) => t !== 'public');

export const declared = {
  account: ({ account: a }: EstateModel['accounts'][number], project: Value | undefined): Entry[] => [
    ['name', a.name],
    ['display_name', a.display_name !== a.name ? a.display_name : undefined],
    ['description', a.description || undefined],
    ['project_id', project],
    ['disabled', a.disabled || undefined],
    ['expires_at', a.expires_at ?? undefined],
    ['teams', ownTeams(a.teams).length > 0 ? ownTeams(a.teams) : undefined],
    ['allowed_cidrs', a.allowed_cidrs.length > 0 ? a.allowed_cidrs : undefined],
  ],
  binding: (account: Value, project: Value | undefined, role: Value): Entry[] => [
    ['service_account_id', account],
    ['role', role],
    ['project_id', project],
  ],
  token: ({ token: t }: ExportedToken, account: Value): Entry[] => [
    ['service_account_id', account],
    ['name', t.name],
    ['scopes', t.scopes],
    ['expires_at', t.expires_at ?? undefined],
    ['extended', t.extended || undefined],
    ['max_age_days', t.max_age_days ?? undefined],
    ['allowed_cidrs', t.allowed_cidrs.length > 0 ? t.allowed_cidrs : undefined],
    ['max_unused_days', t.max_unused_days ?? undefined],
  ],
  credential: ({ credential: c }: ExportedCredential, account: Value): Entry[] => [
    ['service_account_id', account],
    ['name', c.name],
    ['issuer', c.issuer],
    ['audience', c.audience],
    ['subject', c.subject],
    ['claims', Object.keys(c.claims).length > 0 ? { map: c.claims } : undefined],
    ['max_token_lifetime_seconds', c.max_token_lifetime_seconds],
  ],
};
