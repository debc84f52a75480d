// A realistic hand-made estate, created through the API as people create it in the console:
// two projects, organization and project accounts, a custom role, bindings at both scopes,
// tokens of every lifetime kind, and the objects an export cannot declare (a revoked and a
// disabled token). Then a read-only account whose token the export runs with.
import { join } from 'node:path';
import type { TokenWithSecret } from '../../api-client';
import { ROOT, type TestServer } from '../support/server';
import { type RunResult, runCommand } from '../support/run';

export interface Estate {
  projects: { payments: string; search: string };
  /** Every secret the estate was made with: none may appear in any export. */
  secrets: string[];
  /** The secrets by "<account name>/<token name>" (the project accounts' names are unique). */
  secretOf: Record<string, string>;
  /** The read-only exporter's token (built-in role "member"). */
  readerToken: string;
  /** Names of the accounts, tokens and bindings, as the server holds them. */
  accounts: string[];
}

const DAY = 24 * 3600 * 1000;

export async function makeEstate(server: TestServer): Promise<Estate> {
  const c = server.client;
  const payments = (await c.createProject({ name: 'payments' })).id;
  const search = (await c.createProject({ name: 'search' })).id;
  await c.createRole({ name: 'deployer', description: 'Deploys services', permissions: ['service_accounts:read', 'tokens:read', 'projects:read'] });
  const secrets: string[] = [];
  const secretOf: Record<string, string> = {};
  const token = async (sa: string, body: Parameters<typeof c.createServiceAccountToken>[1]): Promise<TokenWithSecret> => {
    const t = await c.createServiceAccountToken(sa, body);
    secrets.push(t.token);
    secretOf[`${(await c.getServiceAccount(sa)).name}/${t.name}`] = t.token;
    return t;
  };

  const root = await c.createServiceAccount({ name: 'ci-root', description: 'Organization-wide CI "root" ${not a template}', teams: ['platform', 'public'] });
  await c.createRoleBinding({ service_account_id: root.id, role: 'manager' });
  await c.createRoleBinding({ service_account_id: root.id, role: 'deployer' });
  await token(root.id, { name: 'forever', expires_at: null });
  await token(root.id, { name: 'scim', scopes: ['scim'], expires_in_days: 365 });
  // Extended tokens on an active account, never used yet: each engine's round trip uses one, which slides its expiry.
  await token(root.id, { name: 'slide-a', extended: true, max_age_days: 60, expires_in_days: 14 });
  await token(root.id, { name: 'slide-b', extended: true, max_age_days: 60, expires_in_days: 14 });

  const pay = await c.createServiceAccount({
    name: 'payments-deployer',
    display_name: 'Payments deployer',
    project_id: payments,
    teams: ['payments'],
    expires_at: new Date(Date.now() + 400 * DAY).toISOString(),
    allowed_cidrs: ['127.0.0.0/8', '::1/128'],
  });
  // Keyless CI for the payments repository's main branch (an issuer the server never fetches until an exchange).
  await c.createFederatedCredential(pay.id, {
    name: 'github-main',
    issuer: 'https://token.actions.githubusercontent.com',
    audience: 'warden',
    subject: 'repo:acme/payments:ref:refs/heads/main',
    claims: { repository: 'acme/payments', job_workflow_ref: 'acme/payments/.github/workflows/*' },
  });
  await c.createRoleBinding({ service_account_id: pay.id, role: 'editor', project_id: payments });
  await c.createRoleBinding({ service_account_id: pay.id, role: 'deployer', project_id: payments });
  await token(pay.id, { name: 'ci', expires_in_days: 30, max_unused_days: 14, allowed_cidrs: ['127.0.0.1/32'] });
  await token(pay.id, { name: 'release', expires_at: new Date(Date.now() + 45 * DAY).toISOString() });
  const revoked = await token(pay.id, { name: 'old', expires_in_days: 10 });
  await c.revokeServiceAccountToken(pay.id, revoked.id);

  const sea = await c.createServiceAccount({ name: 'search-indexer', project_id: search, disabled: true });
  await c.createRoleBinding({ service_account_id: sea.id, role: 'deployer', project_id: search });
  await c.createRoleBinding({ service_account_id: sea.id, role: 'member', project_id: search });
  await token(sea.id, { name: 'sliding', extended: true, max_age_days: 90, expires_in_days: 7, scopes: ['api', 'scim'] });
  const paused = await token(sea.id, { name: 'paused', expires_in_days: 20 });
  await c.updateServiceAccountToken(sea.id, paused.id, { disabled: true });

  // The same account name in two scopes: the resource names must still differ.
  const searchRoot = await c.createServiceAccount({ name: 'ci-root', project_id: search });
  await c.createRoleBinding({ service_account_id: searchRoot.id, role: 'member', project_id: search });

  const reader = await c.createServiceAccount({ name: 'exporter', description: 'Reads the estate for warden-server export' });
  await c.createRoleBinding({ service_account_id: reader.id, role: 'member' });
  const readerToken = (await token(reader.id, { name: 'export', expires_in_days: 1 })).token;

  return { projects: { payments, search }, secrets, secretOf, readerToken, accounts: ['ci-root', 'payments-deployer', 'search-indexer', 'ci-root', 'exporter'] };
}

/** What the server holds, to compare before and after: every field that a change would touch. */
export async function snapshot(server: TestServer): Promise<unknown> {
  const c = server.client;
  const out: unknown[] = [];
  for await (const a of c.paginate('listServiceAccounts')) {
    const bindings: unknown[] = [];
    for await (const b of c.paginate('listRoleBindings', { service_account_id: a.id })) bindings.push(b);
    const tokens = (await c.listServiceAccountTokens(a.id, {})).items.map((t) => ({ ...t, last_used_at: null, unused_expires_at: null }));
    const credentials = (await c.listFederatedCredentials(a.id, {})).items;
    out.push({ ...a, bindings, tokens, credentials });
  }
  out.push((await c.listRoles({})).items, (await c.listProjects({})).items);
  return out;
}

/** `warden-server export ...` from the sources (tsx), as its own process, asynchronously (the server lives in this one). */
export function exportCli(args: string[], env: Record<string, string | undefined>): Promise<RunResult> {
  return runCommand(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'server', 'cli.ts'), 'export', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
}
