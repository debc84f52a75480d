import { ERRORS } from '../../api-client/contract';
import { startServer } from '../support/server';

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server;
let accountId: string;

beforeAll(async () => {
  server = await startServer();
  accountId = (await server.client.createServiceAccount({ name: 'existing' })).id;
});
afterAll(() => server.stop());

interface Case {
  name: string;
  method?: string;
  path?: string;
  body?: string;
  contentType?: string;
  status: number;
  /** A field path the problem's `errors` must name. */
  field?: string;
}

const SA = '/v1/service-accounts';
const cases: Case[] = [
  { name: 'malformed JSON', body: '{"name":', status: 400, field: '' },
  { name: 'a JSON array instead of an object', body: '[1,2]', status: 400, field: '' },
  { name: 'an empty body', body: '', status: 400, field: 'name' },
  { name: 'a wrong type', body: '{"name": 5}', status: 400, field: 'name' },
  { name: 'null for a required string', body: '{"name": null}', status: 400, field: 'name' },
  { name: 'an invalid name', body: '{"name": "Not Valid!"}', status: 400, field: 'name' },
  { name: 'an unknown field', body: '{"name": "fine", "colour": "red"}', status: 400, field: 'colour' },
  { name: 'a wrong nested type', body: '{"name": "fine", "teams": "ops"}', status: 400, field: 'teams' },
  { name: 'a wrong element type', body: '{"name": "fine", "teams": ["ok", 7]}', status: 400, field: 'teams.1' },
  { name: 'a date that is not RFC 3339', body: '{"name": "fine", "expires_at": "tomorrow"}', status: 400, field: 'expires_at' },
  { name: 'a prototype-poisoning key', body: '{"name": "fine", "__proto__": {"admin": true}}', status: 400 },
  { name: 'a body over 64 KiB', body: JSON.stringify({ name: 'fine', description: 'x'.repeat(70 * 1024) }), status: 413 },
  { name: 'a description over its limit', body: JSON.stringify({ name: 'fine', description: 'x'.repeat(2000) }), status: 400, field: 'description' },
  { name: 'a wrong content type', body: 'name=fine', contentType: 'application/x-www-form-urlencoded', status: 415 },
  { name: 'text/plain', body: '{"name":"fine"}', contentType: 'text/plain', status: 415 },
  { name: 'an unknown project', body: '{"name": "fine", "project_id": "prj_missing"}', status: 400, field: 'project_id' },
  { name: 'a malformed id in the path', method: 'GET', path: `${SA}/bad%20id!`, status: 400, field: 'params.id' },
  { name: 'an id that does not exist', method: 'GET', path: `${SA}/sa_missing`, status: 404 },
  { name: 'a malformed id in a PATCH', method: 'PATCH', path: `${SA}/$$$`, body: '{"description":"x"}', status: 400, field: 'params.id' },
  { name: 'a non-numeric limit', method: 'GET', path: `${SA}?limit=lots`, status: 400, field: 'query.limit' },
  { name: 'a limit over 500', method: 'GET', path: `${SA}?limit=501`, status: 400, field: 'query.limit' },
  { name: 'a limit in exponent notation', method: 'GET', path: `${SA}?limit=1e2`, status: 400, field: 'query.limit' },
  { name: 'a limit in hex', method: 'GET', path: `${SA}?limit=0x10`, status: 400, field: 'query.limit' },
  { name: 'a fractional limit', method: 'GET', path: `${SA}?limit=5.0`, status: 400, field: 'query.limit' },
  { name: 'a malformed percent-escape in the path', method: 'GET', path: `${SA}/%zz`, status: 400 },
  { name: 'a malformed percent-escape in a write', method: 'PATCH', path: `${SA}/a%2`, body: '{"description":"x"}', status: 400 },
  { name: 'a method the path does not answer', method: 'PUT', path: SA, body: '{"name":"fine"}', status: 405 },
  { name: 'an unknown query parameter', method: 'GET', path: `${SA}?colour=red`, status: 400, field: 'query.colour' },
  { name: 'a forged page token', method: 'GET', path: `${SA}?page_token=%00%01`, status: 400, field: 'page_token' },
  { name: 'extended without max_age_days', path: `${SA}/{id}/tokens`, body: '{"name": "t", "extended": true}', status: 400, field: 'max_age_days' },
  {
    name: 'an extended token that never expires',
    path: `${SA}/{id}/tokens`,
    body: '{"name": "t", "extended": true, "max_age_days": 7, "expires_at": null}',
    status: 400,
    field: 'expires_at',
  },
  { name: 'both expiry forms', path: `${SA}/{id}/tokens`, body: '{"name": "t", "expires_in_days": 5, "expires_at": null}', status: 400, field: 'expires_at' },
  { name: 'an unknown scope', path: `${SA}/{id}/tokens`, body: '{"name": "t", "scopes": ["root"]}', status: 400, field: 'scopes.0' },
  { name: 'a number too large for days', path: `${SA}/{id}/tokens`, body: '{"name": "t", "expires_in_days": 1e309}', status: 400, field: 'expires_in_days' },
  { name: 'an overlap over 7 days', path: `${SA}/{id}/tokens/tok_missing/regenerate`, body: '{"overlap_seconds": 604801}', status: 400, field: 'overlap_seconds' },
  { name: 'an unknown route', method: 'GET', path: '/v1/nothing-here', status: 404 },
];

async function counts() {
  const accounts = await server.client.listServiceAccounts({ limit: 500 });
  const tokens = await server.client.listServiceAccountTokens(accountId, { limit: 500 });
  const audit = await server.client.listAuditEvents({ limit: 500 });
  return { accounts: accounts.items.length, tokens: tokens.items.length, audit: audit.items.filter((e) => e.outcome === 'success').length };
}

describe('bad input is refused with a problem that names the field, and changes nothing', () => {
  test.each(cases)('$name -> $status', async (c) => {
    const before = await counts();
    const res = await fetch(server.url + (c.path ?? SA).replace('{id}', accountId), {
      method: c.method ?? 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, ...(c.body !== undefined ? { 'content-type': c.contentType ?? 'application/json' } : {}) },
      ...(c.body !== undefined ? { body: c.body } : {}),
    });
    expect(res.status).toBe(c.status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { status: number; code: string; title: string; errors?: { path: string }[] };
    // Every refusal is an entry of the catalogue, sent with that entry's status and title.
    const entry = Object.values(ERRORS).find((e) => e.code === problem.code);
    expect(problem).toMatchObject({ status: c.status, code: entry?.code, title: entry?.title });
    if (c.field !== undefined) expect(problem.errors?.map((e) => e.path)).toContain(c.field);
    expect(await counts()).toEqual(before);
  });

  test('no input yields a 5xx: random bodies against every write endpoint', async () => {
    const bodies = ['{}', 'null', '"x"', '1', 'true', '{"a":{"b":{"c":[]}}}', '{"name":{"$gt":""}}', '{"name":"a","project_id":{"x":1}}', '\u0000', '{"name":"\ud800"}'];
    const paths = ['/v1/projects', '/v1/roles', SA, '/v1/role-bindings', `${SA}/${accountId}/tokens`, '/v1/users', '/v1/sessions', '/v1/tokens/report-leak'];
    for (const path of paths) {
      for (const body of bodies) {
        const res = await fetch(server.url + path, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }, body });
        expect({ path, body, status: res.status < 500 }).toEqual({ path, body, status: true });
        await res.arrayBuffer();
      }
    }
  });
});
