import type { z } from 'zod';
import type { FederatedCredential, FederatedCredentialCreate, Page } from '../../api-client/contract';
import { errors } from '../errors';
import { UniqueViolation } from '../store';
import { audit } from './audit';
import { type Ctx, json } from './context';
import { newId } from './ids';
import { type PageRequest, pageOf } from './paging';
import { authorizeOwner } from './tokens';

export interface FederatedCredentialRow {
  id: string;
  service_account_id: string;
  name: string;
  issuer: string;
  audience: string;
  subject: string;
  claims: string;
  max_token_lifetime_seconds: number;
  created_at: string;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Whether the server may fetch discovery and keys from `url`: HTTPS, or plain HTTP to loopback when allowed (tests). */
export function fetchableUrl(url: string, allowHttpLoopback: boolean): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:') return true;
  return parsed.protocol === 'http:' && allowHttpLoopback && LOOPBACK_HOSTS.has(parsed.hostname);
}

export function credentialOf(r: FederatedCredentialRow): FederatedCredential {
  return {
    id: r.id,
    service_account_id: r.service_account_id,
    name: r.name,
    issuer: r.issuer,
    audience: r.audience,
    subject: r.subject,
    claims: json<Record<string, string>>(r.claims),
    max_token_lifetime_seconds: Number(r.max_token_lifetime_seconds),
    created_at: r.created_at,
  };
}

async function findCredential(ctx: Ctx, accountId: string, credentialId: string): Promise<FederatedCredentialRow> {
  const row = await ctx.db.get<FederatedCredentialRow>('SELECT * FROM federated_credentials WHERE id = ? AND service_account_id = ?', [credentialId, accountId]);
  if (!row) throw errors.notFound('Federated credential', credentialId);
  return row;
}

// Same permissions as the account's tokens: a credential is a way to obtain tokens.
export async function listFederatedCredentials(ctx: Ctx, accountId: string, req: PageRequest): Promise<Page<FederatedCredential>> {
  await authorizeOwner(ctx, 'service_account', accountId, false);
  return pageOf<FederatedCredentialRow, FederatedCredential>(ctx.db, 'federated_credentials', [['service_account_id = ?', [accountId]]], req, credentialOf);
}

export async function getFederatedCredential(ctx: Ctx, accountId: string, credentialId: string): Promise<FederatedCredential> {
  await authorizeOwner(ctx, 'service_account', accountId, false);
  return credentialOf(await findCredential(ctx, accountId, credentialId));
}

export async function createFederatedCredential(ctx: Ctx, accountId: string, body: z.output<typeof FederatedCredentialCreate>): Promise<FederatedCredential> {
  await authorizeOwner(ctx, 'service_account', accountId, true);
  const allowHttpLoopback = ctx.policy.allowHttpLoopbackIssuers;
  if (!fetchableUrl(body.issuer, allowHttpLoopback)) {
    throw errors.field(
      'issuer',
      allowHttpLoopback ? 'must be an https:// URL, or http:// to 127.0.0.1, [::1] or localhost' : 'must be an https:// URL (this server does not allow plain-HTTP issuers)',
    );
  }
  const id = newId('fcr');
  try {
    await ctx.db.run(
      `INSERT INTO federated_credentials (id, service_account_id, name, issuer, audience, subject, claims, max_token_lifetime_seconds, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, accountId, body.name, body.issuer, body.audience, body.subject, JSON.stringify(body.claims), body.max_token_lifetime_seconds, ctx.clock.now().toISOString()],
    );
  } catch (err) {
    if (err instanceof UniqueViolation) throw errors.nameTaken(`federated credential named "${body.name}"`, 'for this service account', 'names are unique per account');
    throw err;
  }
  await audit(ctx, 'federated_credential.create', 'federated_credential', id);
  return credentialOf(await findCredential(ctx, accountId, id));
}

export async function deleteFederatedCredential(ctx: Ctx, accountId: string, credentialId: string): Promise<void> {
  await authorizeOwner(ctx, 'service_account', accountId, true);
  await findCredential(ctx, accountId, credentialId);
  await ctx.db.run('DELETE FROM federated_credentials WHERE id = ?', [credentialId]);
  await audit(ctx, 'federated_credential.delete', 'federated_credential', credentialId);
}
