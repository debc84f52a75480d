// The cross-field rules of a token body live once, in the contract: the server's validation and
// warden_token's plan-time check refuse the same configurations, on the same fields.
import { MaxAgeDays, ServiceAccountName, Teams, TokenCreate, extendedTokenProblems, quotedField } from '../../api-client/contract';
import { type State, Unknown, checkConfig, complete, resources } from '../../provider/resources';

const definition = (typeName: string) => resources.find((d) => d.typeName === typeName)!;
const token = definition('warden_token');

/** Paths of the diagnostics warden_token's check gives for the token with `fields`. */
function refusedAtPlan(fields: State): string[] {
  const config = complete(token.attributes, { service_account_id: 'sa_1', name: 't', ...fields });
  return checkConfig(token.attributes, config, token.check).map((d) => (d.path ?? []).join('.'));
}

test.each<[string, State, string[]]>([
  ['days and a time', { expires_in_days: 5, expires_at: '2030-01-01T00:00:00Z' }, ['expires_at']],
  ['extended without max_age_days', { extended: true, expires_in_days: 5 }, ['max_age_days']],
  ['max_age_days without extended', { expires_in_days: 5, max_age_days: 7 }, ['max_age_days']],
  ['max_age_days with extended false', { expires_in_days: 5, extended: false, max_age_days: 7 }, ['max_age_days']],
  ['an extended token with its window', { expires_in_days: 5, extended: true, max_age_days: 7 }, []],
  ['a plain token', { expires_in_days: 5 }, []],
])('%s: the API and warden_token refuse the same fields', (_case, fields, paths) => {
  const api = TokenCreate.safeParse({ name: 't', ...fields });
  expect(api.success ? [] : api.error.issues.map((i) => i.path.join('.'))).toEqual(paths);
  expect(refusedAtPlan(fields)).toEqual(paths);
});

test('a rule reading a value not known yet (a reference, at plan time) waits for it', () => {
  expect(refusedAtPlan({ expires_in_days: 5, extended: Unknown, max_age_days: 7 })).toEqual([]);
  expect(extendedTokenProblems({ extended: Unknown, max_age_days: 7 })).toEqual([]);
});

test("an extended token that never expires is refused on expires_at, with a message naming what to give, in each face's spelling", () => {
  const [problem, ...more] = extendedTokenProblems({ extended: true, max_age_days: 7, expires_at: null });
  expect(more).toEqual([]);
  expect(problem!.path).toBe('expires_at');
  expect(problem!.message(quotedField)).toContain('"expires_in_days"');
  expect(problem!.message((field) => `"${field === 'expires_in_days' ? 'expiresInDays' : field}"`)).toContain('"expiresInDays"');
});

test("the definitions describe API fields with the contract's text", () => {
  expect(token.attributes.max_age_days!.description).toBe(MaxAgeDays.description);
  expect(token.attributes.max_age_days!.description).toContain('not a cap');
  const account = definition('warden_service_account');
  expect(account.attributes.name!.description).toBe(ServiceAccountName.description);
  expect(account.attributes.teams!.description.startsWith(Teams.description!)).toBe(true);
});
