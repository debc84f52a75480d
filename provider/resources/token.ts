import { z } from 'zod';
import { Id, ResourceName, Timestamp, TokenScope, type Token, type TokenWithSecret } from '../../api-client/contract';
import { ConflictError } from '../../api-client/errors';
import { createOrAdopt } from './adopt';
import { deleteIfPresent, readOrGone } from './gone';
import { type Diagnostic, type ResourceContext, type ResourceDefinition, type State, Unknown, computed, optional, optionalComputed, required } from './schema';
import { bool, num, sameInstantAs, sameValue, str, strings } from './values';

const DAY_MS = 24 * 3600 * 1000;

const attributes = {
  service_account_id: required.string('Id of the service account the token belongs to.', { replace: true, validate: Id }),
  name: required.string('Name of the token, unique among the live tokens of its service account.', { replace: true, validate: ResourceName }),
  scopes: optional.stringSet('What the token may be used for: "api" (the REST API) and/or "scim" (user provisioning only).', {
    default: ['api'],
    replace: true,
    validate: z.array(TokenScope).min(1).max(2),
  }),
  expires_in_days: optional.number('Lifetime in days from creation (and from each rotation). Conflicts with expires_at.', { validate: z.number().int().min(1).max(3650) }),
  expires_at: optionalComputed.string('Expiry time (RFC 3339, UTC). Set it for a fixed expiry, or read it when expires_in_days is used.', { validate: Timestamp }),
  extended: optional.bool('Sliding expiry: each use pushes the expiry forward, up to max_age_days after creation.', { default: false, replace: true }),
  max_age_days: optional.number('Hard cap of an extended token, in days after creation. Required when extended is true.', { replace: true, validate: z.number().int().min(1).max(3650) }),
  rotation_triggers: optional.stringMap('Arbitrary values; changing any of them rotates the secret in place (regenerate), keeping the token and its name.'),
  rotate_before_days: optional.number('Rotate the secret when the plan runs within this many days of expiry. Needs expires_in_days.', { validate: z.number().int().min(1).max(3650) }),
  overlap_seconds: optional.number('On rotation, the previous secret keeps working this many seconds (at most 7 days), so consumers switch without downtime.', {
    default: 0,
    validate: z.number().int().min(0).max(7 * 24 * 3600),
  }),
  token: computed.string('The secret. Known only to the run that created or rotated it; not recoverable by import.', { sensitive: true }),
  token_hint: computed.string('First characters of the secret, safe to show.'),
  status: computed.string('active, disabled, expired, revoked or owner_inactive (the owner is deactivated, disabled or expired), as last read from the server.'),
  last_used_at: computed.string('Last time the token authenticated a request.'),
  id: computed.string('Server-assigned id.'),
};

/** Attributes only the configuration knows: the server does not store them, so state keeps them. */
const CONFIG_ONLY = ['expires_in_days', 'rotation_triggers', 'rotate_before_days', 'overlap_seconds'] as const;

/**
 * An extended token's declared expires_at is its first expiry: each use slides the server's value
 * forward, which is the token working as designed, not drift to undo by rotating. So a later
 * server value keeps the declared one (an exported and imported extended token stays quiet).
 */
function expiresAtOf(t: Token, declared: State): string | null {
  const at = declared.expires_at;
  // Only for a declared time: with expires_in_days, expires_at is the server's to report (rotate_before_days reads it).
  const declaredTime = typeof at === 'string' && (declared.expires_in_days ?? null) === null;
  if (t.extended && declaredTime && t.expires_at !== null && Date.parse(t.expires_at) >= Date.parse(at)) return at;
  return sameInstantAs(at, t.expires_at);
}

function toState(t: Token | TokenWithSecret, declared: State, secret: State[string]): State {
  const state: State = {
    service_account_id: t.owner_id,
    name: t.name,
    scopes: t.scopes,
    expires_at: expiresAtOf(t, declared),
    extended: t.extended,
    max_age_days: t.max_age_days,
    token: secret,
    token_hint: t.token_hint,
    status: t.state,
    last_used_at: t.last_used_at,
    id: t.id,
  };
  for (const name of CONFIG_ONLY) state[name] = declared[name] ?? null;
  if (state.overlap_seconds === null) state.overlap_seconds = 0;
  return state;
}

function expiryOf(state: State): { expires_in_days?: number; expires_at?: string | null } {
  const days = num(state, 'expires_in_days');
  if (days !== undefined) return { expires_in_days: days };
  const at = str(state, 'expires_at');
  return at !== undefined ? { expires_at: at } : {};
}

function check(config: State): Diagnostic[] {
  const out: Diagnostic[] = [];
  const set = (name: string) => config[name] !== null && config[name] !== undefined;
  if (set('expires_in_days') && set('expires_at')) out.push({ severity: 'error', summary: 'Conflicting expiry', detail: 'Set either "expires_in_days" or "expires_at", not both.', path: ['expires_at'] });
  if (config.extended === true && !set('max_age_days')) out.push({ severity: 'error', summary: 'Missing "max_age_days"', detail: '"max_age_days" is required when "extended" is true.', path: ['max_age_days'] });
  if (config.extended !== true && set('max_age_days')) out.push({ severity: 'error', summary: 'Unexpected "max_age_days"', detail: '"max_age_days" applies only when "extended" is true.', path: ['max_age_days'] });
  if (config.extended === true && !set('expires_in_days') && !set('expires_at')) out.push({ severity: 'error', summary: 'Missing expiry', detail: 'An extended token needs "expires_in_days" or "expires_at" to extend.', path: ['expires_in_days'] });
  if (set('rotate_before_days') && !set('expires_in_days')) {
    out.push({ severity: 'error', summary: '"rotate_before_days" needs "expires_in_days"', detail: 'Rotation before expiry renews the lifetime, which only a relative "expires_in_days" can say.', path: ['rotate_before_days'] });
  }
  return out;
}

/** Why the secret must be rotated by this plan, if it must. Decided here, carried to apply by the unknown `token`. */
async function rotationReason(ctx: ResourceContext, prior: State, planned: State): Promise<string | undefined> {
  const triggers = (name: string) => prior[name] !== null && !sameValue(attributes.rotation_triggers.type, prior[name]!, planned[name] ?? null);
  if (triggers('rotation_triggers')) return 'rotation_triggers changed';
  if (triggers('expires_in_days')) return `expires_in_days changed from ${String(prior.expires_in_days)} to ${String(planned.expires_in_days)}`;
  const configuredAt = str(planned, 'expires_at');
  if (configuredAt !== undefined && num(planned, 'expires_in_days') === undefined && Date.parse(configuredAt) !== Date.parse(str(prior, 'expires_at') ?? '')) return 'expires_at changed';
  const window = num(planned, 'rotate_before_days');
  const expiresAt = str(prior, 'expires_at');
  if (window !== undefined && expiresAt !== undefined) {
    const now = await ctx.serverNow();
    if (now.getTime() >= Date.parse(expiresAt) - window * DAY_MS) return `it expires at ${expiresAt}, within rotate_before_days (${window})`;
  }
  return undefined;
}

export const token: ResourceDefinition = {
  typeName: 'warden_token',
  description: 'An API token of a service account. The secret is shown once, at creation or rotation; the server keeps only its digest.',
  attributes,
  importId: '"<service_account_id>/<token_id>"; the secret cannot be recovered, so `token` stays null until the next rotation',
  check,

  async plan(ctx, prior, planned) {
    const status = str(prior, 'status');
    if (status === 'revoked' || status === 'expired') {
      return { planned: { ...planned, status: Unknown }, replace: ['status'], reasons: [`the token is ${status} on the server, so it is replaced`] };
    }
    const reasons: string[] = [];
    const next = { ...planned };
    if (status === 'disabled') {
      next.status = 'active';
      reasons.push('the token was disabled outside Terraform and is re-enabled');
    }
    const rotation = await rotationReason(ctx, prior, planned);
    if (rotation) {
      Object.assign(next, { token: Unknown, token_hint: Unknown, status: Unknown });
      if (num(planned, 'expires_in_days') !== undefined) next.expires_at = Unknown;
      reasons.push(`the secret is rotated because ${rotation}; the previous secret stays valid for ${String(planned.overlap_seconds)} s`);
    }
    return { planned: next, reasons };
  },

  async create(ctx, planned) {
    const saId = str(planned, 'service_account_id')!;
    const body = {
      name: str(planned, 'name')!,
      scopes: strings(planned, 'scopes') as ('api' | 'scim')[],
      extended: bool(planned, 'extended') ?? false,
      ...(num(planned, 'max_age_days') !== undefined ? { max_age_days: num(planned, 'max_age_days')! } : {}),
      ...expiryOf(planned),
    };
    const create = async () => {
      const created = await ctx.client.createServiceAccountToken(saId, body);
      return toState(created, planned, created.token);
    };
    return createOrAdopt(token, ctx, planned, create, (err) => err instanceof ConflictError && err.code === 'WARDEN_ERR_NAME_TAKEN');
  },

  async find(ctx, planned) {
    const saId = str(planned, 'service_account_id')!;
    let pageToken: string | undefined;
    do {
      const page = await ctx.client.listServiceAccountTokens(saId, pageToken ? { page_token: pageToken } : {});
      const live = page.items.find((t) => t.name === str(planned, 'name') && t.state !== 'revoked');
      if (live) return `${saId}/${live.id}`;
      pageToken = page.next_page_token ?? undefined;
    } while (pageToken);
    return undefined;
  },

  read: (ctx, state) => readOrGone(async () => toState(await ctx.client.getServiceAccountToken(str(state, 'service_account_id')!, str(state, 'id')!), state, state.token ?? null)),

  async update(ctx, prior, planned) {
    const saId = str(prior, 'service_account_id')!;
    const id = str(prior, 'id')!;
    if (prior.status === 'disabled') await ctx.client.updateServiceAccountToken(saId, id, { disabled: false });
    if (planned.token === Unknown) {
      const rotated = await ctx.client.regenerateServiceAccountToken(saId, id, { ...expiryOf(planned), grace_period_seconds: num(planned, 'overlap_seconds') ?? 0 });
      return toState(rotated, planned, rotated.token);
    }
    return toState(await ctx.client.getServiceAccountToken(saId, id), planned, prior.token ?? null);
  },

  delete: (ctx, state) => deleteIfPresent(() => ctx.client.revokeServiceAccountToken(str(state, 'service_account_id')!, str(state, 'id')!)),

  async import(ctx, id) {
    const [saId, tokenId] = id.split('/');
    if (!saId || !tokenId || id.split('/').length !== 2) throw new Error(`import id "${id}" must be "<service_account_id>/<token_id>"`);
    return toState(await ctx.client.getServiceAccountToken(saId, tokenId), {}, null);
  },
};
