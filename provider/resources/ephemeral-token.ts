import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { Id, ResourceName, TokenScope } from '../../api-client/contract';
import { deleteIfPresent } from './gone';
import { type EphemeralDefinition, computed, optional, optionalComputed, required } from './schema';
import { num, str, strings } from './values';

export const ephemeralToken: EphemeralDefinition = {
  typeName: 'warden_token',
  description: 'A short-lived token for one Terraform run: created when the run opens it, revoked when the run closes it, never written to state or plan files.',
  attributes: {
    service_account_id: required.string('Id of the service account the token belongs to.', { validate: Id }),
    name: optionalComputed.string('Name of the token; a unique "run-..." name when unset.', { validate: ResourceName }),
    scopes: optional.stringSet('"api" and/or "scim".', { default: ['api'], validate: z.array(TokenScope).min(1).max(2) }),
    expires_in_days: optional.number('Upper bound on the lifetime should the run never close it (it is revoked at close).', {
      default: 1,
      validate: z.number().int().min(1).max(30),
    }),
    token: computed.string('The secret, for this run only.', { sensitive: true }),
    token_hint: computed.string('First characters of the secret.'),
    expires_at: computed.string('Expiry time (RFC 3339).'),
    id: computed.string('Server-assigned id.'),
  },
  async open(ctx, config) {
    const saId = str(config, 'service_account_id')!;
    // `config` carries the declared defaults (scopes, expires_in_days).
    const t = await ctx.client.createServiceAccountToken(saId, {
      name: str(config, 'name') ?? `run-${randomBytes(6).toString('hex')}`,
      scopes: strings(config, 'scopes') as z.infer<typeof TokenScope>[],
      expires_in_days: num(config, 'expires_in_days')!,
    });
    return {
      result: { ...config, name: t.name, scopes: t.scopes, token: t.token, token_hint: t.token_hint, expires_at: t.expires_at, id: t.id },
      private: { service_account_id: saId, id: t.id },
    };
  },
  close: (ctx, data) => deleteIfPresent(() => ctx.client.revokeServiceAccountToken(data.service_account_id!, data.id!)),
};
