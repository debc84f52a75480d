// Each definition's configuration check (attribute rules, then its cross-attribute rules), case by
// case: a bad argument is one error diagnostic on the attribute it names, a good one none.
import { type Definition, type State, checkConfig, complete, dataSources, ephemeralResources, resources } from '../../provider/resources';
import { render, snakeName } from '../../provider/resources/problem';

const ID = 'sa_1';
const all: Definition[] = [...resources, ...dataSources, ...ephemeralResources];
const named = (kind: 'resource' | 'data' | 'ephemeral', typeName: string): Definition => {
  const pool: readonly Definition[] = kind === 'resource' ? resources : kind === 'data' ? dataSources : ephemeralResources;
  return pool.find((d) => d.typeName === typeName)!;
};
const check = (def: Definition, partial: Record<string, unknown>) => checkConfig(def.attributes, { ...complete(def.attributes, {}), ...(partial as State) }, def.check?.bind(def));

/** A configuration each definition accepts. */
const valid: [kind: 'resource' | 'data' | 'ephemeral', typeName: string, config: Record<string, unknown>][] = [
  ['resource', 'warden_service_account', { name: 'ci', teams: ['platform'], allowed_cidrs: ['10.0.0.0/8'] }],
  ['resource', 'warden_role_binding', { service_account_id: ID, role: 'editor' }],
  ['resource', 'warden_token', { service_account_id: ID, name: 'deploy', expires_in_days: 30, rotate_before_days: 3 }],
  [
    'resource',
    'warden_federated_credential',
    { service_account_id: ID, name: 'gh', issuer: 'https://token.actions.githubusercontent.com', audience: 'warden', subject: 'repo:acme/app:*' },
  ],
  ['data', 'warden_service_account', { name: 'ci' }],
  ['data', 'warden_role', { name: 'editor' }],
  ['ephemeral', 'warden_token', { service_account_id: ID }],
  ['ephemeral', 'warden_secret', {}],
];

test('every definition has a valid case here', () => {
  expect(valid.map(([kind, typeName]) => named(kind, typeName))).toEqual(expect.arrayContaining(all));
  expect(valid).toHaveLength(all.length);
});

test.each(valid)('%s %s: a valid configuration has no diagnostics', (kind, typeName, config) => {
  expect(check(named(kind, typeName), config)).toEqual([]);
});

/** [kind, type, what is wrong, configuration, the attribute the error names, words of its message]. */
const bad: [kind: 'resource' | 'data' | 'ephemeral', typeName: string, title: string, config: Record<string, unknown>, path: string, words: string][] = [
  ['resource', 'warden_service_account', 'missing name', {}, 'name', 'Missing required attribute "name"'],
  ['resource', 'warden_service_account', 'an upper-case name', { name: 'Ci Bot' }, 'name', 'must be 1-63 characters'],
  ['resource', 'warden_service_account', 'a computed id set', { name: 'ci', id: 'x' }, 'id', '"id" cannot be set'],
  ['resource', 'warden_service_account', 'a wrong type', { name: 'ci', disabled: 'yes' }, 'disabled', '"disabled" must be a bool'],
  ['resource', 'warden_service_account', 'a bad CIDR', { name: 'ci', allowed_cidrs: ['10.0.0.0/99'] }, 'allowed_cidrs', '"allowed_cidrs.0"'],
  ['resource', 'warden_service_account', 'an unknown argument', { name: 'ci', colour: 'red' }, 'colour', 'Unsupported argument "colour"'],
  ['resource', 'warden_role_binding', 'a bad service account id', { service_account_id: 'a/b', role: 'editor' }, 'service_account_id', 'must be an opaque id'],
  [
    'resource',
    'warden_token',
    'both expiries',
    { service_account_id: ID, name: 'd', expires_in_days: 30, expires_at: '2030-01-01T00:00:00Z' },
    'expires_at',
    '"expires_at" cannot be given with "expires_in_days"',
  ],
  [
    'resource',
    'warden_token',
    'extended without max_age_days',
    { service_account_id: ID, name: 'd', expires_in_days: 30, extended: true },
    'max_age_days',
    '"max_age_days" is required when "extended" is true.',
  ],
  [
    'resource',
    'warden_token',
    'max_age_days without extended',
    { service_account_id: ID, name: 'd', max_age_days: 30 },
    'max_age_days',
    '"max_age_days" is only allowed when "extended" is true',
  ],
  ['resource', 'warden_token', 'extended without an expiry', { service_account_id: ID, name: 'd', extended: true, max_age_days: 30 }, 'expires_in_days', 'An extended token needs'],
  ['resource', 'warden_token', 'secret_wo_version without secret_wo', { service_account_id: ID, name: 'd', secret_wo_version: 1 }, 'secret_wo', 'Missing "secret_wo"'],
  [
    'resource',
    'warden_token',
    'rotate_before_days without expires_in_days',
    { service_account_id: ID, name: 'd', rotate_before_days: 3 },
    'rotate_before_days',
    'needs "expires_in_days"',
  ],
  ['resource', 'warden_token', 'no scope', { service_account_id: ID, name: 'd', scopes: [] }, 'scopes', 'Invalid value for "scopes"'],
  [
    'resource',
    'warden_token',
    'overlap over 7 days',
    { service_account_id: ID, name: 'd', overlap_seconds: 7 * 24 * 3600 + 1 },
    'overlap_seconds',
    'Invalid value for "overlap_seconds"',
  ],
  [
    'resource',
    'warden_federated_credential',
    'a lifetime out of range',
    { service_account_id: ID, name: 'gh', issuer: 'https://i.example', audience: 'a', subject: 's', max_token_lifetime_seconds: 1 },
    'max_token_lifetime_seconds',
    'Invalid value for "max_token_lifetime_seconds"',
  ],
  ['data', 'warden_service_account', 'both id and name', { id: ID, name: 'ci' }, 'name', 'Give either "id" or "name"'],
  ['data', 'warden_service_account', 'neither id nor name', {}, 'id', 'Missing "id" or "name"'],
  ['ephemeral', 'warden_token', 'a lifetime over 30 days', { service_account_id: ID, expires_in_days: 31 }, 'expires_in_days', 'Invalid value for "expires_in_days"'],
];

test.each(bad)('%s %s: %s is one error on the attribute', (kind, typeName, _title, config, path, words) => {
  const diagnostics = check(named(kind, typeName), config);
  expect(diagnostics).toHaveLength(1);
  expect(diagnostics[0]!.severity).toBe('error');
  expect(diagnostics[0]!.path?.[0]).toBe(path);
  expect(`${render(diagnostics[0]!.summary, snakeName)} ${render(diagnostics[0]!.detail, snakeName) ?? ''}`).toContain(words);
});
