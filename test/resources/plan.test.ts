// planChange as both providers call it, case by case, against the real server in this process:
// milliseconds per case, beside the end-to-end suites that run the same plans through terraform.
import { type ResourceDefinition, type State, Unknown, complete, planChange, resources } from '../../provider/resources';
import { type Problem, render, snakeName } from '../../provider/resources/problem';
import { resourceContext } from '../support/resource-context';
import { type TestServer, startServer } from '../support/server';

const definition = (typeName: string) => resources.find((d) => d.typeName === typeName)!;
const serviceAccount = definition('warden_service_account');
const token = definition('warden_token');

const accountState = (o: Record<string, unknown> = {}): State =>
  complete(serviceAccount.attributes, {
    name: 'ci',
    display_name: 'ci',
    description: '',
    project_id: null,
    disabled: false,
    teams: ['a', 'b'],
    allowed_cidrs: [],
    id: 'sa1',
    uid: 'u1',
    user_name: 'ci@service',
    created_at: '2030-01-01T00:00:00Z',
    ...o,
  } as State);

const tokenState = (o: Record<string, unknown> = {}): State =>
  complete(token.attributes, {
    service_account_id: 'sa1',
    name: 'deploy',
    scopes: ['api'],
    expires_in_days: 30,
    expires_at: '2030-01-31T00:00:00Z',
    extended: false,
    allowed_cidrs: [],
    overlap_seconds: 0,
    token: 'secret-from-state',
    token_hint: 'wdn_abc',
    status: 'active',
    id: 't1',
    ...o,
  } as State);

/** The configuration a prior state was applied from: its settable attributes, computed ones null. */
const configOf = (def: ResourceDefinition, state: State, o: Record<string, unknown> = {}): State =>
  Object.fromEntries(Object.entries(def.attributes).map(([name, a]) => [name, a.mode === 'computed' ? null : name in o ? (o[name] as State[string]) : state[name]!]));

/** The plan's reasons as Terraform words them. */
const summaries = (reasons: Problem[]) => reasons.map((r) => render(r.summary, snakeName));

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

describe('a create (no prior state)', () => {
  test('fills the declared defaults and leaves the computed attributes unknown', async () => {
    const plan = await planChange(serviceAccount, resourceContext(server), null, complete(serviceAccount.attributes, { name: 'ci' }));
    expect(plan).toEqual({
      planned: {
        name: 'ci',
        display_name: Unknown,
        description: '',
        project_id: null,
        disabled: false,
        expires_at: null,
        teams: [],
        allowed_cidrs: [],
        id: Unknown,
        uid: Unknown,
        user_name: Unknown,
        created_at: Unknown,
      },
      replace: [],
      reasons: [],
    });
  });
});

describe('an update of a service account', () => {
  test.each<[string, Record<string, unknown>, { replace: string[]; unknown: string[]; planned?: Record<string, unknown> }]>([
    ['nothing changed, teams listed in another order', { teams: ['b', 'a'] }, { replace: [], unknown: [], planned: { teams: ['b', 'a'], id: 'sa1', user_name: 'ci@service' } }],
    ['a new description changes in place', { description: 'deploys' }, { replace: [], unknown: [], planned: { description: 'deploys' } }],
    ['a new name makes the derived user_name unknown', { name: 'ci2' }, { replace: [], unknown: ['user_name'] }],
    ['a new project_id forces replacement', { project_id: 'p1' }, { replace: ['project_id'], unknown: [] }],
  ])('%s', async (_title, change, expected) => {
    const prior = accountState();
    const plan = await planChange(serviceAccount, resourceContext(server), prior, configOf(serviceAccount, prior, change));
    expect(plan.replace).toEqual(expected.replace);
    expect(Object.keys(plan.planned).filter((k) => plan.planned[k] === Unknown)).toEqual(expected.unknown);
    if (expected.planned) expect(plan.planned).toMatchObject(expected.planned);
    expect(plan.reasons).toEqual([]);
  });
});

describe('an update of a token', () => {
  test('unchanged: the planned state is the prior one, secret included', async () => {
    const prior = tokenState();
    const plan = await planChange(token, resourceContext(server), prior, configOf(token, prior));
    expect(plan).toEqual({ planned: prior, replace: [], reasons: [] });
  });

  test('new scopes force replacement, and say so on scopes only', async () => {
    const prior = tokenState();
    const plan = await planChange(token, resourceContext(server), prior, configOf(token, prior, { scopes: ['api', 'scim'] }));
    expect(plan.replace).toEqual(['scopes']);
  });

  test.each(['revoked', 'expired'])('a token %s on the server is replaced (on status), with the reason', async (status) => {
    const prior = tokenState({ status });
    const plan = await planChange(token, resourceContext(server), prior, configOf(token, prior));
    expect(plan.replace).toEqual(['status']);
    expect(plan.planned.status).toBe(Unknown);
    expect(summaries(plan.reasons)).toEqual([`the token is ${status} on the server, so it is replaced`]);
  });

  test('a token disabled outside the tool is planned active again, in place', async () => {
    const prior = tokenState({ status: 'disabled' });
    const plan = await planChange(token, resourceContext(server), prior, configOf(token, prior));
    expect(plan.replace).toEqual([]);
    expect(plan.planned.status).toBe('active');
    expect(summaries(plan.reasons)).toEqual(['the token was disabled outside Terraform and is re-enabled']);
  });

  test('a changed rotation trigger rotates in place: secret, hint, status and expiry unknown', async () => {
    const prior = tokenState({ rotation_triggers: { version: '1' }, overlap_seconds: 600 });
    const plan = await planChange(token, resourceContext(server), prior, configOf(token, prior, { rotation_triggers: { version: '2' } }));
    expect(plan.replace).toEqual([]);
    expect(plan.planned).toMatchObject({ token: Unknown, token_hint: Unknown, status: Unknown, expires_at: Unknown, id: 't1' });
    expect(summaries(plan.reasons)).toEqual(['the secret is rotated because "rotation_triggers" changed']);
    expect(plan.reasons[0]!.path).toEqual(['rotation_triggers']);
    expect(render(plan.reasons[0]!.detail!, snakeName)).toBe('The previous secret stays valid for 600 s ("overlap_seconds").');
  });

  test('with secret_wo, a rotation without a new secret_wo_version is refused on secret_wo_version', async () => {
    const prior = tokenState({ token: null, secret_wo_version: 1, expires_in_days: 30 });
    const config = configOf(token, prior, { secret_wo: 'supplied', expires_in_days: 31 });
    await expect(planChange(token, resourceContext(server), prior, config)).rejects.toMatchObject({
      name: 'ResourceError',
      message: 'Rotation needs a new "secret_wo_version"',
      problem: { path: ['secret_wo_version'] },
    });
  });

  test('with secret_wo and a new secret_wo_version, the rotation plans token null (never stored)', async () => {
    const prior = tokenState({ token: null, secret_wo_version: 1 });
    const plan = await planChange(token, resourceContext(server), prior, configOf(token, prior, { secret_wo: 'supplied', secret_wo_version: 2 }));
    expect(plan.planned).toMatchObject({ token: null, token_hint: Unknown, secret_wo: 'supplied', secret_wo_version: 2 });
    expect(summaries(plan.reasons)).toEqual(['the secret is rotated because "secret_wo_version" changed from 1 to 2']);
  });
});
