import { z } from 'zod';
import {
  EXPIRES_IN_DAYS,
  ExpiresInDays,
  Extended,
  Id,
  MAX_OVERLAP_SECONDS,
  MaxAgeDays,
  MaxUnusedDays,
  OverlapSeconds,
  SuppliedSecret,
  TOKEN_SCOPES,
  TokenAllowedCidrs,
  TokenExpiresAt,
  TokenName,
  TokenScopes,
  expiryProblems,
  extendedTokenProblems,
  type Token,
  type TokenPatch,
  type TokenWithSecret,
} from '../../api-client/contract';
import { isWardenError } from '../../api-client/errors';
import { createOrAdopt } from './adopt';
import { deleteIfPresent, readOrGone } from './gone';
import { type Problem, type Text, render } from './problem';
import {
  type Diagnostic,
  type ResourceContext,
  type ResourceDefinition,
  ResourceError,
  type State,
  Unknown,
  apiField,
  computed,
  optional,
  optionalComputed,
  required,
} from './schema';
import { bool, num, sameInstantAs, sameValue, str, strings } from './values';

const DAY_MS = 24 * 3600 * 1000;

const attributes = {
  service_account_id: required.string('Id of the service account the token belongs to.', { replace: true, validate: Id }),
  name: required.string(apiField(TokenName), { replace: true }),
  scopes: optional.stringSet(apiField(TokenScopes), { default: [...TOKEN_SCOPES.default], replace: true }),
  expires_in_days: optional.number(apiField(ExpiresInDays)),
  expires_at: optionalComputed.string(apiField(TokenExpiresAt, 'Set it for a fixed expiry, or read it when expires_in_days is used.'), { nullable: true }),
  extended: optional.bool(apiField(Extended), { default: false, replace: true }),
  max_age_days: optional.number(apiField(MaxAgeDays), { replace: true }),
  allowed_cidrs: optional.stringSet(apiField(TokenAllowedCidrs, 'Changes in place.'), { default: [] }),
  max_unused_days: optional.number(apiField(MaxUnusedDays, 'An expired token is replaced. Changes in place.')),
  unused_expires_at: computed.string('With max_unused_days: when the token stops working unless used before, as last read.', { dependsOn: ['max_unused_days'], nullable: true }),
  rotation_triggers: optional.stringMap('Arbitrary values; changing any of them rotates the secret in place (regenerate), keeping the token and its name.'),
  rotate_before_days: optional.number('Rotate the secret when the plan runs within this many days of expiry. Needs expires_in_days.', {
    validate: z.number().int().min(EXPIRES_IN_DAYS.min).max(EXPIRES_IN_DAYS.max),
  }),
  overlap_seconds: optional.number(
    `On rotation, the previous secret keeps working this many seconds (at most ${MAX_OVERLAP_SECONDS / 86400} days), so consumers switch without downtime.`,
    {
      default: 0,
      validate: OverlapSeconds,
    },
  ),
  secret_wo: optional.string(
    'Write-only (Terraform 1.11+, OpenTofu 1.11+): the secret to issue, generated on the client (ephemeral warden_secret), in the token format. Never stored in state or plan; `token` stays null. Used at creation and whenever secret_wo_version changes.',
    { writeOnly: true, sensitive: true, validate: SuppliedSecret },
  ),
  secret_wo_version: optional.number(
    'Required with secret_wo, and stored in state: changing it rotates the token to the secret_wo of that run, the previous secret valid for overlap_seconds.',
    {
      validate: z.number().int().min(0),
    },
  ),
  token: computed.string('The secret. Known only to the run that created or rotated it; not recoverable by import. Null when secret_wo supplies the secret.', {
    sensitive: true,
    nullable: true,
  }),
  token_hint: computed.string('First characters of the secret, safe to show.'),
  status: computed.string('active, disabled, expired, revoked or owner_inactive (the owner is deactivated, disabled or expired), as last read from the server.'),
  last_used_at: computed.string('Last time the token authenticated a request.', { nullable: true }),
  id: computed.string('Server-assigned id.'),
};

/** Attributes only the configuration knows: the server does not store them, so state keeps them. */
const CONFIG_ONLY = ['expires_in_days', 'rotation_triggers', 'rotate_before_days', 'overlap_seconds', 'secret_wo_version'] as const;

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
    allowed_cidrs: t.allowed_cidrs,
    max_unused_days: t.max_unused_days,
    unused_expires_at: t.unused_expires_at,
    secret_wo: null,
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

/** The server's refusal of a secret it has seen before, said on `secret_wo` with what to do. */
async function refusingReuse<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isWardenError(err) && err.code === 'WARDEN_ERR_SECRET_REUSED') {
      throw new ResourceError(
        {
          summary: (n) => `The secret in ${n('secret_wo')} was used before (${err.code})`,
          detail: (n) => `Warden accepts a secret once. Give ${n('secret_wo')} a fresh one, from ephemeral "warden_secret" (a new value every run), not a fixed or reused value.`,
          path: ['secret_wo'],
        },
        err,
      );
    }
    throw err;
  }
}

/** The write-only secret, present only in the configuration of the run that sends it. */
function suppliedSecret(planned: State): { secret?: string } {
  const secret = str(planned, 'secret_wo');
  return secret !== undefined ? { secret } : {};
}

function check(config: State): Diagnostic[] {
  const out: Diagnostic[] = [];
  const set = (name: string) => config[name] !== null && config[name] !== undefined;
  const problem = (path: string, summary: Text, detail: Text) => out.push({ severity: 'error', summary, detail, path: [path] });
  // The API's own rules, on the configuration as a request body (unset attributes are absent fields).
  const body = Object.fromEntries(Object.entries(config).filter(([, value]) => value !== null));
  for (const refused of [...expiryProblems(body), ...extendedTokenProblems(body)]) {
    problem(
      refused.path,
      (n) => `Invalid value for ${n(refused.path)}`,
      (n) => `${n(refused.path)} ${refused.message(n)}.`,
    );
  }
  // Stricter than the API, which would apply the server's default lifetime: the configuration says what an extended token slides from.
  if (config.extended === true && !set('expires_in_days') && !set('expires_at'))
    problem('expires_in_days', 'Missing expiry', (n) => `An extended token needs ${n('expires_in_days')} or ${n('expires_at')} to extend.`);
  if (set('secret_wo') && !set('secret_wo_version')) {
    problem(
      'secret_wo_version',
      (n) => `Missing ${n('secret_wo_version')}`,
      (n) => `${n('secret_wo')} is never stored, so Terraform cannot see it change: set ${n('secret_wo_version')} with it, and change the version to rotate.`,
    );
  }
  if (set('secret_wo_version') && !set('secret_wo')) {
    problem(
      'secret_wo',
      (n) => `Missing ${n('secret_wo')}`,
      (n) =>
        `${n('secret_wo_version')} versions the secret given in ${n('secret_wo')}; set ${n('secret_wo')} (for example ephemeral.warden_secret.<name>.secret) or remove the version.`,
    );
  }
  for (const other of ['rotation_triggers', 'rotate_before_days'] as const) {
    if (set('secret_wo') && set(other)) {
      problem(
        other,
        (n) => `${n(other)} conflicts with ${n('secret_wo')}`,
        (n) =>
          `With ${n('secret_wo')} the secret changes only when ${n('secret_wo_version')} does, so every consumer fed the same secret changes with it; rotate by changing ${n('secret_wo_version')} instead of ${n(other)}.`,
      );
    }
  }
  if (set('rotate_before_days') && !set('expires_in_days')) {
    problem(
      'rotate_before_days',
      (n) => `${n('rotate_before_days')} needs ${n('expires_in_days')}`,
      (n) => `Rotation before expiry renews the lifetime, which only a relative ${n('expires_in_days')} can say.`,
    );
  }
  return out;
}

/** Why the secret must be rotated by this plan: a sentence, and the attribute that decides it. */
interface Rotation {
  because: Text;
  path: string;
}

/** Why the secret must be rotated by this plan, if it must. Decided here, carried to apply by the unknown `token`. */
export async function rotationReason(ctx: ResourceContext, prior: State, planned: State): Promise<Rotation | undefined> {
  // Also from none to a version: a token moving to a client-supplied secret gets it now.
  if (planned.secret_wo_version !== null && !sameValue('number', prior.secret_wo_version ?? null, planned.secret_wo_version ?? null)) {
    return { because: (n) => `${n('secret_wo_version')} changed from ${String(prior.secret_wo_version)} to ${String(planned.secret_wo_version)}`, path: 'secret_wo_version' };
  }
  const triggers = (name: string) => prior[name] !== null && !sameValue(attributes.rotation_triggers.type, prior[name]!, planned[name] ?? null);
  if (triggers('rotation_triggers')) return { because: (n) => `${n('rotation_triggers')} changed`, path: 'rotation_triggers' };
  if (triggers('expires_in_days'))
    return { because: (n) => `${n('expires_in_days')} changed from ${String(prior.expires_in_days)} to ${String(planned.expires_in_days)}`, path: 'expires_in_days' };
  const configuredAt = str(planned, 'expires_at');
  if (configuredAt !== undefined && num(planned, 'expires_in_days') === undefined && Date.parse(configuredAt) !== Date.parse(str(prior, 'expires_at') ?? '')) {
    return { because: (n) => `${n('expires_at')} changed`, path: 'expires_at' };
  }
  const window = num(planned, 'rotate_before_days');
  const expiresAt = str(prior, 'expires_at');
  if (window !== undefined && expiresAt !== undefined) {
    const now = await ctx.serverNow();
    if (now.getTime() >= Date.parse(expiresAt) - window * DAY_MS)
      return { because: (n) => `it expires at ${expiresAt}, within ${n('rotate_before_days')} (${window})`, path: 'rotate_before_days' };
  }
  return undefined;
}

export const token: ResourceDefinition = {
  typeName: 'warden_token',
  description: 'An API token of a service account. The secret is shown once, at creation or rotation; the server keeps only its digest.',
  attributes,
  importId: '"<service_account_id>/<token_id>"; the secret cannot be recovered, so `token` stays null until the next rotation',
  check,

  async plan(ctx, prior, planned, config) {
    const status = str(prior, 'status');
    if (status === 'revoked' || status === 'expired') {
      return {
        planned: { ...planned, status: Unknown },
        replace: ['status'],
        reasons: [
          { summary: `the token is ${status} on the server, so it is replaced`, detail: 'A revoked or expired token cannot work again: a new one with the same name is created.' },
        ],
      };
    }
    const reasons: Problem[] = [];
    const next = { ...planned };
    if (status === 'disabled') {
      next.status = 'active';
      reasons.push({
        summary: 'the token was disabled outside Terraform and is re-enabled',
        detail: 'The declared token is active; the update enables it again, keeping its secret.',
      });
    }
    const rotation = await rotationReason(ctx, prior, planned);
    const supplied = (config.secret_wo ?? null) !== null;
    if (rotation && supplied && rotation.path !== 'secret_wo_version') {
      throw new ResourceError({
        summary: (n) => `Rotation needs a new ${n('secret_wo_version')}`,
        detail: (n) =>
          `This change rotates the secret (${render(rotation.because, n)}), but with ${n('secret_wo')} the secret changes only with ${n('secret_wo_version')}, so that every consumer fed the same secret changes with it. Change ${n('secret_wo_version')} in the same change.`,
        path: ['secret_wo_version'],
      });
    }
    if (rotation) {
      // A client-supplied secret is never stored: `token` stays null.
      Object.assign(next, { token: supplied ? null : Unknown, token_hint: Unknown, status: Unknown });
      if (num(planned, 'expires_in_days') !== undefined) next.expires_at = Unknown;
      reasons.push({
        summary: (n) => `the secret is rotated because ${render(rotation.because, n)}`,
        detail: (n) => `The previous secret stays valid for ${String(planned.overlap_seconds)} s (${n('overlap_seconds')}).`,
        path: [rotation.path],
      });
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
      ...suppliedSecret(planned),
      allowed_cidrs: strings(planned, 'allowed_cidrs') ?? [],
      max_unused_days: num(planned, 'max_unused_days') ?? null,
    };
    const create = async () => {
      const created = await refusingReuse(() => ctx.client.createServiceAccountToken(saId, body));
      return toState(created, planned, body.secret === undefined ? created.token : null);
    };
    return createOrAdopt(token, ctx, planned, create, (err) => isWardenError(err) && err.code === 'WARDEN_ERR_NAME_TAKEN');
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
    // One PATCH for what changes in place: re-enabling after drift, and the limits.
    const patch: TokenPatch = {};
    if (prior.status === 'disabled') patch.disabled = false;
    if (!sameValue('set(string)', prior.allowed_cidrs ?? [], planned.allowed_cidrs ?? [])) patch.allowed_cidrs = strings(planned, 'allowed_cidrs') ?? [];
    if ((prior.max_unused_days ?? null) !== (planned.max_unused_days ?? null)) patch.max_unused_days = num(planned, 'max_unused_days') ?? null;
    if (Object.keys(patch).length > 0) await ctx.client.updateServiceAccountToken(saId, id, patch);
    // A rotation: planned by `plan` (token_hint unknown), or forced by an adoption (token unknown).
    if (planned.token === Unknown || planned.token_hint === Unknown) {
      const secret = suppliedSecret(planned);
      const rotated = await refusingReuse(() =>
        ctx.client.regenerateServiceAccountToken(saId, id, { ...expiryOf(planned), overlap_seconds: num(planned, 'overlap_seconds') ?? 0, ...secret }),
      );
      return toState(rotated, planned, secret.secret === undefined ? rotated.token : null);
    }
    return toState(await ctx.client.getServiceAccountToken(saId, id), planned, prior.token ?? null);
  },

  delete: (ctx, state) => deleteIfPresent(() => ctx.client.revokeServiceAccountToken(str(state, 'service_account_id')!, str(state, 'id')!)),

  async import(ctx, id) {
    const [saId, tokenId] = id.split('/');
    if (!saId || !tokenId || id.split('/').length !== 2)
      throw new ResourceError({ summary: 'Invalid import id', detail: `The import id "${id}" must be "<service_account_id>/<token_id>".` });
    return toState(await ctx.client.getServiceAccountToken(saId, tokenId), {}, null);
  },
};
