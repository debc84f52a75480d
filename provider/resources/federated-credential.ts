import { FEDERATION, FederatedCredentialCreate, type FederatedCredential, Id } from '../../api-client/contract';
import { isWardenError } from '../../api-client/errors';
import { createOrAdopt } from './adopt';
import { deleteIfPresent, readOrGone } from './gone';
import { type ResourceDefinition, ResourceError, type State, computed, optional, required } from './schema';
import { num, str } from './values';

const fields = FederatedCredentialCreate.shape;

function toState(c: FederatedCredential): State {
  return {
    service_account_id: c.service_account_id,
    name: c.name,
    issuer: c.issuer,
    audience: c.audience,
    subject: c.subject,
    claims: c.claims,
    max_token_lifetime_seconds: c.max_token_lifetime_seconds,
    id: c.id,
    created_at: c.created_at,
  };
}

function parts(id: string): [string, string] {
  const [saId, credentialId] = id.split('/');
  if (!saId || !credentialId || id.split('/').length !== 2)
    throw new ResourceError({ summary: 'Invalid import id', detail: `The import id "${id}" must be "<service_account_id>/<federated_credential_id>".` });
  return [saId, credentialId];
}

/** Credentials are immutable on the server, so every attribute replaces (there is no update). */
export const federatedCredential: ResourceDefinition = {
  typeName: 'warden_federated_credential',
  description:
    'Lets a service account authenticate with no stored secret: tokens of an external OpenID Connect issuer (GitHub Actions, GitLab CI, a Kubernetes cluster) whose audience, subject and claims match are exchanged for short-lived Warden tokens at POST /v1/oauth/token (RFC 8693).',
  attributes: {
    service_account_id: required.string('Id of the service account the exchanged tokens belong to.', { replace: true, validate: Id }),
    name: required.string('Name, unique per service account.', { replace: true, validate: fields.name }),
    issuer: required.string('OpenID Connect issuer URL, exactly as the tokens\' "iss" says (https://token.actions.githubusercontent.com).', {
      replace: true,
      validate: fields.issuer,
    }),
    audience: required.string('The "aud" the tokens must carry.', { replace: true, validate: fields.audience }),
    subject: required.string('The "sub" the tokens must carry: exact, or a pattern with "*" (repo:acme/app:ref:refs/heads/main).', { replace: true, validate: fields.subject }),
    claims: optional.stringMap('Further claims the tokens must carry, each equal to the value or matching its "*" pattern (GitHub: repository, ref, environment).', {
      replace: true,
      validate: fields.claims,
    }),
    max_token_lifetime_seconds: optional.number(`Lifetime of the exchanged tokens, ${FEDERATION.minTokenLifetimeSeconds}-${FEDERATION.maxTokenLifetimeSeconds} seconds.`, {
      replace: true,
      default: FEDERATION.defaultTokenLifetimeSeconds,
      validate: fields.max_token_lifetime_seconds,
    }),
    id: computed.string('Server-assigned id.'),
    created_at: computed.string('Creation time (RFC 3339).'),
  },
  importId: '"<service_account_id>/<federated_credential_id>"',

  async create(ctx, planned) {
    const saId = str(planned, 'service_account_id')!;
    const body = {
      name: str(planned, 'name')!,
      issuer: str(planned, 'issuer')!,
      audience: str(planned, 'audience')!,
      subject: str(planned, 'subject')!,
      claims: (planned.claims as Record<string, string> | null) ?? {},
      max_token_lifetime_seconds: num(planned, 'max_token_lifetime_seconds') ?? FEDERATION.defaultTokenLifetimeSeconds,
    };
    return createOrAdopt(
      federatedCredential,
      ctx,
      planned,
      async () => toState(await ctx.client.createFederatedCredential(saId, body)),
      (err) => isWardenError(err) && err.code === 'WARDEN_ERR_NAME_TAKEN',
    );
  },

  async find(ctx, planned) {
    const saId = str(planned, 'service_account_id')!;
    let pageToken: string | undefined;
    do {
      const page = await ctx.client.listFederatedCredentials(saId, { limit: 500, ...(pageToken ? { page_token: pageToken } : {}) });
      const found = page.items.find((c) => c.name === str(planned, 'name'));
      if (found) return `${saId}/${found.id}`;
      pageToken = page.next_page_token ?? undefined;
    } while (pageToken);
    return undefined;
  },

  read: (ctx, state) => readOrGone(async () => toState(await ctx.client.getFederatedCredential(str(state, 'service_account_id')!, str(state, 'id')!))),

  delete: (ctx, state) => deleteIfPresent(() => ctx.client.deleteFederatedCredential(str(state, 'service_account_id')!, str(state, 'id')!)),

  async import(ctx, id) {
    const [saId, credentialId] = parts(id);
    return toState(await ctx.client.getFederatedCredential(saId, credentialId));
  },
};
