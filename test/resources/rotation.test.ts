// rotationReason, case by case: what rotates a token's secret in place, and the words the plan
// shows for it. The window case asks the real server's time, from a clock the test moves.
import { type State, complete } from '../../provider/resources';
import { render, snakeName } from '../../provider/resources/problem';
import { rotationReason, token } from '../../provider/resources/token';
import { resourceContext } from '../support/resource-context';
import { TestClock, type TestServer, startServer } from '../support/server';

const DAY = 24 * 3600 * 1000;
const clock = new TestClock(new Date('2030-01-01T00:00:00Z'));
const state = (o: Record<string, unknown>): State => complete(token.attributes, { overlap_seconds: 0, ...o } as State);

/** The reason as Terraform words it, and the attribute it is on. */
async function reasonOf(prior: State, planned: State): Promise<[string, string] | undefined> {
  const r = await rotationReason(resourceContext(server), prior, planned);
  return r && [render(r.because, snakeName), r.path];
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ clock });
});
afterAll(() => server.stop());

test.each<[string, Record<string, unknown>, Record<string, unknown>, [string, string] | undefined]>([
  ['nothing changed', { expires_in_days: 10, rotation_triggers: { v: '1' } }, { expires_in_days: 10, rotation_triggers: { v: '1' } }, undefined],
  ['triggers equal in another key order', { rotation_triggers: { a: '1', b: '2' } }, { rotation_triggers: { b: '2', a: '1' } }, undefined],
  ['a changed trigger', { rotation_triggers: { v: '1' } }, { rotation_triggers: { v: '2' } }, ['"rotation_triggers" changed', 'rotation_triggers']],
  ['triggers removed', { rotation_triggers: { v: '1' } }, { rotation_triggers: null }, ['"rotation_triggers" changed', 'rotation_triggers']],
  ['triggers added where there were none', { rotation_triggers: null }, { rotation_triggers: { v: '1' } }, undefined],
  ['a new lifetime', { expires_in_days: 10 }, { expires_in_days: 20 }, ['"expires_in_days" changed from 10 to 20', 'expires_in_days']],
  ['a new fixed expiry', { expires_at: '2030-06-01T00:00:00Z' }, { expires_at: '2030-07-01T00:00:00Z' }, ['"expires_at" changed', 'expires_at']],
  ['the same fixed expiry spelled with milliseconds', { expires_at: '2030-06-01T00:00:00Z' }, { expires_at: '2030-06-01T00:00:00.000Z' }, undefined],
  ['a new secret_wo_version', { secret_wo_version: 1 }, { secret_wo_version: 2 }, ['"secret_wo_version" changed from 1 to 2', 'secret_wo_version']],
  ['a first secret_wo_version', { secret_wo_version: null }, { secret_wo_version: 1 }, ['"secret_wo_version" changed from null to 1', 'secret_wo_version']],
])('%s', async (_title, prior, planned, reason) => {
  expect(await reasonOf(state(prior), state(planned))).toEqual(reason);
});

test("rotate_before_days: no reason before the window opens, the expiry in the reason once the server's clock is inside it", async () => {
  const expiresAt = new Date(clock.now().getTime() + 10 * DAY).toISOString();
  const prior = state({ expires_in_days: 10, rotate_before_days: 3, expires_at: expiresAt });
  const planned = state({ expires_in_days: 10, rotate_before_days: 3 });
  clock.advance(7 * DAY - 2000);
  expect(await reasonOf(prior, planned)).toBeUndefined();
  clock.advance(2000);
  expect(await reasonOf(prior, planned)).toEqual([`it expires at ${expiresAt}, within "rotate_before_days" (3)`, 'rotate_before_days']);
});
