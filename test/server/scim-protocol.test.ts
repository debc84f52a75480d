import { SCIM_PATCH_SCHEMA, SCIM_USER_SCHEMA } from '../../api-client/contract';
import { startServer } from '../support/server';
import { uniqueName } from '../support/fixtures';

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server;
beforeAll(async () => {
  server = await startServer({ publicUrl: 'https://warden.example.com/' });
});
afterAll(() => server.stop());

const SCIM_TYPE = /^application\/scim\+json/;
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function scim(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${server.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}
async function newUser(extra: Record<string, unknown> = {}) {
  const res = await scim('POST', '/Users', { schemas: [SCIM_USER_SCHEMA], userName: `${uniqueName('u')}@example.com`, displayName: 'Ada', ...extra });
  expect(res.status).toBe(201);
  return {
    user: (await res.json()) as { id: string; active: boolean; displayName: string; meta: { version: string; location: string } },
    etag: res.headers.get('etag'),
    location: res.headers.get('location'),
  };
}
const patchOp = (...Operations: unknown[]) => ({ schemas: [SCIM_PATCH_SCHEMA], Operations });

describe('SCIM discovery (RFC 7644 section 4)', () => {
  test('ServiceProviderConfig, Schemas and ResourceTypes describe what this server does', async () => {
    const spc = await fetch(`${server.url}/scim/v2/ServiceProviderConfig`);
    expect(spc.headers.get('content-type')).toMatch(SCIM_TYPE);
    expect(await spc.json()).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      sort: { supported: false },
      etag: { supported: true },
      filter: { supported: true, maxResults: 500 },
    });
    const schemas = (await (await fetch(`${server.url}/scim/v2/Schemas`)).json()) as { Resources: { id: string; attributes: { name: string }[] }[] };
    expect(schemas.Resources.map((r) => r.id)).toEqual([SCIM_USER_SCHEMA]);
    expect(schemas.Resources[0]!.attributes.map((a) => a.name)).toEqual(expect.arrayContaining(['userName', 'active', 'externalId', 'displayName']));
    expect((await fetch(`${server.url}/scim/v2/Schemas/${SCIM_USER_SCHEMA}`)).status).toBe(200);
    const types = (await (await fetch(`${server.url}/scim/v2/ResourceTypes`)).json()) as { Resources: { id: string; endpoint: string; schema: string }[] };
    expect(types.Resources).toEqual([expect.objectContaining({ id: 'User', endpoint: '/Users', schema: SCIM_USER_SCHEMA })]);
    expect((await fetch(`${server.url}/scim/v2/ResourceTypes/User`)).status).toBe(200);
  });
});

describe('PATCH as Microsoft Entra sends it', () => {
  test('op in any case, string booleans, path-less values and attributes Warden does not keep', async () => {
    const { user } = await newUser();
    const res = await scim(
      'PATCH',
      `/Users/${user.id}`,
      patchOp(
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'replace', path: 'name.givenName', value: 'Ada' },
        { op: 'Add', path: 'emails[type eq "work"].value', value: 'ada@work.example.com' },
        { op: 'Replace', path: 'title', value: 'Engineer' },
        { op: 'Replace', value: { displayName: 'Ada Lovelace', 'name.familyName': 'Lovelace', [`${ENTERPRISE}:department`]: 'R&D' } },
        { op: 'Remove', path: 'phoneNumbers[type eq "mobile"]' },
      ),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ active: false, displayName: 'Ada Lovelace' });
    const back = await scim('PATCH', `/Users/${user.id}`, patchOp({ op: 'REPLACE', path: `urn:ietf:params:scim:schemas:core:2.0:User:active`, value: 'True' }));
    expect(await back.json()).toMatchObject({ active: true });
  });

  test('a bad value for an attribute Warden keeps is 400 invalidValue and changes nothing', async () => {
    const { user } = await newUser();
    const res = await scim('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Changed' }, { op: 'replace', path: 'active', value: 'maybe' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ scimType: 'invalidValue', status: '400' });
    expect(((await (await scim('GET', `/Users/${user.id}`)).json()) as { displayName: string }).displayName).toBe('Ada');
  });

  test('create and replace take string booleans too', async () => {
    const { user } = await newUser({ active: 'False' });
    expect(user.active).toBe(false);
  });
});

describe('SCIM list paging (RFC 7644 3.4.2.4)', () => {
  test.each([
    { query: 'startIndex=0', startIndex: 1 },
    { query: 'startIndex=-3&count=1', startIndex: 1, itemsPerPage: 1 },
    { query: 'count=-5', startIndex: 1, itemsPerPage: 0 },
    { query: 'count=100000', startIndex: 1 },
    { query: 'attributes=userName&excludedAttributes=emails&sortBy=userName&sortOrder=ascending', startIndex: 1 },
  ])('$query is answered, not refused', async ({ query, startIndex, itemsPerPage }) => {
    await newUser();
    const res = await scim('GET', `/Users?${query}`);
    expect(res.status).toBe(200);
    const list = (await res.json()) as { startIndex: number; itemsPerPage: number; totalResults: number; Resources: unknown[] };
    expect(list.startIndex).toBe(startIndex);
    expect(list.itemsPerPage).toBe(itemsPerPage ?? Math.min(list.totalResults, 500));
    expect(list.Resources).toHaveLength(list.itemsPerPage);
  });
});

describe('every SCIM error is a SCIM error document', () => {
  test.each([
    { what: 'malformed JSON', body: '{"schemas":', type: 'application/scim+json', status: 400, scimType: 'invalidSyntax' },
    { what: 'a body over 64 KiB', body: JSON.stringify({ schemas: [SCIM_USER_SCHEMA], userName: 'x'.repeat(70 * 1024) }), type: 'application/scim+json', status: 413 },
    { what: 'a wrong content type', body: 'userName=x', type: 'application/x-www-form-urlencoded', status: 415 },
  ])('$what -> $status', async ({ body, type, status, scimType }) => {
    const sent = await fetch(`${server.url}/scim/v2/Users`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': type }, body });
    expect(sent.status).toBe(status);
    expect(sent.headers.get('content-type')).toMatch(SCIM_TYPE);
    const doc = (await sent.json()) as { schemas: string[]; status: string; scimType?: string };
    expect(doc.schemas).toContain('urn:ietf:params:scim:api:messages:2.0:Error');
    expect(doc.status).toBe(String(status));
    if (scimType) expect(doc.scimType).toBe(scimType);
  });

  test('an unknown SCIM endpoint is a SCIM 404', async () => {
    const res = await scim('GET', '/Groups');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(SCIM_TYPE);
    await res.arrayBuffer();
  });
});

describe('SCIM ETags and If-Match (RFC 7644 3.14)', () => {
  test('resources carry ETag; a stale If-Match is 412 and changes nothing; the current one or * proceeds', async () => {
    const { user, etag } = await newUser();
    expect(etag).toBe(user.meta.version);
    const got = await scim('GET', `/Users/${user.id}`);
    expect(got.headers.get('etag')).toBe(user.meta.version);
    await got.arrayBuffer();
    const rename = (name: string, ifMatch: string) => scim('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: 'displayName', value: name }), { 'if-match': ifMatch });
    const first = await rename('One', user.meta.version);
    expect(first.status).toBe(200);
    const newer = first.headers.get('etag')!;
    expect(newer).not.toBe(user.meta.version);
    await first.arrayBuffer();
    const stale = await rename('Two', user.meta.version);
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toMatch(SCIM_TYPE);
    await stale.arrayBuffer();
    expect((await scim('DELETE', `/Users/${user.id}`, undefined, { 'if-match': user.meta.version })).status).toBe(412);
    expect((await rename('Three', '*')).status).toBe(200);
    expect(((await (await scim('GET', `/Users/${user.id}`)).json()) as { displayName: string }).displayName).toBe('Three');
  });
});

describe('meta.location', () => {
  test('comes from WARDEN_PUBLIC_URL, never from the Host header', async () => {
    const { user, location } = await newUser();
    expect(user.meta.location).toBe(`https://warden.example.com/scim/v2/Users/${user.id}`);
    expect(location).toBe(user.meta.location);
    const res = await server.app.inject({ method: 'GET', url: `/scim/v2/Users/${user.id}`, headers: { host: 'evil.example', authorization: `Bearer ${server.adminToken}` } });
    expect(res.json<{ meta: { location: string } }>().meta.location).toBe(`https://warden.example.com/scim/v2/Users/${user.id}`);
  });

  test('without it, locations are paths, still not from Host', async () => {
    const bare = await startServer();
    try {
      const res = await bare.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { host: 'evil.example', authorization: `Bearer ${bare.adminToken}`, 'content-type': 'application/scim+json' },
        payload: JSON.stringify({ schemas: [SCIM_USER_SCHEMA], userName: 'pat@example.com' }),
      });
      const user = res.json<{ id: string; meta: { location: string } }>();
      expect(user.meta.location).toBe(`/scim/v2/Users/${user.id}`);
      expect(res.headers.location).toBe(user.meta.location);
    } finally {
      await bare.stop();
    }
  });
});
