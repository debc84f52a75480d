import { generateSecret } from '../../api-client/token-format';
import { type Problem, planChange, render, resources, snakeName, type ResourceContext, type State } from '../../provider/resources';
import { ProviderService } from '../../provider/terraform/framework/provider-service';
import { providersSchemaJson, providerSchema } from '../../provider/terraform/framework/schema';
import { getProviderSchema } from '../../provider/terraform/protocol/schema-document';
import { encodeValue } from '../../provider/terraform/protocol/values';

// The protocol side of write-only attributes, below what the real engines show: the schema flag,
// the refusal for clients without write-only support, and rotation rules under secret_wo.

const tokenDef = resources.find((r) => r.typeName === 'warden_token')!;
const config = (values: Partial<State>): State => ({ service_account_id: 'sa_1', name: 'ci', ...values });
/** Plan reasons as Terraform shows them: the attribute they are about, and the summary in its spelling. */
const said = (reasons: Problem[]) => reasons.map((r) => ({ path: r.path, summary: render(r.summary, snakeName) }));

describe('write-only attributes in the tfplugin6 face', () => {
  test('secret_wo is write-only (and sensitive, never computed) in the schema Terraform reads and in the JSON the CDKTF generator reads', () => {
    const attr = getProviderSchema(providerSchema).resourceSchemas!.warden_token!.block!.attributes!.find((a) => a.name === 'secret_wo')!;
    expect(attr).toMatchObject({ writeOnly: true, optional: true, computed: false, sensitive: true });
    const json = providersSchemaJson(providerSchema).provider_schemas['registry.terraform.io/warden/warden']!.resource_schemas.warden_token!.block.attributes as Record<
      string,
      Record<string, unknown>
    >;
    expect(json.secret_wo).toMatchObject({ write_only: true, optional: true, sensitive: true });
    expect(json.secret_wo_version!.write_only).toBeUndefined();
    expect(getProviderSchema(providerSchema).ephemeralResourceSchemas!.warden_secret!.block!.attributes!.map((a) => a.name)).toEqual(['secret', 'secret_hint']);
  });

  const service = new ProviderService({ version: 'test', env: {} });
  const validate = (values: Partial<State>, writeOnlyAttributesAllowed?: boolean) =>
    service.validateResourceConfig({
      typeName: 'warden_token',
      config: { msgpack: encodeValue(config(values)) },
      ...(writeOnlyAttributesAllowed === undefined ? {} : { clientCapabilities: { writeOnlyAttributesAllowed } }),
    }).diagnostics ?? [];

  test.each([
    ['declares no capabilities', undefined],
    ['declares write_only_attributes_allowed = false', false],
  ])('a client that %s is refused secret_wo, on its path, with what to do', (_label, allowed) => {
    const found = validate({ secret_wo: generateSecret(), secret_wo_version: 1 }, allowed);
    expect(found).toEqual([
      expect.objectContaining({
        summary: 'Write-only attribute not supported by this client',
        detail: expect.stringContaining('Terraform 1.11 or later, OpenTofu 1.11 or later'),
        attribute: { steps: [{ attributeName: 'secret_wo' }] },
      }),
    ]);
  });

  test('the same client without secret_wo, and a client declaring support, are not refused', () => {
    expect(validate({}, undefined)).toEqual([]);
    expect(validate({ secret_wo: generateSecret(), secret_wo_version: 1 }, true)).toEqual([]);
  });

  test.each([
    ['a version without a secret', { secret_wo_version: 1 }, 'Missing "secret_wo"', 'secret_wo'],
    [
      'rotation_triggers beside secret_wo',
      { secret_wo: generateSecret(), secret_wo_version: 1, rotation_triggers: { v: '1' } },
      '"rotation_triggers" conflicts with "secret_wo"',
      'rotation_triggers',
    ],
    [
      'rotate_before_days beside secret_wo',
      { secret_wo: generateSecret(), secret_wo_version: 1, expires_in_days: 30, rotate_before_days: 3 },
      '"rotate_before_days" conflicts with "secret_wo"',
      'rotate_before_days',
    ],
    ['a secret_wo not in the token format', { secret_wo: 'wdn_short', secret_wo_version: 1 }, 'Invalid value for "secret_wo"', 'secret_wo'],
  ])('%s is refused', (_label, values, summary, path) => {
    expect(validate(values, true)).toContainEqual(expect.objectContaining({ summary, attribute: { steps: [{ attributeName: path }] } }));
  });

  test('the bad secret is never echoed in a diagnostic', () => {
    const bad = generateSecret().slice(0, -1) + '!';
    expect(JSON.stringify(validate({ secret_wo: bad, secret_wo_version: 1 }, true))).not.toContain(bad);
  });
});

describe('rotation under secret_wo', () => {
  // Planning these changes asks nothing of the server (no rotate_before_days).
  const ctx: ResourceContext = {
    get client(): never {
      throw new Error('planning must not call the server here');
    },
    serverNow: () => Promise.reject(new Error('planning must not need the server clock here')),
    adoptOnConflict: false,
    warn: () => undefined,
  };
  const prior: State = {
    ...Object.fromEntries(Object.keys(tokenDef.attributes).map((n) => [n, null])),
    service_account_id: 'sa_1',
    name: 'ci',
    scopes: ['api'],
    extended: false,
    overlap_seconds: 0,
    expires_in_days: 30,
    expires_at: '2030-01-01T00:00:00.000Z',
    secret_wo_version: 1,
    token_hint: 'wdn_abcd',
    status: 'active',
    id: 'tok_1',
  };

  test('a new secret_wo_version rotates, and the plan keeps token null (the secret is not stored)', async () => {
    const plan = await planChange(tokenDef, ctx, prior, config({ expires_in_days: 30, secret_wo: generateSecret(), secret_wo_version: 2 }));
    expect(said(plan.reasons)).toEqual([{ path: ['secret_wo_version'], summary: expect.stringContaining('because "secret_wo_version" changed from 1 to 2') }]);
    expect(plan.planned.token).toBeNull();
    expect(typeof plan.planned.token_hint).toBe('symbol');
  });

  test('a token moving to secret_wo (a version where there was none) rotates to the supplied secret', async () => {
    const serverGenerated = { ...prior, secret_wo_version: null, token: 'wdn_previously_in_state' };
    const plan = await planChange(tokenDef, ctx, serverGenerated, config({ expires_in_days: 30, secret_wo: generateSecret(), secret_wo_version: 1 }));
    expect(said(plan.reasons)).toEqual([{ path: ['secret_wo_version'], summary: expect.stringContaining('because "secret_wo_version" changed from null to 1') }]);
    expect(plan.planned.token).toBeNull();
  });

  test('the same version with a fresh secret plans nothing', async () => {
    const plan = await planChange(tokenDef, ctx, prior, config({ expires_in_days: 30, secret_wo: generateSecret(), secret_wo_version: 1 }));
    expect(plan.reasons).toEqual([]);
    expect(plan.planned.token_hint).toBe('wdn_abcd');
  });

  test('a change that would rotate for another reason asks for a new secret_wo_version', async () => {
    await expect(planChange(tokenDef, ctx, prior, config({ expires_in_days: 60, secret_wo: generateSecret(), secret_wo_version: 1 }))).rejects.toMatchObject({
      message: 'Rotation needs a new "secret_wo_version"',
      problem: { path: ['secret_wo_version'] },
    });
    const bumped = await planChange(tokenDef, ctx, prior, config({ expires_in_days: 60, secret_wo: generateSecret(), secret_wo_version: 2 }));
    expect(said(bumped.reasons)).toEqual([{ path: ['secret_wo_version'], summary: expect.stringContaining('"secret_wo_version" changed') }]);
  });
});
